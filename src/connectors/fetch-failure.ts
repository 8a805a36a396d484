import { refusalIn } from "../outbound/outbound-policy.js";
import { SourceError } from "./source.js";

/** Error codes undici (or the OS under it) reports when a connection could not be made in time. */
const TIMEOUT_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ETIMEDOUT",
]);

const EXPLAINED: Readonly<Record<string, string>> = {
  ECONNREFUSED: "the connection was refused (is the server running on that port?)",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name could not be resolved (DNS lookup failed)",
  ECONNRESET: "the connection was reset",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  UND_ERR_SOCKET: "the connection was closed unexpectedly",
};

function causeChain(error: unknown): { code: string | undefined; message: string } {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (current !== error) message = current.message || message;
    if (typeof code === "string") return { code, message };
    current = current.cause;
  }
  return { code: undefined, message };
}

/**
 * What a failed fetch (or body read) means for the run. A cancelled run rethrows its own abort
 * reason, untouched, so the engine tells a cancellation from a failing upstream.
 */
export function fetchFailure(error: unknown, where: string, runSignal: AbortSignal, timeoutMs: number): unknown {
  if (runSignal.aborted) return runSignal.reason ?? error;
  // The outbound guard's words, as they are: they say what to set to allow the address.
  const refusal = refusalIn(error);
  if (refusal) return new SourceError("misconfigured", `${where}: ${refusal.message}`, { cause: error });
  if (error instanceof Error && error.name === "TimeoutError") {
    return new SourceError("timeout", `${where} did not answer within ${timeoutMs} ms`, { cause: error });
  }
  const { code, message } = causeChain(error);
  if (code && TIMEOUT_CODES.has(code))
    return new SourceError("timeout", `${where} timed out (${code})`, { cause: error });
  const why = (code && EXPLAINED[code]) ?? (code ? `${message} (${code})` : message);
  return new SourceError("unreachable", `${where} failed: ${why}`, { cause: error });
}
