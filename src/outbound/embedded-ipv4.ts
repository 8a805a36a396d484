/**
 * IPv6 addresses that carry an IPv4 address inside and lead to it: NAT64 (RFC 6052, RFC 8215),
 * IPv4-mapped and -translated forms, the deprecated IPv4-compatible form and 6to4. A connection to
 * `64:ff9b::10.0.0.5` reaches 10.0.0.5 through the network's translator, so the guard judges such
 * an address by the IPv4 address inside. As data: the webhook sender thread reads the same list.
 */
export interface EmbeddedIpv4Range {
  readonly network: string;
  readonly prefix: number;
  /**
   * Where the IPv4 address may sit (its four bytes' positions in the 16), and which bytes must be
   * zero for that reading to hold (RFC 6052 §2.2's reserved octet and suffix). A prefix whose
   * length the network chooses (the local-use one) has several readings; any special one counts.
   */
  readonly readings: ReadonlyArray<{ readonly at: readonly number[]; readonly zero: readonly number[] }>;
}

const LAST_FOUR = { at: [12, 13, 14, 15], zero: [] };

export const EMBEDDED_IPV4_RANGES: readonly EmbeddedIpv4Range[] = Object.freeze([
  // The NAT64 well-known prefix is used with /96 only (RFC 6052 §2.1).
  { network: "64:ff9b::", prefix: 96, readings: [LAST_FOUR] },
  // The local-use NAT64 prefix (RFC 8215): the network picks a /48…/96 inside it (RFC 6052 §2.2).
  {
    network: "64:ff9b:1::",
    prefix: 48,
    readings: [
      { at: [6, 7, 9, 10], zero: [8, 11, 12, 13, 14, 15] },
      { at: [7, 9, 10, 11], zero: [8, 12, 13, 14, 15] },
      { at: [9, 10, 11, 12], zero: [8, 13, 14, 15] },
      LAST_FOUR,
    ],
  },
  { network: "::ffff:0:0", prefix: 96, readings: [LAST_FOUR] },
  { network: "::ffff:0:0:0", prefix: 96, readings: [LAST_FOUR] },
  { network: "::", prefix: 96, readings: [LAST_FOUR] },
  // 6to4 (RFC 3056): a relay tunnels to the IPv4 address in bytes 2…5.
  { network: "2002::", prefix: 16, readings: [{ at: [2, 3, 4, 5], zero: [] }] },
] satisfies EmbeddedIpv4Range[]);

/** The 16 bytes of an IPv6 address as `net.isIP` accepts it (zone already stripped), dotted tail included. */
export function ipv6Bytes(ip: string): number[] {
  let text = ip;
  const bytes: number[] = [];
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) text = `${text.slice(0, dotted.index)}0:0`;
  const [head = "", tail] = text.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  for (const group of all) {
    const value = Number.parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  if (dotted) bytes.splice(12, 4, ...dotted.slice(1, 5).map(Number));
  return bytes;
}

function inRange(bytes: readonly number[], range: EmbeddedIpv4Range, networkBytes: readonly number[]): boolean {
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const take = Math.min(8, range.prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    const index = bit / 8;
    if (((bytes[index] ?? 0) & mask) !== ((networkBytes[index] ?? 0) & mask)) return false;
  }
  return true;
}

const NETWORKS = EMBEDDED_IPV4_RANGES.map((range) => ipv6Bytes(range.network));

/**
 * The IPv4 addresses an IPv6 address leads to, in dotted form, most likely first; none for an
 * ordinary IPv6 address. A reading in 0.0.0.0/8 counts for nothing: it is another format's zero
 * padding, or `::` and `::1` themselves.
 */
export function embeddedIpv4s(ip: string): string[] {
  const bytes = ipv6Bytes(ip);
  const found: string[] = [];
  EMBEDDED_IPV4_RANGES.forEach((range, i) => {
    if (!inRange(bytes, range, NETWORKS[i] ?? [])) return;
    for (const reading of range.readings) {
      if (reading.zero.some((index) => bytes[index] !== 0)) continue;
      const v4 = reading.at.map((index) => bytes[index] ?? 0);
      if (v4[0] !== 0) found.push(v4.join("."));
    }
  });
  return found;
}
