import { isIP } from "node:net";
import type { FieldError } from "../core/errors.js";
import { OutboundRefusedError, type OutboundPolicy } from "./outbound-policy.js";
import { specialAddressKind } from "./special-addresses.js";

/** Names every resolver maps to loopback (RFC 6761 §6.3): refused as early as a literal 127.0.0.1. */
const LOOPBACK_NAME = /^(.+\.)?localhost\.?$/i;

/**
 * The refusal of a URL whose host is, as written, a special address: an IP literal in any form the
 * URL parser normalizes (`http://2130706433/`, `http://0x7f.1/` and `http://[::ffff:7f00:1]/` all
 * name 127.0.0.1) or `localhost`. Only a first answer, given when the URL is saved: names that
 * resolve to special addresses are refused when connecting (`guardedLookup`).
 */
export function urlHostRefusal(raw: string, policy: OutboundPolicy): OutboundRefusedError | null {
  if (policy.allowPrivate) return null;
  let host: string;
  try {
    host = new URL(raw).hostname;
  } catch {
    return null;
  }
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (LOOPBACK_NAME.test(bare)) return new OutboundRefusedError(bare, "loopback", policy.subject);
  if (isIP(bare) === 0) return null;
  const kind = specialAddressKind(bare);
  return kind ? new OutboundRefusedError(bare, kind, policy.subject) : null;
}

/** `urlHostRefusal` as a field error (`private_address`), or null. */
export function urlHostFieldError(raw: string, field: string, policy: OutboundPolicy): FieldError | null {
  const refusal = urlHostRefusal(raw, policy);
  return refusal ? { field, code: "private_address", message: refusal.message } : null;
}

/**
 * Field errors for every URL among a connector's settings (any top-level string of the form
 * `scheme://host…`: `url`, `base_url`, `org_url`, `token_url`…), so a connector added later is
 * covered without naming its keys here.
 */
export function connectorUrlErrors(config: Readonly<Record<string, unknown>>, policy: OutboundPolicy): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== "string" || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) continue;
    const error = urlHostFieldError(value, `connector.${key}`, policy);
    if (error) errors.push(error);
  }
  return errors;
}
