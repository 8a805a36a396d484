import { connect as netConnect, Socket } from "node:net";
import { type ConnectionOptions, connect as tlsConnect, type TLSSocket } from "node:tls";
import { type GuardOptions, guardedLookup, refuseLiteralHost } from "./guarded-lookup.js";
import { currentOutboundPolicy } from "./outbound-policy.js";

/** A socket that fails with `error` as soon as its caller listens, as a refused connection would. */
function failedSocket(error: Error): Socket {
  const socket = new Socket();
  process.nextTick(() => socket.destroy(error));
  return socket;
}

function guardNow(): GuardOptions {
  return { policy: currentOutboundPolicy() };
}

/**
 * `net.connect(port, host)` under the outbound policy in force when it is called: a literal host
 * is checked before connecting, a name on the address it resolves to. For clients that open their
 * own sockets (ldapts' `createConnection`).
 */
export function guardedConnect(port: number, host: string): Socket {
  const guard = guardNow();
  try {
    refuseLiteralHost(host, guard);
  } catch (error) {
    return failedSocket(error as Error);
  }
  return netConnect({ port, host, lookup: guardedLookup(guard) });
}

/**
 * `tls.connect(port, host, options)`, guarded as `guardedConnect` (ldapts' `createSecureConnection`). Called with
 * options alone (StartTLS over a connected socket), it upgrades that socket, which was checked when it connected.
 */
export function guardedTlsConnect(
  portOrOptions: number | ConnectionOptions,
  host?: string,
  options?: ConnectionOptions,
): TLSSocket {
  if (typeof portOrOptions !== "number") return tlsConnect(portOrOptions);
  const port = portOrOptions;
  if (host === undefined) throw new TypeError("guardedTlsConnect needs a host");
  const guard = guardNow();
  try {
    refuseLiteralHost(host, guard);
  } catch (error) {
    return failedSocket(error as Error) as TLSSocket;
  }
  return tlsConnect({ ...options, port, host, lookup: guardedLookup(guard) });
}
