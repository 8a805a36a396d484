import { SourceError } from "../source.js";
import { type CsvField, DEFAULT_COLUMNS } from "./csv-config.js";

/** What each column of a file holds, decided once from its header. */
export interface ColumnPlan {
  /** Fields per row the header promises. */
  readonly width: number;
  readonly fields: Readonly<Partial<Record<CsvField, number>>>;
  /** Header name of each field's column, for messages. */
  readonly headers: Readonly<Partial<Record<CsvField, string>>>;
  /** Columns kept as `raw_attributes`, by their header name. */
  readonly raw: readonly { readonly index: number; readonly name: string }[];
}

function mappedColumnOf(mapping: Readonly<Record<string, CsvField>>, field: CsvField): string | undefined {
  return Object.entries(mapping).find(([, f]) => f === field)?.[0];
}

/**
 * Reads the header line: a mapped column fills its field, an unmapped column named like a field
 * fills that field unless a mapping claimed it, every other column is raw. A header the file
 * cannot be read with (no username column, a name twice) is a `misconfigured` source.
 */
export function planColumns(header: readonly string[], mapping: Readonly<Record<string, CsvField>> = {}): ColumnPlan {
  const mapped = new Map(Object.entries(mapping).map(([column, field]) => [column.trim().toLowerCase(), field]));
  const claimedByMapping = new Set(mapped.values());
  const fields: Partial<Record<CsvField, number>> = {};
  const headers: Partial<Record<CsvField, string>> = {};
  const raw: { index: number; name: string }[] = [];
  const names = new Set<string>();
  header.forEach((text, index) => {
    const name = text.trim();
    const lower = name.toLowerCase();
    if (name !== "" && names.has(lower))
      throw new SourceError("misconfigured", `The CSV header names the column "${name}" twice`);
    names.add(lower);
    const byDefault = DEFAULT_COLUMNS[lower];
    const field =
      mapped.get(lower) ?? (byDefault !== undefined && !claimedByMapping.has(byDefault) ? byDefault : undefined);
    if (field === undefined) {
      raw.push({ index, name: name || `column_${index + 1}` });
      return;
    }
    if (fields[field] !== undefined) {
      throw new SourceError("misconfigured", `The CSV columns "${headers[field]}" and "${name}" both fill ${field}`);
    }
    fields[field] = index;
    headers[field] = name;
  });
  if (fields.username === undefined) {
    const column = mappedColumnOf(mapping, "username");
    throw new SourceError(
      "misconfigured",
      column === undefined
        ? `The CSV header has no "username" column (found: ${header.join(",").slice(0, 200)}); map one with { "<column>": "username" }`
        : `The CSV header has no "${column}" column, which the mapping reads as username (found: ${header.join(",").slice(0, 200)})`,
    );
  }
  return { width: header.length, fields, headers, raw };
}
