import { type ColumnDataType, type Expression, type RawBuilder, sql } from "kysely";

/**
 * What differs between the two backends, declared once so no other code branches on a dialect's
 * name (the Kysely adapter idea).
 */
export interface StorageCapabilities {
  readonly dialect: "sqlite" | "postgres";
  /** Column type of the events sequence, with its autoincrement. */
  readonly sequenceType: ColumnDataType | RawBuilder<unknown>;
  /** Whether the sequence column also needs AUTOINCREMENT (SQLite) or is one by type (bigserial). */
  readonly sequenceNeedsAutoIncrement: boolean;
  /** Whether `FOR UPDATE SKIP LOCKED` exists, for work claimed by several processes. */
  readonly skipLocked: boolean;
  /** Default of events.xact_id: the writer's transaction id where the backend has one. */
  readonly xactIdDefault: Expression<unknown> | null;
  /** Whether a driver error is a unique-constraint violation (a lost race for a unique name). */
  isUniqueViolation(error: unknown): boolean;
}

function codeOf(error: unknown): unknown {
  return typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
}

export const SQLITE_CAPABILITIES: StorageCapabilities = Object.freeze({
  dialect: "sqlite",
  sequenceType: "integer",
  sequenceNeedsAutoIncrement: true,
  skipLocked: false,
  xactIdDefault: null,
  isUniqueViolation: (error: unknown) => codeOf(error) === "SQLITE_CONSTRAINT_UNIQUE" || codeOf(error) === "SQLITE_CONSTRAINT_PRIMARYKEY",
});

export const POSTGRES_CAPABILITIES: StorageCapabilities = Object.freeze({
  dialect: "postgres",
  sequenceType: "bigserial",
  sequenceNeedsAutoIncrement: false,
  skipLocked: true,
  xactIdDefault: sql`(pg_current_xact_id()::text)`,
  isUniqueViolation: (error: unknown) => codeOf(error) === "23505",
});
