import { type Command, Option } from "@commander-js/extra-typings";
import type { SyncRun } from "../client/index.js";
import { connect, withConnection } from "./connection.js";
import { parseLimit } from "./option-parsers.js";
import { type Column, emit, formatTime, printLine, printMoreHint, printTable } from "./output.js";
import { estimateFor, followRun, reportRun } from "./sync-follow.js";
import { confirmationHint, modeOf, printRun } from "./sync-report.js";
import { wholeList } from "./whole-list.js";

const RUN_COLUMNS: readonly Column<SyncRun>[] = [
  { header: "ID", value: (r) => r.id },
  { header: "STATE", value: (r) => r.state },
  { header: "MODE", value: modeOf },
  { header: "TRIGGER", value: (r) => r.trigger },
  { header: "STARTED", value: (r) => formatTime(r.started_at) },
  { header: "FINISHED", value: (r) => formatTime(r.finished_at) },
  { header: "CREATED", value: (r) => String(r.counts.created) },
  { header: "UPDATED", value: (r) => String(r.counts.updated) },
  { header: "REMOVED", value: (r) => String(r.counts.deactivated + r.counts.deleted) },
  { header: "UNCHANGED", value: (r) => String(r.counts.unchanged) },
  { header: "FAILED", value: (r) => String(r.counts.failed) },
];

/** `roster sync <directory>` (the default subcommand, also `roster sync run <directory>`). */
function registerRun(sync: Command): void {
  withConnection(
    sync
      .command("run", { isDefault: true })
      .description("Sync a pull directory now and follow the run to its end (the default: `roster sync <directory>`)")
      .argument("<directory>", "pull directory id (directory_…)")
      .option("--dry-run", "compute and list the changes without writing any")
      .addOption(new Option("--full", "read the whole source (the default)").conflicts("delta"))
      .addOption(
        new Option("--delta", "read only what changed since the last run, where the source allows it").conflicts(
          "full",
        ),
      )
      .addOption(
        new Option("--user <username>", "sync only this user (answers when done)").conflicts(["full", "delta"]),
      )
      .option("--yes", "if the mass-removal guard holds the run, confirm it and follow it to its end")
      .option("--allow-partial", "exit 0, not 3, when the run succeeds but some records failed"),
  ).action(async (directoryId, options) => {
    const client = connect(options);
    if (options.user !== undefined) {
      reportRun(await client.directorySyncs.syncUser(directoryId, options.user, { dryRun: options.dryRun }), options);
      return;
    }
    const estimate = await estimateFor(client, directoryId, options);
    const started = await client.directorySyncs.start(directoryId, {
      dryRun: options.dryRun,
      mode: options.delta ? "delta" : options.full ? "full" : undefined,
    });
    await followRun(client, started, { ...options, estimate });
  });
}

function registerStatus(sync: Command): void {
  withConnection(
    sync
      .command("status")
      .description("Show a directory's current run, or its last one")
      .argument("<directory>", "pull directory id"),
  ).action(async (directoryId, options) => {
    const run = await connect(options).directorySyncs.current(directoryId);
    emit(options, run, printRun);
    if (run.state === "needs_confirmation") for (const line of confirmationHint(run)) process.stderr.write(`${line}\n`);
  });
}

function registerHistory(sync: Command): void {
  withConnection(
    sync
      .command("history")
      .description("List a directory's runs, newest first")
      .argument("<directory>", "pull directory id")
      .option("--limit <n>", "page size, 1 to 100", parseLimit)
      .option("--after <cursor>", "the page after this run id (from a previous list)")
      .option("--all", "follow every page and print them as one list"),
  ).action(async (directoryId, options) => {
    const client = connect(options);
    const list = (p: { limit?: number; after?: string }) => client.directorySyncs.list(directoryId, p);
    const params = { limit: options.limit, after: options.after };
    const page = options.all ? await wholeList(list, params) : await list(params);
    emit(options, page, (p) => {
      if (p.data.length === 0) printLine(`Directory ${directoryId} has no sync runs yet.`);
      else printTable(p.data, RUN_COLUMNS);
      printMoreHint(
        p.list_metadata.after,
        `roster sync history ${directoryId}${options.limit ? ` --limit ${options.limit}` : ""}`,
      );
    });
  });
}

function registerConfirm(sync: Command): void {
  withConnection(
    sync
      .command("confirm")
      .description("Allow the removals of a run the mass-removal guard holds, and follow it to its end")
      .argument("<directory>", "pull directory id")
      .argument("<run>", "the held run's id (sync_…)")
      .option("--allow-partial", "exit 0, not 3, when the run succeeds but some records failed"),
  ).action(async (directoryId, runId, options) => {
    const client = connect(options);
    const estimate = await estimateFor(client, directoryId, options);
    await followRun(client, await client.directorySyncs.confirm(directoryId, runId), { ...options, estimate });
  });
}

function registerDiscard(sync: Command): void {
  withConnection(
    sync
      .command("discard")
      .description(
        "Drop a run the mass-removal guard holds: nothing it held is applied, and it can no longer be confirmed",
      )
      .argument("<directory>", "pull directory id")
      .argument("<run>", "the held run's id (sync_…)"),
  ).action(async (directoryId, runId, options) => {
    emit(options, await connect(options).directorySyncs.discard(directoryId, runId), (run) => {
      printLine(`Discarded run ${run.id}: nothing it held was applied.`);
      printRun(run);
    });
  });
}

/** `roster sync …`: pull directories' sync runs over HTTP through the client SDK. */
export function registerSyncCommands(program: Command): void {
  const sync = program
    .command("sync")
    .description("Sync a pull directory (`roster sync <directory>`), or see and confirm its runs")
    .usage("<directory> [options] | <command> …");
  registerRun(sync);
  registerStatus(sync);
  registerHistory(sync);
  registerConfirm(sync);
  registerDiscard(sync);
}
