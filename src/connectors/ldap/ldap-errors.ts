import { ResultCodeError } from "ldapts";
import { refusalIn } from "../../outbound/outbound-policy.js";
import { SourceError } from "../source.js";

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "EPIPE",
  "EADDRNOTAVAIL",
]);

// LDAP result codes (RFC 4511 §4.1.9) that a configuration change fixes, with what to change.
const MISCONFIGURED: Readonly<Record<number, string>> = {
  2: "the server refused the request as a protocol error",
  8: "the server requires a stronger authentication: use ldaps:// or tls.starttls",
  12: "the server does not support a critical control (paged results?)",
  13: "the server requires TLS for this: use ldaps:// or tls.starttls",
  32: "base_dn does not exist on the server",
  34: "a DN in the configuration is not a valid DN",
  48: "the server does not allow simple binds for bind_dn",
  50: "bind_dn is not allowed to read this",
};

function describe(error: ResultCodeError): string {
  return error.message ? `LDAP result ${error.code}: ${error.message}` : `LDAP result ${error.code}`;
}

/**
 * Turns what ldapts or the socket threw into the source failure the sync engine understands.
 * `during` names the step ("bind", "reading users") for the message; the original is the cause.
 */
export function toSourceError(error: unknown, during: string): SourceError {
  if (error instanceof SourceError) return error;
  const refusal = refusalIn(error);
  if (refusal)
    return new SourceError("misconfigured", `the LDAP server's address was ${refusal.message}`, { cause: error });
  if (error instanceof ResultCodeError) {
    if (error.code === 49)
      return new SourceError("invalid_credentials", "the LDAP server rejected bind_dn and password", { cause: error });
    if (error.code === 3)
      return new SourceError("timeout", `the LDAP server hit its time limit while ${during}`, { cause: error });
    if (error.code === 4 || error.code === 11) {
      return new SourceError(
        "misconfigured",
        `the LDAP server's size limit for bind_dn stopped ${during}: raise it or allow paged results past it`,
        { cause: error },
      );
    }
    if (error.code === 51 || error.code === 52)
      return new SourceError("unreachable", `the LDAP server is busy or unavailable (${describe(error)})`, {
        cause: error,
      });
    const hint = MISCONFIGURED[error.code];
    if (hint !== undefined)
      return new SourceError("misconfigured", `${hint} (${during}: ${describe(error)})`, { cause: error });
    return new SourceError("bad_response", `the LDAP server failed while ${during}: ${describe(error)}`, {
      cause: error,
    });
  }
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === "string" && UNREACHABLE_CODES.has(code))
    return new SourceError("unreachable", `cannot reach the LDAP server (${code})`, { cause: error });
  if (code === "ETIMEDOUT" || /timed? ?out/i.test(message))
    return new SourceError("timeout", `the LDAP server did not answer in time while ${during}`, { cause: error });
  if (
    typeof code === "string" &&
    (code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL") || /CERT|SELF_SIGNED|UNABLE_TO/.test(code))
  ) {
    return new SourceError(
      "misconfigured",
      `TLS with the LDAP server failed (${code}: ${message}); check tls.ca and the host name in url`,
      { cause: error },
    );
  }
  if (/Connection closed|Socket|socket hang up/i.test(message))
    return new SourceError("unreachable", `the connection to the LDAP server was lost while ${during}`, {
      cause: error,
    });
  return new SourceError("bad_response", `unexpected failure while ${during}: ${message}`, { cause: error });
}
