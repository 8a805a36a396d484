/** The environment `serve`, `worker` and `migrate` read, for their `--help` (docs/configuration.md has the whole story). */
export const SERVER_ENVIRONMENT: ReadonlyArray<readonly [name: string, meaning: string]> = [
  ["PORT", "TCP port to listen on (8080; 0 picks a free one)"],
  ["HOST", "address to bind (127.0.0.1; 0.0.0.0 accepts remote connections)"],
  ["ROSTER_PUBLIC_URL", "the URL clients and identity providers reach Roster at; SCIM base URLs are built from it"],
  ["DATABASE_URL", "postgres://user:password@host:5432/db for PostgreSQL, or sqlite:/path/file.sqlite"],
  ["ROSTER_DATA_DIR", "where the SQLite database lives when DATABASE_URL is unset (./data)"],
  ["ROSTER_ADMIN_KEY", "the admin key (unset: generated on the first start and printed once)"],
  ["ROSTER_SECRET_KEY", "seals webhook secrets and connector credentials; required on PostgreSQL"],
  ["ROSTER_SECRET_KEY_PREVIOUS", "during a key rotation: the old key(s), comma-separated"],
  ["ROSTER_RESTORE_DAYS", "days a deleted directory can be restored (7)"],
  ["ROSTER_HISTORY_DAYS", "days finished deliveries and sync runs are kept (30; 0 keeps all)"],
  ["ROSTER_AUDIT_DAYS", "days audit log entries are kept (365; 0 keeps all)"],
  [
    "ROSTER_OUTBOUND_PRIVATE",
    "admin: only endpoints and connectors the admin key created may reach private addresses (admin); all; none",
  ],
  ["ROSTER_SCIM_TOKEN_GRACE_SECONDS", "default grace period of a rotated SCIM token (0)"],
  ["ROSTER_SCIM_TOKEN_CACHE_MS", "how long a verified SCIM token is trusted (5000)"],
  ["ROSTER_BODY_LIMIT", "largest request body in bytes (1048576)"],
  ["ROSTER_HEADERS_TIMEOUT_MS", "time a client may take to send a request's headers (10000)"],
  ["ROSTER_REQUEST_TIMEOUT_MS", "time a client may take to send a whole request (30000)"],
  ["ROSTER_KEEP_ALIVE_TIMEOUT_MS", "how long an idle kept-alive connection stays open (5000)"],
  ["ROSTER_SHUTDOWN_TIMEOUT_MS", "how long a stop waits for requests and work in flight (10000)"],
  [
    "ROSTER_SHUTDOWN_DRAIN_MS",
    "after SIGTERM, how long new requests are answered 503 before the server stops listening (1000)",
  ],
  ["ROSTER_METRICS_TOKEN", "a bearer token that opens GET /metrics for a scraper (16+ characters)"],
  ["ROSTER_RATE_LIMIT_API", "API requests per window per key (6000)"],
  ["ROSTER_RATE_LIMIT_SCIM", "SCIM requests per window per directory token (60000)"],
  ["ROSTER_RATE_LIMIT_SCIM_UNAUTHENTICATED", "SCIM requests without a valid token per window per client address (100)"],
  ["ROSTER_RATE_LIMIT_WINDOW_MS", "the rate-limit window (60000)"],
  ["ROSTER_SYNC_BATCH_SIZE", "records a sync run writes per transaction (50)"],
  ["ROSTER_SYNC_SCHEDULER_INTERVAL_MS", "how often scheduled syncs are looked for (15000)"],
  ["ROSTER_SYNC_THREAD", "on: each sync run gets a thread of its own (on)"],
  ["ROSTER_SYNC_THREAD_HEAP_MB", "heap limit of a sync run's thread (512)"],
  ["ROSTER_CSV_UPLOAD_LIMIT", "largest CSV upload in bytes (67108864)"],
  ["LOG_LEVEL", "trace, debug, info, warn, error, fatal or silent (info); debug also prints start-up stacks"],
];

/** The help text listing them, one per line, aligned. */
export function environmentHelp(): string {
  const width = Math.max(...SERVER_ENVIRONMENT.map(([name]) => name.length));
  const lines = SERVER_ENVIRONMENT.map(([name, meaning]) => `  ${name.padEnd(width)}  ${meaning}`);
  return `\nEnvironment (read once at start; docs/configuration.md):\n${lines.join("\n")}\n`;
}
