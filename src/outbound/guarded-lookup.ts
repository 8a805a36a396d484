import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { OutboundRefusedError, type OutboundPolicy } from "./outbound-policy.js";
import { type SpecialAddressKind, specialAddressKind } from "./special-addresses.js";

/** Resolves a host name to all its addresses (dns.lookup's shape); tests bring a resolver of their own. */
export type Resolver = (
  hostname: string,
  options: { family?: number; hints?: number },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** Which addresses count as special; tests swap it to pretend an address is public. */
export type AddressClassifier = (address: string) => SpecialAddressKind | null;

export interface GuardOptions {
  readonly policy: OutboundPolicy;
  readonly classify?: AddressClassifier | undefined;
  readonly resolve?: Resolver | undefined;
}

const systemResolver: Resolver = (hostname, options, callback) =>
  dnsLookup(hostname, { ...options, all: true }, callback);

/** The refusal for `address` under `policy`, or null when it may be reached. */
export function refusalFor(
  address: string,
  policy: OutboundPolicy,
  classify: AddressClassifier = specialAddressKind,
): OutboundRefusedError | null {
  if (policy.allowPrivate) return null;
  const kind = classify(address);
  return kind ? new OutboundRefusedError(address, kind, policy.subject) : null;
}

/**
 * Throws the refusal for a host that is an IP address literal. Node connects to a literal without
 * calling `lookup`, so a connection to one is checked here, before it is made.
 */
export function refuseLiteralHost(host: string, options: GuardOptions): void {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (isIP(bare) === 0) return;
  const refusal = refusalFor(bare, options.policy, options.classify);
  if (refusal) throw refusal;
}

/**
 * A `lookup` for sockets (http agents, net/tls connections) that refuses a host name resolving to
 * a special address, checked on the address the socket is about to connect to. A name that
 * resolved to a public address when a URL was saved and to 127.0.0.1 now (DNS rebinding) is
 * refused now. A name with any special address among its answers is refused as a whole.
 */
export function guardedLookup(options: GuardOptions): LookupFunction {
  const resolve = options.resolve ?? systemResolver;
  return (hostname, lookupOptions, callback) => {
    const family = lookupOptions.family === "IPv4" ? 4 : lookupOptions.family === "IPv6" ? 6 : lookupOptions.family;
    resolve(hostname, { family, hints: lookupOptions.hints }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      for (const { address } of addresses) {
        const refusal = refusalFor(address, options.policy, options.classify);
        if (refusal) return callback(refusal, "", 0);
      }
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
      if (lookupOptions.all) return callback(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
}
