import { isIP, type connect as netConnect } from "node:net";
import type { ConnectionOptions, connect as tlsConnect } from "node:tls";
import { Client, ResultCodeError } from "ldapts";
import { guardedConnect, guardedTlsConnect } from "../../outbound/guarded-socket.js";
import { SourceError } from "../source.js";
import type { LdapConfig } from "./ldap-config.js";
import { toSourceError } from "./ldap-errors.js";

/**
 * One bound connection per source, opened on first use and again after it was lost or aborted.
 * Every operation goes through `run`, which ties it to the caller's AbortSignal (abort = unbind,
 * so whatever is pending rejects at once) and turns failures into `SourceError`s.
 */
export interface LdapSession {
  run<T>(signal: AbortSignal, during: string, operation: (client: Client) => Promise<T>): Promise<T>;
  /** For streams: the bound client plus a release to call when the stream ends. */
  acquire(signal: AbortSignal): Promise<{ readonly client: Client; readonly release: () => void }>;
  /** Rethrows what an operation threw as the abort reason or a `SourceError`. */
  fail(error: unknown, signal: AbortSignal, during: string): never;
  close(): Promise<void>;
}

function tlsOptions(config: LdapConfig): ConnectionOptions {
  const hostname = new URL(config.url).hostname.replace(/^\[(.*)\]$/, "$1");
  return {
    ...(config.tls.ca === null ? {} : { ca: config.tls.ca }),
    rejectUnauthorized: config.tls.rejectUnauthorized,
    host: hostname,
    // SNI takes host names only (RFC 6066 §3)
    ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
  };
}

function newClient(config: LdapConfig): Client {
  const url = new URL(config.url);
  return new Client({
    url: `${url.protocol}//${url.host}`,
    timeout: config.timeoutMs,
    connectTimeout: config.timeoutMs,
    // ldapts speaks TLS from the first byte whenever tlsOptions are given: ldaps:// only
    ...(url.protocol === "ldaps:" ? { tlsOptions: tlsOptions(config) } : {}),
    strictDN: false,
    // The outbound policy of the run (private addresses refused unless allowed), on the address connected to.
    // ldapts types these as net/tls.connect with all their overloads; it calls them as (port, host[, options]).
    createConnection: guardedConnect as typeof netConnect,
    createSecureConnection: guardedTlsConnect as typeof tlsConnect,
  });
}

async function establish(client: Client, config: LdapConfig): Promise<void> {
  try {
    if (config.tls.starttls) {
      try {
        await client.startTLS(tlsOptions(config));
      } catch (error) {
        if (error instanceof ResultCodeError) {
          throw new SourceError(
            "misconfigured",
            `the LDAP server does not offer StartTLS (LDAP result ${error.code}: ${error.message}): use ldaps:// or turn tls.starttls off`,
            { cause: error },
          );
        }
        throw error;
      }
    }
    await client.bind(config.bindDn, config.password);
  } catch (error) {
    await client.unbind().catch(() => {});
    throw toSourceError(error, config.tls.starttls ? "StartTLS and bind" : "bind");
  }
}

export function createLdapSession(config: LdapConfig): LdapSession {
  let current: Client | null = null;
  let opening: { readonly client: Client; readonly done: Promise<Client> } | null = null;

  // Abort = unbind: the client leaves the session at once (the unbind takes a moment, and the
  // next operation must not pick it up) and whatever it has pending rejects.
  function retire(client: Client): void {
    if (current === client) current = null;
    if (opening?.client === client) opening = null;
    void client.unbind().catch(() => {});
  }

  function open(): { client: Client; done: Promise<Client> } {
    const client = newClient(config);
    const done = establish(client, config).then(() => {
      if (opening?.client === client) current = client;
      return client;
    });
    void done
      .catch(() => {})
      .finally(() => {
        if (opening?.client === client) opening = null;
      });
    return { client, done };
  }

  async function acquire(signal: AbortSignal) {
    signal.throwIfAborted();
    let client = current?.isBound ? current : null;
    if (client === null) {
      opening ??= open();
      const pending = opening;
      const onAbort = () => retire(pending.client);
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        client = await abortable(pending.done, signal);
      } finally {
        signal.removeEventListener("abort", onAbort);
      }
    }
    const bound = client;
    const onAbort = () => retire(bound);
    signal.addEventListener("abort", onAbort, { once: true });
    return { client: bound, release: () => signal.removeEventListener("abort", onAbort) };
  }

  function fail(error: unknown, signal: AbortSignal, during: string): never {
    if (signal.aborted) throw signal.reason;
    throw toSourceError(error, during);
  }

  return Object.freeze({
    acquire,
    fail,
    async run<T>(signal: AbortSignal, during: string, operation: (client: Client) => Promise<T>): Promise<T> {
      const { client, release } = await acquire(signal);
      try {
        return await operation(client);
      } catch (error) {
        return fail(error, signal, during);
      } finally {
        release();
      }
    },
    async close() {
      const clients = [current, opening?.client].filter((c): c is Client => c !== null && c !== undefined);
      current = null;
      opening = null;
      await Promise.all(clients.map((c) => c.unbind().catch(() => {})));
    },
  });
}

/** Waits for `promise` unless `signal` aborts first. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
