import { resolve } from "node:path";

/** Every setting Roster reads from the environment, parsed and validated once at start. */
export interface RosterConfig {
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly database: DatabaseConfig;
  readonly adminKey: string | undefined;
  readonly secretKey: string | undefined;
  readonly restoreDays: number;
  /** Days finished webhook deliveries and sync runs are kept (`ROSTER_HISTORY_DAYS`); 0 keeps them for ever. */
  readonly historyDays: number;
  readonly bodyLimitBytes: number;
  readonly rateLimit: RateLimitConfig;
  readonly scimTokenGraceSeconds: number;
  /** How long a process trusts a SCIM token it verified; changes made by other processes take up to this long to be seen. */
  readonly scimTokenCacheMs: number;
  readonly logLevel: string;
  readonly sync: SyncConfig;
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

export interface RateLimitConfig {
  /** Requests per window for one organization or admin key. */
  readonly apiMax: number;
  /** Requests per window for one directory's SCIM token. */
  readonly scimMax: number;
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
  if (!LOG_LEVELS.includes(raw)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${raw}"`);
  return raw;
}

function databaseFrom(env: Env): DatabaseConfig {
  const url = env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url };
  if (url && url.startsWith("sqlite:")) return { kind: "sqlite", file: url.slice("sqlite:".length) };
  if (url) throw new ConfigError(`DATABASE_URL must start with postgres:// or sqlite:, got "${url.split(":")[0]}:…"`);
  const dataDir = resolve(env.ROSTER_DATA_DIR || "./data");
  return { kind: "sqlite", file: resolve(dataDir, "roster.sqlite") };
}

export function loadConfig(env: Env = process.env): RosterConfig {
  const host = env.HOST || "127.0.0.1";
  const port = integer(env, "PORT", 8080);
  const publicUrl = (env.ROSTER_PUBLIC_URL || `http://${host.includes(":") ? `[${host}]` : host}:${port}`).replace(/\/+$/, "");
  if (!/^https?:\/\//.test(publicUrl)) throw new ConfigError("ROSTER_PUBLIC_URL must be an http(s) URL");
  return Object.freeze({
    host,
    port,
    publicUrl,
    database: databaseFrom(env),
    adminKey: env.ROSTER_ADMIN_KEY || undefined,
    secretKey: env.ROSTER_SECRET_KEY || undefined,
    restoreDays: integer(env, "ROSTER_RESTORE_DAYS", 7),
    historyDays: integer(env, "ROSTER_HISTORY_DAYS", 30),
    bodyLimitBytes: integer(env, "ROSTER_BODY_LIMIT", 1024 * 1024, 1024),
    rateLimit: Object.freeze({
      apiMax: integer(env, "ROSTER_RATE_LIMIT_API", 6000, 1),
      scimMax: integer(env, "ROSTER_RATE_LIMIT_SCIM", 60000, 1),
      windowMs: integer(env, "ROSTER_RATE_LIMIT_WINDOW_MS", 60_000, 1000),
    }),
    scimTokenGraceSeconds: integer(env, "ROSTER_SCIM_TOKEN_GRACE_SECONDS", 0),
    scimTokenCacheMs: integer(env, "ROSTER_SCIM_TOKEN_CACHE_MS", 5000),
    logLevel: logLevel(env),
    sync: Object.freeze({
      batchSize: integer(env, "ROSTER_SYNC_BATCH_SIZE", 50, 1),
      schedulerIntervalMs: integer(env, "ROSTER_SYNC_SCHEDULER_INTERVAL_MS", 15_000, 100),
      csvUploadLimitBytes: integer(env, "ROSTER_CSV_UPLOAD_LIMIT", 64 * 1024 * 1024, 1024),
      thread: onOff(env, "ROSTER_SYNC_THREAD", true),
      threadHeapMb: integer(env, "ROSTER_SYNC_THREAD_HEAP_MB", 512, 32),
    }),
  });
}
