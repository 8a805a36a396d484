import { BlockList, isIP } from "node:net";
import { embeddedIpv4s } from "./embedded-ipv4.js";

/** Why an address is not on the public internet: the words a refusal uses ("a loopback address"). */
export type SpecialAddressKind =
  | "loopback"
  | "private"
  | "link-local"
  | "shared (CGNAT)"
  | "unspecified"
  | "multicast"
  | "reserved";

/** One range of special addresses, as data: the webhook sender thread builds the same lists from it. */
export interface SpecialRange {
  readonly kind: SpecialAddressKind;
  readonly network: string;
  readonly prefix: number;
  readonly family: "ipv4" | "ipv6";
}

/**
 * Addresses a tenant's URL must not reach unless an operator allows it (RFC 6890's special-purpose
 * registries, the parts that lead into the server's own networks). Checked in this order, so the
 * most telling word wins. An IPv6 address that leads to an IPv4 one (NAT64, IPv4-mapped or
 * -compatible, 6to4: `embedded-ipv4.ts`) is judged by the IPv4 address first.
 */
export const SPECIAL_RANGES: readonly SpecialRange[] = Object.freeze([
  { kind: "unspecified", network: "0.0.0.0", prefix: 8, family: "ipv4" },
  { kind: "unspecified", network: "::", prefix: 128, family: "ipv6" },
  { kind: "loopback", network: "127.0.0.0", prefix: 8, family: "ipv4" },
  { kind: "loopback", network: "::1", prefix: 128, family: "ipv6" },
  { kind: "private", network: "10.0.0.0", prefix: 8, family: "ipv4" },
  { kind: "private", network: "172.16.0.0", prefix: 12, family: "ipv4" },
  { kind: "private", network: "192.168.0.0", prefix: 16, family: "ipv4" },
  { kind: "private", network: "fc00::", prefix: 7, family: "ipv6" },
  // 169.254.169.254 is where cloud instances read their credentials.
  { kind: "link-local", network: "169.254.0.0", prefix: 16, family: "ipv4" },
  { kind: "link-local", network: "fe80::", prefix: 10, family: "ipv6" },
  { kind: "shared (CGNAT)", network: "100.64.0.0", prefix: 10, family: "ipv4" },
  { kind: "multicast", network: "224.0.0.0", prefix: 4, family: "ipv4" },
  { kind: "multicast", network: "ff00::", prefix: 8, family: "ipv6" },
  // 240/4 and the broadcast address; IETF protocol assignments (192.0.0.0/24); the deprecated
  // IPv4-compatible IPv6 form (::a.b.c.d), which some stacks still route to the embedded address.
  { kind: "reserved", network: "240.0.0.0", prefix: 4, family: "ipv4" },
  { kind: "reserved", network: "192.0.0.0", prefix: 24, family: "ipv4" },
  { kind: "reserved", network: "::", prefix: 96, family: "ipv6" },
  // Site-local IPv6 (deprecated, still private where used).
  { kind: "private", network: "fec0::", prefix: 10, family: "ipv6" },
] satisfies SpecialRange[]);

function buildLists(ranges: readonly SpecialRange[]): ReadonlyArray<readonly [SpecialAddressKind, BlockList]> {
  const lists = new Map<SpecialAddressKind, BlockList>();
  for (const range of ranges) {
    const list = lists.get(range.kind) ?? new BlockList();
    list.addSubnet(range.network, range.prefix, range.family);
    lists.set(range.kind, list);
  }
  return [...lists.entries()];
}

const LISTS = buildLists(SPECIAL_RANGES);

/** Strips the brackets and zone of an IPv6 host (`[fe80::1%eth0]` → `fe80::1`). */
function bare(address: string): string {
  const unbracketed = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const zone = unbracketed.indexOf("%");
  return zone >= 0 ? unbracketed.slice(0, zone) : unbracketed;
}

/** What kind of special address `address` is, or null for a public one (or a string that is no IP address). */
export function specialAddressKind(address: string): SpecialAddressKind | null {
  const ip = bare(address);
  const family = isIP(ip);
  if (family === 0) return null;
  if (family === 6) {
    for (const v4 of embeddedIpv4s(ip)) {
      const kind = kindIn(v4, "ipv4");
      if (kind) return kind;
    }
  }
  return kindIn(ip, family === 4 ? "ipv4" : "ipv6");
}

function kindIn(ip: string, type: "ipv4" | "ipv6"): SpecialAddressKind | null {
  for (const [kind, list] of LISTS) if (list.check(ip, type)) return kind;
  return null;
}

/** "a loopback address", "an unspecified address". */
export function describeKind(kind: SpecialAddressKind): string {
  return `${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind} address`;
}
