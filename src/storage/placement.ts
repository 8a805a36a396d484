import type { DatabaseConfig } from "../config.js";

/**
 * Where the database keeps its data, for what depends on that beyond SQL: a file on this machine
 * (its folder may hold what belongs beside it, such as the secret key file), this process's
 * memory (gone with it, and no other thread can open it), or a server that processes on other
 * machines share (they have no disk in common).
 */
export type DatabasePlacement =
  | { readonly on: "file"; readonly file: string }
  | { readonly on: "memory" }
  | { readonly on: "server" };

export function databasePlacement(config: DatabaseConfig): DatabasePlacement {
  if (config.kind === "postgres") return { on: "server" };
  return config.file === ":memory:" ? { on: "memory" } : { on: "file", file: config.file };
}

/** The configured database for a line an operator reads: `sqlite: <file>`, or `postgres` (never the URL, which may hold a password). */
export function describeDatabase(config: DatabaseConfig): string {
  return config.kind === "sqlite" ? `sqlite: ${config.file}` : config.kind;
}
