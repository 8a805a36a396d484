import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { DatabaseConfig } from "../../src/config.js";

export type Dialect = "sqlite" | "postgres";

/** Every storage-touching suite runs on both backends; a missing PostgreSQL fails, never skips. */
export const DIALECTS: readonly Dialect[] = ["sqlite", "postgres"];

/** The server the PostgreSQL runs use to create their own databases. */
export const PG_ADMIN_URL = process.env.ROSTER_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  readonly config: DatabaseConfig;
  drop(): Promise<void>;
}

/** A fresh, empty database of one dialect, private to the caller; `drop` removes it. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "roster-test-"));
    return {
      config: { kind: "sqlite", file: join(dir, "roster.sqlite") },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `roster_t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    config: { kind: "postgres", url: url.toString() },
    async drop() {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
