import type { SyncRun, SyncRunChange } from "../client/index.js";
import { shellWord } from "./command-line.js";
import { type Column, formatTime, printFields, printLine, printTable } from "./output.js";

/** How many per-record errors and planned changes the table shows; `--json` has them all. */
const SHOWN_ERRORS = 10;
const SHOWN_CHANGES = 50;
/** The server keeps this many errors and planned changes per run. */
const SERVER_KEEPS = 1000;

/** Exit statuses of the commands that follow a run (`sync`, `sync confirm`, `import csv`); docs/cli.md lists them. */
export const EXIT = Object.freeze({ ok: 0, failed: 1, held: 2, partial: 3, interrupted: 130 });

/** Records (users and groups) the run could not write. */
export function failedRecords(run: SyncRun): number {
  return run.counts.failed + run.group_counts.failed;
}

/**
 * How a followed run ends for a script: 0 it succeeded (or still runs), 1 it failed, 2 the
 * mass-removal guard holds it, 3 it succeeded but some records failed (0 with `allowPartial`).
 */
export function exitCodeOf(run: SyncRun, options: { readonly allowPartial?: boolean | undefined } = {}): number {
  if (run.state === "failed") return EXIT.failed;
  if (run.state === "needs_confirmation") return EXIT.held;
  if (run.state === "succeeded" && failedRecords(run) > 0 && !options.allowPartial) return EXIT.partial;
  return EXIT.ok;
}

/** `full`, `delta (dry run)`, `user ada`: what the run read. */
export function modeOf(run: SyncRun): string {
  const mode = run.mode === "user" ? `user ${run.username ?? ""}` : run.mode;
  return run.dry_run ? `${mode} (dry run)` : mode;
}

function durationOf(run: SyncRun): string | null {
  if (run.finished_at === null) return null;
  const ms = Date.parse(run.finished_at) - Date.parse(run.started_at);
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

type CountRow = readonly [label: string, users: number, groups: number | null];

const COUNT_COLUMNS: readonly Column<CountRow>[] = [
  { header: "", value: (r) => r[0] },
  { header: "USERS", value: (r) => String(r[1]) },
  { header: "GROUPS", value: (r) => (r[2] === null ? "-" : String(r[2])) },
];

function printCounts(run: SyncRun): void {
  const u = run.counts;
  const g = run.group_counts;
  printTable<CountRow>(
    [
      ["created", u.created, g.created],
      ["updated", u.updated, g.updated],
      ["deactivated", u.deactivated, null],
      ["deleted", u.deleted, g.deleted],
      ["unchanged", u.unchanged, g.unchanged],
      ["failed", u.failed, g.failed],
    ],
    COUNT_COLUMNS,
  );
}

function printErrors(run: SyncRun): void {
  if (run.errors.length === 0) return;
  const failed = failedRecords(run);
  const shown = run.errors.slice(0, SHOWN_ERRORS);
  printLine();
  printLine(
    `Errors (${failed} record${failed === 1 ? "" : "s"} failed${shown.length < failed ? `; the first ${shown.length} shown, --json for up to ${SERVER_KEEPS}` : ""}):`,
  );
  printFields(shown.map((e) => [e.ref, e.message]));
}

const CHANGE_COLUMNS: readonly Column<SyncRunChange>[] = [
  { header: "ACTION", value: (c) => c.action },
  { header: "KIND", value: (c) => c.kind },
  { header: "REF", value: (c) => c.ref },
  { header: "FIELDS", value: (c) => c.fields?.join(", ") ?? "" },
];

function printChanges(run: SyncRun): void {
  if (run.changes === null || run.state === "running") return;
  printLine();
  const why = run.dry_run ? "dry run" : "held for confirmation";
  if (run.changes.length === 0) {
    printLine(`Planned changes: none (${why}: nothing was written).`);
    return;
  }
  printLine(`Planned changes (${why}: nothing was written):`);
  printTable(run.changes.slice(0, SHOWN_CHANGES), CHANGE_COLUMNS);
  const more = run.changes.length - SHOWN_CHANGES;
  if (more > 0)
    printLine(
      `… and ${more} more${run.changes.length >= SERVER_KEEPS ? ` (the server keeps the first ${SERVER_KEEPS})` : ""}; --json lists them`,
    );
}

/** One run for people: what it was, how it ended, its counts, its first errors and (dry runs) the planned changes. */
export function printRun(run: SyncRun): void {
  printLine(`Sync run ${run.id}: ${run.state}`);
  printFields([
    ["directory", run.directory_id],
    ["mode", modeOf(run)],
    ["trigger", run.trigger],
    ["phase", run.state === "running" ? run.phase : null],
    ["started", formatTime(run.started_at)],
    ["finished", run.finished_at === null ? null : formatTime(run.finished_at)],
    ["took", durationOf(run)],
    ["confirmed", run.confirmed_at === null ? null : formatTime(run.confirmed_at)],
    ["failure", run.failure ? `${run.failure.message} (${run.failure.reason})` : null],
    ["held removals", run.state === "needs_confirmation" ? run.pending_removals : null],
    [
      "held memberships",
      run.state === "needs_confirmation" && run.pending_membership_removals > 0
        ? run.pending_membership_removals
        : null,
    ],
  ]);
  printLine();
  printCounts(run);
  printErrors(run);
  printChanges(run);
}

/** What a held run would remove: "3 users", "40 group memberships", or both. */
export function heldRemovals(run: SyncRun): string {
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;
  const parts: string[] = [];
  if (run.pending_removals > 0 || run.pending_membership_removals === 0)
    parts.push(plural(run.pending_removals, "user"));
  if (run.pending_membership_removals > 0) parts.push(plural(run.pending_membership_removals, "group membership"));
  return parts.join(" and ");
}

/** What started the run again with `--yes`: the same command, so the way on reads the same source. */
function againWithYes(run: SyncRun, file: string | undefined): string {
  if (run.trigger !== "upload") return `roster sync ${run.directory_id} --yes`;
  // An upload's rows are in that upload only: `roster sync` would read the directory's path, if it has one.
  return `roster import csv ${run.directory_id} ${file === undefined ? "<file>" : shellWord(file)} --yes`;
}

/**
 * What to do about a run held by the mass-removal guard, for stderr. Each line names a command
 * that works as printed: `file` is the CSV an upload came from, when the command knows it.
 */
export function confirmationHint(run: SyncRun, file?: string): string[] {
  const removals = heldRemovals(run);
  if (run.dry_run) {
    return [
      `A real run would stop for confirmation: it would remove ${removals}, more than the directory's max_removal_percent allows.`,
      `To ${run.trigger === "upload" ? "upload it" : "sync"} and allow the removals: ${againWithYes(run, file)}`,
    ];
  }
  const lines = [
    `Run ${run.id} is held for confirmation: it would remove ${removals}, more than the directory's max_removal_percent allows. Nothing was changed.`,
    `To apply it, removals included: roster sync confirm ${run.directory_id} ${run.id}`,
  ];
  if (run.trigger !== "upload" || file !== undefined)
    lines.push(
      `or ${run.trigger === "upload" ? "upload" : "sync"} again and confirm at once: ${againWithYes(run, file)}`,
    );
  lines.push(`To drop it instead: roster sync discard ${run.directory_id} ${run.id}`);
  return lines;
}
