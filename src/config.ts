import { resolve } from "node:path";

/** Every setting Roster reads from the environment, parsed and validated once at start. */
/**
 * `ROSTER_OUTBOUND_PRIVATE` (enforced in src/outbound): where webhook endpoints and pull connectors may connect.
 * `admin` (the default): only a row the admin key created, or flagged `private_network`, may reach loopback,
 * private and link-local addresses (LDAP servers usually live on private networks; a tenant's key must not reach
 * them). `all`: every row may (a trusted installation). `none`: no row may.
 */
export type OutboundPrivateSetting = "admin" | "all" | "none";

export const OUTBOUND_PRIVATE_VALUES: readonly OutboundPrivateSetting[] = ["admin", "all", "none"];

/** Reads the setting; undefined for a value that is none of `OUTBOUND_PRIVATE_VALUES`. */
export function parseOutboundPrivate(raw: string | undefined): OutboundPrivateSetting | undefined {
  if (raw === undefined || raw === "") return "admin";
  const value = raw.trim().toLowerCase();
  return (OUTBOUND_PRIVATE_VALUES as readonly string[]).includes(value) ? (value as OutboundPrivateSetting) : undefined;
}

export interface RosterConfig {
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly database: DatabaseConfig;
  readonly adminKey: string | undefined;
  readonly secretKey: string | undefined;
  /** `ROSTER_SECRET_KEY_PREVIOUS` (comma-separated): older keys that still open what they sealed, during a rotation. */
  readonly previousSecretKeys: readonly string[];
  readonly restoreDays: number;
  /** Days finished webhook deliveries and sync runs are kept (`ROSTER_HISTORY_DAYS`); 0 keeps them for ever. */
  readonly historyDays: number;
  /** Days audit log entries are kept (`ROSTER_AUDIT_DAYS`, 365); 0 keeps them for ever. */
  readonly auditDays: number;
  readonly bodyLimitBytes: number;
  readonly timeouts: TimeoutConfig;
  readonly rateLimit: RateLimitConfig;
  readonly scimTokenGraceSeconds: number;
  /** How long a process trusts a SCIM token it verified; changes made by other processes take up to this long to be seen. */
  readonly scimTokenCacheMs: number;
  readonly logLevel: string;
  /** A bearer token that opens `GET /metrics` besides the admin key (`ROSTER_METRICS_TOKEN`), for Prometheus scrapers. */
  readonly metricsToken: string | undefined;
  readonly sync: SyncConfig;
  /**
   * `ROSTER_OUTBOUND_PRIVATE`: whether webhook endpoints and connectors may reach loopback, private, link-local and
   * other special addresses: `admin` (default; only rows the admin key created or flagged `private_network`), `all` or `none`.
   */
  readonly outboundPrivate: OutboundPrivateSetting;
}

export interface SyncConfig {
  /** Records written per transaction by a sync run. */
  readonly batchSize: number;
  /** How often a process looks for scheduled syncs that are due. */
  readonly schedulerIntervalMs: number;
  /** Largest CSV upload (`POST /directories/{id}/csv`), in bytes. */
  readonly csvUploadLimitBytes: number;
  /** Whether each run gets a thread of its own (`ROSTER_SYNC_THREAD`, on by default) instead of sharing the event loop with requests. */
  readonly thread: boolean;
  /** That thread's heap limit in MB (`ROSTER_SYNC_THREAD_HEAP_MB`): a run that needs more fails. */
  readonly threadHeapMb: number;
}

export type DatabaseConfig =
  | { readonly kind: "sqlite"; readonly file: string }
  | { readonly kind: "postgres"; readonly url: string };

/** How long a client may take: a slow or stalled one must not hold a socket for ever. */
export interface TimeoutConfig {
  /** To send a request's headers, from its connection or its previous request (`ROSTER_HEADERS_TIMEOUT_MS`). */
  readonly headersMs: number;
  /** To send a whole request, headers and body (`ROSTER_REQUEST_TIMEOUT_MS`). */
  readonly requestMs: number;
  /** An idle kept-alive connection stays open this long (`ROSTER_KEEP_ALIVE_TIMEOUT_MS`). */
  readonly keepAliveMs: number;
  /** On SIGTERM: everything (drain, requests, deliveries, sync runs) gets this long before the process exits anyway (`ROSTER_SHUTDOWN_TIMEOUT_MS`). */
  readonly shutdownMs: number;
  /** On SIGTERM: how long the server still accepts connections, answering 503, before it stops listening (`ROSTER_SHUTDOWN_DRAIN_MS`). */
  readonly drainMs: number;
}

export interface RateLimitConfig {
  /** Requests per window for one organization or admin key. */
  readonly apiMax: number;
  /** Requests per window for one directory's SCIM token. */
  readonly scimMax: number;
  /** Requests per window from one client address to SCIM URLs without a token that opens them. */
  readonly scimUnauthenticatedMax: number;
  readonly windowMs: number;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  }
  return value;
}

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (["on", "true", "1"].includes(raw.toLowerCase())) return true;
  if (["off", "false", "0"].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be on or off, got "${raw}"`);
}

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

function logLevel(env: Env): string {
  const raw = env.LOG_LEVEL;
  if (raw === undefined || raw === "") return "info";
  if (!LOG_LEVELS.includes(raw))
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${raw}"`);
  return raw;
}

/** A secret a client sends: long enough that guessing it is hopeless. */
function secret(env: Env, name: string, minLength: number): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  if (raw.length < minLength || /\s/.test(raw))
    throw new ConfigError(`${name} must be at least ${minLength} characters without spaces`);
  return raw;
}

function timeoutsFrom(env: Env): TimeoutConfig {
  const headersMs = integer(env, "ROSTER_HEADERS_TIMEOUT_MS", 10_000, 100);
  const requestMs = integer(env, "ROSTER_REQUEST_TIMEOUT_MS", 30_000, 100);
  // Node refuses a header allowance longer than the whole request's.
  if (headersMs > requestMs)
    throw new ConfigError(
      `ROSTER_HEADERS_TIMEOUT_MS (${headersMs}) must not exceed ROSTER_REQUEST_TIMEOUT_MS (${requestMs})`,
    );
  const shutdownMs = integer(env, "ROSTER_SHUTDOWN_TIMEOUT_MS", 10_000, 100);
  const drainMs = integer(env, "ROSTER_SHUTDOWN_DRAIN_MS", 1_000, 0);
  if (drainMs >= shutdownMs)
    throw new ConfigError(
      `ROSTER_SHUTDOWN_DRAIN_MS (${drainMs}) must be shorter than ROSTER_SHUTDOWN_TIMEOUT_MS (${shutdownMs})`,
    );
  return Object.freeze({
    headersMs,
    requestMs,
    keepAliveMs: integer(env, "ROSTER_KEEP_ALIVE_TIMEOUT_MS", 5_000, 100),
    shutdownMs,
    drainMs,
  });
}

function outboundPrivateFrom(env: Env): OutboundPrivateSetting {
  const value = parseOutboundPrivate(env.ROSTER_OUTBOUND_PRIVATE);
  if (!value)
    throw new ConfigError(
      `ROSTER_OUTBOUND_PRIVATE must be one of ${OUTBOUND_PRIVATE_VALUES.join(", ")}, got "${env.ROSTER_OUTBOUND_PRIVATE}"`,
    );
  return value;
}

function databaseFrom(env: Env): DatabaseConfig {
  const url = env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url };
  if (url?.startsWith("sqlite:")) return { kind: "sqlite", file: url.slice("sqlite:".length) };
  if (url) throw new ConfigError(`DATABASE_URL must start with postgres:// or sqlite:, got "${url.split(":")[0]}:…"`);
  const dataDir = resolve(env.ROSTER_DATA_DIR || "./data");
  return { kind: "sqlite", file: resolve(dataDir, "roster.sqlite") };
}

export function loadConfig(env: Env = process.env): RosterConfig {
  const host = env.HOST || "127.0.0.1";
  const port = integer(env, "PORT", 8080);
  const publicUrl = (env.ROSTER_PUBLIC_URL || `http://${host.includes(":") ? `[${host}]` : host}:${port}`).replace(
    /\/+$/,
    "",
  );
  if (!/^https?:\/\//.test(publicUrl)) throw new ConfigError("ROSTER_PUBLIC_URL must be an http(s) URL");
  return Object.freeze({
    host,
    port,
    publicUrl,
    database: databaseFrom(env),
    adminKey: env.ROSTER_ADMIN_KEY || undefined,
    secretKey: env.ROSTER_SECRET_KEY || undefined,
    previousSecretKeys: (env.ROSTER_SECRET_KEY_PREVIOUS ?? "")
      .split(",")
      .map((key) => key.trim())
      .filter((key) => key.length > 0),
    restoreDays: integer(env, "ROSTER_RESTORE_DAYS", 7),
    historyDays: integer(env, "ROSTER_HISTORY_DAYS", 30),
    auditDays: integer(env, "ROSTER_AUDIT_DAYS", 365),
    bodyLimitBytes: integer(env, "ROSTER_BODY_LIMIT", 1024 * 1024, 1024),
    timeouts: timeoutsFrom(env),
    rateLimit: Object.freeze({
      apiMax: integer(env, "ROSTER_RATE_LIMIT_API", 6000, 1),
      scimMax: integer(env, "ROSTER_RATE_LIMIT_SCIM", 60000, 1),
      scimUnauthenticatedMax: integer(env, "ROSTER_RATE_LIMIT_SCIM_UNAUTHENTICATED", 100, 1),
      windowMs: integer(env, "ROSTER_RATE_LIMIT_WINDOW_MS", 60_000, 1000),
    }),
    scimTokenGraceSeconds: integer(env, "ROSTER_SCIM_TOKEN_GRACE_SECONDS", 0),
    scimTokenCacheMs: integer(env, "ROSTER_SCIM_TOKEN_CACHE_MS", 5000),
    logLevel: logLevel(env),
    metricsToken: secret(env, "ROSTER_METRICS_TOKEN", 16),
    sync: Object.freeze({
      batchSize: integer(env, "ROSTER_SYNC_BATCH_SIZE", 50, 1),
      schedulerIntervalMs: integer(env, "ROSTER_SYNC_SCHEDULER_INTERVAL_MS", 15_000, 100),
      csvUploadLimitBytes: integer(env, "ROSTER_CSV_UPLOAD_LIMIT", 64 * 1024 * 1024, 1024),
      thread: onOff(env, "ROSTER_SYNC_THREAD", true),
      threadHeapMb: integer(env, "ROSTER_SYNC_THREAD_HEAP_MB", 512, 32),
    }),
    outboundPrivate: outboundPrivateFrom(env),
  });
}
