import { type Command, Option } from "@commander-js/extra-typings";
import type { EventListParams, RosterEvent } from "../client/index.js";
import { commandLine } from "./command-line.js";
import { connect, withConnection } from "./connection.js";
import { eventLine, summarizeEvent } from "./event-summary.js";
import { parseEventTypes, parseIntervalMs, parseLimit, parseMaxEvents, parseTimeoutMs } from "./option-parsers.js";
import { type Column, emit, formatTime, printLine, printTable } from "./output.js";

const EVENT_COLUMNS: readonly Column<RosterEvent>[] = [
  { header: "ID", value: (e) => e.id },
  { header: "EVENT", value: (e) => e.event },
  { header: "CREATED", value: (e) => formatTime(e.created_at) },
  { header: "SUMMARY", value: summarizeEvent },
];

const note = (line: string) => process.stderr.write(`${line}\n`);

type TailEnding = "max-events" | "timeout" | "signal";

/** `events tail`'s exit status: 0 it printed --max-events, 124 --timeout-ms ended it first (as timeout(1) does), 130 Ctrl-C or SIGTERM. */
const TAIL_EXIT: Readonly<Record<TailEnding, number>> = { "max-events": 0, timeout: 124, signal: 130 };

function registerList(events: Command): void {
  withConnection(
    events
      .command("list")
      .description("List events, oldest first (the stream); pass --after to continue where you stopped")
      .option("--events <types>", "only these event types, comma-separated", parseEventTypes)
      .option("--org <id>", "only this organization's events (org_…)")
      .option("--range-start <iso>", "only events at or after this ISO-8601 date or time (UTC unless it has an offset)")
      .option("--range-end <iso>", "only events before this ISO-8601 date or time")
      .option("--after <id>", "continue after this event id")
      .addOption(
        new Option("--order <order>", "asc: oldest first (default); desc: newest first").choices([
          "asc",
          "desc",
        ] as const),
      )
      .option("--limit <n>", "page size, 1 to 100", parseLimit),
  ).action(async (options) => {
    const params: EventListParams = {
      events: options.events,
      organization_id: options.org,
      range_start: options.rangeStart,
      range_end: options.rangeEnd,
      after: options.after,
      order: options.order,
      limit: options.limit,
    };
    emit(options, await connect(options).events.list(params), (page) => {
      if (page.data.length === 0) printLine(options.after ? `No events after ${options.after}.` : "No events.");
      else printTable(page.data, EVENT_COLUMNS);
      const again = commandLine("roster events list", [
        ["--events", options.events],
        ["--org", options.org],
        ["--range-start", options.rangeStart],
        ["--range-end", options.rangeEnd],
        ["--order", options.order],
        ["--limit", options.limit],
      ]);
      if (page.list_metadata.after) printLine(`\nMore events: ${again} --after ${page.list_metadata.after}`);
    });
  });
}

function registerTail(events: Command): void {
  withConnection(
    events
      .command("tail")
      .description("Print each new event as it is written, one per line (JSON lines with --json), until Ctrl-C")
      .option("--events <types>", "only these event types, comma-separated", parseEventTypes)
      .option("--org <id>", "only this organization's events (org_…)")
      .option("--after <id>", "start after this event id instead of after the newest one")
      .option("--interval-ms <n>", "how often to poll once caught up (default 1000)", parseIntervalMs)
      .option("--max-events <n>", "stop after printing this many events", parseMaxEvents)
      .option("--timeout-ms <n>", "stop after this long (exit status 124)", parseTimeoutMs),
  ).action(async (options) => {
    const client = connect(options);
    const stop = new AbortController();
    // What ended the tail decides the exit status: a script tells "the timeout came first" from "got them".
    let ending = "max-events" as TailEnding;
    const end = (why: TailEnding) => () => {
      ending = why;
      stop.abort();
    };
    const onSignal = end("signal");
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(end("timeout"), options.timeoutMs);
    let printed = 0;
    try {
      const tail = client.events.tail(
        { events: options.events, organization_id: options.org, after: options.after },
        {
          signal: stop.signal,
          intervalMs: options.intervalMs,
          onReady: (after) => note(`Waiting for events${after ? ` after ${after}` : ""}; Ctrl-C to stop.`),
          onError: (error, retryInMs) => note(`roster: ${error.message}; retrying in ${Math.ceil(retryInMs / 1000)} s`),
        },
      );
      for await (const event of tail) {
        printLine(options.json ? JSON.stringify(event) : eventLine(event));
        if (++printed === options.maxEvents) break;
      }
    } finally {
      clearTimeout(timer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    const count = `${printed} event${printed === 1 ? "" : "s"}`;
    if (ending === "timeout") note(`Stopped after ${count}: --timeout-ms ${options.timeoutMs} ended the wait.`);
    else if (!options.json) note(`Stopped after ${count}.`);
    process.exitCode = TAIL_EXIT[ending];
  });
}

/** The top-level fields of an event's data, from its JSON Schema: enough to see what it carries. */
function fieldsOf(schema: Readonly<Record<string, unknown>>): string {
  const properties = schema.properties;
  return typeof properties === "object" && properties !== null ? Object.keys(properties).join(", ") : "-";
}

function registerTypes(events: Command): void {
  withConnection(
    events
      .command("types")
      .description(
        "List every event type with what it means and the fields of its data (--json: each data's JSON Schema)",
      ),
  ).action(async (options) => {
    emit(options, await connect(options).events.types(), (list) => {
      for (const type of list.data) {
        printLine(type.event);
        printLine(`  ${type.description}`);
        printLine(`  data: ${fieldsOf(type.data_schema)}`);
      }
    });
  });
}

/** `roster events …`: the event feed, listed or followed over HTTP through the client SDK. */
export function registerEventCommands(program: Command): void {
  const events = program.command("events").description("List or follow directory events");
  registerList(events);
  registerTail(events);
  registerTypes(events);
}
