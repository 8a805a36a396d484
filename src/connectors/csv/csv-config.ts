import type { FieldError } from "../../core/errors.js";

/** The Roster fields a CSV column can fill; every other column lands in `raw_attributes`. */
export const CSV_FIELDS = [
  "username",
  "email",
  "first_name",
  "last_name",
  "job_title",
  "state",
  "groups",
  "external_id",
] as const;
export type CsvField = (typeof CSV_FIELDS)[number];

/** Header names read as a field without any mapping: the field names, and `id` for `external_id`. */
export const DEFAULT_COLUMNS: Readonly<Record<string, CsvField>> = Object.freeze({
  ...Object.fromEntries(CSV_FIELDS.map((f) => [f, f])),
  id: "external_id",
});

/**
 * The `connector` object of a `csv` directory.
 *
 * `mapping` renames columns, **CSV column → Roster field**: `{ "Login": "username", "Mail":
 * "email", "Team": "groups" }` reads the file's `Login` column as the username. Column names
 * compare case-insensitively; a field named by a mapping is no longer read from its default column.
 */
export interface CsvConfig {
  /** A file on the server; without it, rows come only from uploads (`POST /directories/{id}/csv`). */
  readonly path?: string | undefined;
  readonly mapping?: Readonly<Record<string, CsvField>> | undefined;
}

export type CheckedCsvConfig =
  | { readonly ok: true; readonly value: CsvConfig }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

const KEYS = new Set(["path", "mapping"]);

function fieldOf(value: unknown): CsvField | undefined {
  return typeof value === "string" ? DEFAULT_COLUMNS[value.trim().toLowerCase()] : undefined;
}

function checkMapping(input: unknown, errors: FieldError[]): Record<string, CsvField> | undefined {
  if (input === undefined) return undefined;
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    errors.push({
      field: "connector.mapping",
      code: "type",
      message: 'must be an object of CSV column → Roster field, e.g. { "Login": "username" }',
    });
    return undefined;
  }
  const mapping: Record<string, CsvField> = {};
  const columns = new Set<string>();
  const claimed = new Map<CsvField, string>();
  for (const [column, target] of Object.entries(input)) {
    const field = `connector.mapping.${column}`;
    const key = column.trim();
    const roster = fieldOf(target);
    if (key === "") errors.push({ field, code: "invalid_name", message: "a CSV column name cannot be empty" });
    else if (columns.has(key.toLowerCase()))
      errors.push({
        field,
        code: "duplicate",
        message: "names a column already mapped (names compare case-insensitively)",
      });
    if (roster === undefined) {
      errors.push({ field, code: "unknown_field", message: `must be one of ${CSV_FIELDS.join(", ")} (or id)` });
      continue;
    }
    const other = claimed.get(roster);
    if (other !== undefined)
      errors.push({ field, code: "duplicate", message: `maps to ${roster}, as "${other}" does` });
    claimed.set(roster, column);
    columns.add(key.toLowerCase());
    mapping[key] = roster;
  }
  return mapping;
}

/** Validates a `csv` connector object from the API; every problem named by field (`connector.…`). */
export function checkCsvConfig(input: unknown): CheckedCsvConfig {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return {
      ok: false,
      errors: [{ field: "connector", code: "type", message: "must be an object ({ path?, mapping? })" }],
    };
  }
  const raw = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(raw)) {
    if (!KEYS.has(key))
      errors.push({
        field: `connector.${key}`,
        code: "unknown",
        message: "is not a csv setting (expected path, mapping)",
      });
  }
  if (raw.path !== undefined && (typeof raw.path !== "string" || raw.path.trim() === "")) {
    errors.push({ field: "connector.path", code: "type", message: "must be a non-empty file path" });
  }
  const mapping = checkMapping(raw.mapping, errors);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { ...(typeof raw.path === "string" ? { path: raw.path.trim() } : {}), ...(mapping ? { mapping } : {}) },
  };
}
