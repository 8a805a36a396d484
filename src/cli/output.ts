/** How the CLI prints: aligned text for people, `--json` for scripts. Writes go to process.stdout at call time. */

export interface Column<T> {
  readonly header: string;
  readonly value: (item: T) => string;
}

/** One label and its value; rows with a null or undefined value are left out. */
export type Field = readonly [label: string, value: string | number | null | undefined];

export function printLine(text = ""): void {
  process.stdout.write(`${text}\n`);
}

export function printJson(value: unknown): void {
  printLine(JSON.stringify(value, null, 2));
}

/** A table with a header row; every column as wide as its widest cell. */
export function printTable<T>(items: readonly T[], columns: readonly Column<T>[]): void {
  const rows = [columns.map((c) => c.header), ...items.map((item) => columns.map((c) => c.value(item)))];
  const widths = columns.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  for (const row of rows)
    printLine(
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    );
}

/** `label  value` lines, labels aligned, indented under a heading. */
export function printFields(fields: readonly Field[], indent = "  "): void {
  const shown = fields.filter((f): f is readonly [string, string | number] => f[1] !== null && f[1] !== undefined);
  const width = Math.max(0, ...shown.map(([label]) => label.length));
  for (const [label, value] of shown) printLine(`${indent}${label.padEnd(width)}  ${value}`);
}

/** An ISO time as `2026-01-01 12:00:00Z`: shorter in a table, still unambiguous. */
export function formatTime(iso: string | null): string {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "-";
}

/** Prints `value` as JSON under `--json`, otherwise runs the human printer. */
export function emit<T>(options: { readonly json?: boolean | undefined }, value: T, human: (value: T) => void): void {
  if (options.json) printJson(value);
  else human(value);
}

/** The hint after a page that is not the last one. */
export function printMoreHint(after: string | null, command: string): void {
  if (after) printLine(`\nMore results: ${command} --after ${after}  (or --all)`);
}
