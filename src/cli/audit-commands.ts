import type { Command } from "@commander-js/extra-typings";
import type { AuditEntry, AuditLogListParams } from "../client/index.js";
import { commandLine } from "./command-line.js";
import { connect, withConnection } from "./connection.js";
import { parseLimit } from "./option-parsers.js";
import { type Column, emit, formatTime, printLine, printMoreHint, printTable } from "./output.js";
import { wholeList } from "./whole-list.js";

const AUDIT_COLUMNS: readonly Column<AuditEntry>[] = [
  { header: "TIME", value: (e) => formatTime(e.created_at) },
  { header: "ACTION", value: (e) => e.action },
  { header: "ACTOR", value: (e) => (e.actor.id === null ? e.actor.kind : `${e.actor.kind} ${e.actor.id}`) },
  { header: "TARGET", value: (e) => e.target_id ?? "" },
  { header: "ORGANIZATION", value: (e) => e.organization_id ?? "" },
  { header: "FROM", value: (e) => e.source_ip ?? "" },
];

/** `roster audit list`: who did what, from the admin audit log. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command("audit").description("Read the admin audit log: who changed what, when and from where");
  withConnection(
    audit
      .command("list")
      .description("List audit log entries, newest first")
      .option("--org <id>", "only this organization's entries")
      .option("--action <name...>", "only these actions (e.g. api_key.revoked directory.deleted)")
      .option("--limit <n>", "page size, 1 to 100", parseLimit)
      .option("--after <cursor>", "the page after this entry id (from a previous list)")
      .option("--all", "follow every page and print them as one list"),
  ).action(async (options) => {
    const client = connect(options);
    const params: AuditLogListParams = {
      organization_id: options.org,
      action: options.action,
      limit: options.limit,
      after: options.after,
      order: "desc",
    };
    const page = options.all ? await wholeList(client.auditLog.list, params) : await client.auditLog.list(params);
    emit(options, page, (p) => {
      if (p.data.length === 0) printLine("No audit log entries.");
      else printTable(p.data, AUDIT_COLUMNS);
      printMoreHint(
        p.list_metadata.after,
        commandLine("roster audit list", [
          ["--org", options.org],
          ["--limit", options.limit],
        ]),
      );
    });
  });
}
