import { type Command, InvalidArgumentError } from "@commander-js/extra-typings";
import type { ScimRequest, ScimRequestListParams } from "../client/index.js";
import { commandLine } from "./command-line.js";
import { connect, withConnection } from "./connection.js";
import { parseLimit } from "./option-parsers.js";
import { type Column, emit, formatTime, printLine, printMoreHint, printTable } from "./output.js";
import { wholeList } from "./whole-list.js";

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

const REQUEST_COLUMNS: readonly Column<ScimRequest>[] = [
  { header: "TIME", value: (r) => formatTime(r.created_at) },
  { header: "METHOD", value: (r) => r.method },
  // Below the directory's SCIM base URL: the part the identity provider chose.
  { header: "PATH", value: (r) => clip(r.path.replace(`/scim/v2/${r.directory_id}`, "") || "/", 60) },
  { header: "STATUS", value: (r) => String(r.status) },
  { header: "MS", value: (r) => String(Math.round(r.latency_ms)) },
  { header: "ERROR", value: (r) => (r.error_detail === null ? "" : clip(r.error_detail.replace(/\s+/g, " "), 80)) },
];

/** `roster directory requests <id>`: what the identity provider sent over SCIM and what Roster answered. */
export function registerScimRequestCommand(directory: Command): void {
  withConnection(
    directory
      .command("requests")
      .description(
        "Show the SCIM requests the identity provider sent an ingest directory (the last 1,000), newest first",
      )
      .argument("<id>", "directory id (directory_…)")
      .option("--errors", "only requests answered with a 4xx or 5xx")
      .option("--status <code>", "only requests answered with this HTTP status", (raw) => {
        const status = Number(raw);
        if (!/^\d{3}$/.test(raw) || status < 100 || status > 599)
          throw new InvalidArgumentError("expected an HTTP status from 100 to 599");
        return status;
      })
      .option("--limit <n>", "page size, 1 to 100", parseLimit)
      .option("--after <cursor>", "the page after this request id (from a previous list)")
      .option("--all", "follow every page and print them as one list"),
  ).action(async (id, options) => {
    const client = connect(options);
    const list = (p: ScimRequestListParams) => client.directories.scimRequests(id, p);
    const params: ScimRequestListParams = {
      errors_only: options.errors,
      status: options.status,
      limit: options.limit,
      after: options.after,
    };
    const page = options.all ? await wholeList(list, params) : await list(params);
    emit(options, page, (p) => {
      if (p.data.length === 0)
        printLine(
          options.errors || options.status
            ? `No matching SCIM requests for ${id}.`
            : `Directory ${id} has received no SCIM requests yet.`,
        );
      else printTable(p.data, REQUEST_COLUMNS);
      const again = commandLine(`roster directory requests ${id}`, [
        ["--status", options.status],
        ["--limit", options.limit],
      ]);
      printMoreHint(p.list_metadata.after, options.errors ? `${again} --errors` : again);
    });
  });
}
