import { AsyncLocalStorage } from "node:async_hooks";
import { type OutboundPrivateSetting, parseOutboundPrivate } from "../config.js";

// The setting is read with the rest of the configuration; its users find it here beside the policy it sets.
export { OUTBOUND_PRIVATE_VALUES, type OutboundPrivateSetting, parseOutboundPrivate } from "../config.js";
import { describeKind, type SpecialAddressKind } from "./special-addresses.js";

/** What a refusal names as the row to flag: a webhook endpoint or a directory's connector. */
export type OutboundSubject = "endpoint" | "directory";

/** Where one outbound request may go. */
export interface OutboundPolicy {
  readonly allowPrivate: boolean;
  readonly subject: OutboundSubject;
}

/** The policy of one row: the installation's setting, and under `admin` the row's own admin-given flag. */
export function outboundPolicy(
  setting: OutboundPrivateSetting,
  privateNetwork: boolean,
  subject: OutboundSubject,
): OutboundPolicy {
  return Object.freeze({ allowPrivate: setting === "all" || (setting === "admin" && privateNetwork), subject });
}

/** The words of a refusal, the same in a delivery attempt, a sync run and an API error. */
export function refusalMessage(address: string, kind: SpecialAddressKind, subject: OutboundSubject): string {
  return `refused: ${address} is ${describeKind(kind)}; only ${subject === "endpoint" ? "an" : "a"} ${subject} the admin key created or flagged private_network may reach it (ROSTER_OUTBOUND_PRIVATE=admin), or every one with ROSTER_OUTBOUND_PRIVATE=all`;
}

/** A connection the policy refused; `code` lets error readers (fetch failures, LDAP errors) tell it apart. */
export class OutboundRefusedError extends Error {
  override readonly name = "OutboundRefusedError";
  readonly code = "ERR_OUTBOUND_REFUSED";
  constructor(
    readonly address: string,
    readonly kind: SpecialAddressKind,
    subject: OutboundSubject,
  ) {
    super(refusalMessage(address, kind, subject));
  }
}

/** The refusal somewhere in an error's cause chain, if any. */
export function refusalIn(error: unknown): OutboundRefusedError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    if (current instanceof OutboundRefusedError) return current;
    current = current.cause;
  }
  return null;
}

const scope = new AsyncLocalStorage<OutboundPolicy>();

/**
 * Runs `work` with `policy` applying to every outbound connection it makes (a sync run with its
 * directory's policy), so connectors need not carry it through each call.
 */
export function withOutboundPolicy<T>(policy: OutboundPolicy, work: () => T): T {
  return scope.run(policy, work);
}

/**
 * The policy in force: the enclosing `withOutboundPolicy`, else the installation's setting as the
 * process environment has it (the same source the config reads), for a directory.
 */
export function currentOutboundPolicy(): OutboundPolicy {
  const scoped = scope.getStore();
  if (scoped) return scoped;
  return outboundPolicy(parseOutboundPrivate(process.env.ROSTER_OUTBOUND_PRIVATE) ?? "admin", false, "directory");
}
