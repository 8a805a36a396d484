import { isIP } from "node:net";
import type { ConnectionOptions } from "node:tls";
import { Client, ResultCodeError } from "ldapts";
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

function tlsOptions(config: LdapConfig, hostname: string): ConnectionOptions {
  return {
    ...(config.tls.ca === null ? {} : { ca: config.tls.ca }),
    rejectUnauthorized: config.tls.rejectUnauthorized,
    host: hostname,
    // SNI takes host names only (RFC 6066 §3)
    ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
  };
}

async function connect(config: LdapConfig): Promise<Client> {
  const url = new URL(config.url);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const client = new Client({
    url: `${url.protocol}//${url.host}`,
    timeout: config.timeoutMs,
    connectTimeout: config.timeoutMs,
    // ldapts speaks TLS from the first byte whenever tlsOptions are given: ldaps:// only
    ...(url.protocol === "ldaps:" ? { tlsOptions: tlsOptions(config, hostname) } : {}),
    strictDN: false,
  });
  try {
    if (config.tls.starttls) {
      try {
        await client.startTLS(tlsOptions(config, hostname));
      } catch (error) {
        if (error instanceof ResultCodeError) {
          throw new SourceError("misconfigured", `the LDAP server does not offer StartTLS (LDAP result ${error.code}: ${error.message}): use ldaps:// or turn tls.starttls off`, { cause: error });
        }
        throw error;
      }
    }
    await client.bind(config.bindDn, config.password);
    return client;
  } catch (error) {
    await client.unbind().catch(() => {});
    throw toSourceError(error, config.tls.starttls ? "StartTLS and bind" : "bind");
  }
}

export function createLdapSession(config: LdapConfig): LdapSession {
  let current: Client | null = null;
  let opening: Promise<Client> | null = null;

  async function bound(signal: AbortSignal): Promise<Client> {
    signal.throwIfAborted();
    if (current?.isBound) return current;
    opening ??= connect(config)
      .then((client) => {
        current = client;
        return client;
      })
      .finally(() => {
        opening = null;
      });
    const pending = opening;
    try {
      return await abortable(pending, signal);
    } catch (error) {
      // aborted while connecting: the connection, once open, is closed too (abort = unbind)
      if (signal.aborted) void pending.then((client) => client.unbind()).catch(() => {});
      throw error;
    }
  }

  function fail(error: unknown, signal: AbortSignal, during: string): never {
    if (signal.aborted) throw signal.reason;
    throw toSourceError(error, during);
  }

  async function acquire(signal: AbortSignal) {
    const client = await bound(signal);
    const onAbort = () => void client.unbind().catch(() => {});
    signal.addEventListener("abort", onAbort, { once: true });
    return { client, release: () => signal.removeEventListener("abort", onAbort) };
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
      const client = current ?? (await opening?.catch(() => null)) ?? null;
      current = null;
      await client?.unbind().catch(() => {});
    },
  });
}

/** Waits for `promise` unless `signal` aborts first; a connection still opening is closed later by `close()`. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
