import type { Command } from "@commander-js/extra-typings";
import type { DirectoryGroup, DirectoryGroupListParams } from "../client/index.js";
import { commandLine } from "./command-line.js";
import { connect, withConnection } from "./connection.js";
import { refuseDeletedDirectory } from "./deleted-directory.js";
import { parseLimit } from "./option-parsers.js";
import { type Column, emit, formatTime, printFields, printLine, printMoreHint, printTable } from "./output.js";
import { wholeList } from "./whole-list.js";

const GROUP_COLUMNS: readonly Column<DirectoryGroup>[] = [
  { header: "ID", value: (g) => g.id },
  { header: "NAME", value: (g) => g.name },
  { header: "IDP ID", value: (g) => g.idp_id ?? "-" },
  { header: "DIRECTORY", value: (g) => g.directory_id },
  { header: "CREATED", value: (g) => formatTime(g.created_at) },
];

function printGroup(g: DirectoryGroup): void {
  printLine(`Directory group ${g.id}`);
  printFields([
    ["name", g.name],
    ["idp id", g.idp_id],
    ["directory", g.directory_id],
    ["organization", g.organization_id],
    ["created", formatTime(g.created_at)],
    ["updated", formatTime(g.updated_at)],
  ]);
  printLine(`Members: roster users list --group ${g.id}`);
}

function registerList(groups: Command): void {
  withConnection(
    groups
      .command("list")
      .description("List directory groups, newest first (the admin key must name --directory, --org or --user)")
      .option("--directory <id>", "only this directory's groups (directory_…)")
      .option("--org <id>", "only this organization's groups (org_…)")
      .option("--user <id>", "only the groups this user belongs to (directory_user_…)")
      .option("--search <text>", "only groups whose name contains this text (case-insensitive)")
      .option("--limit <n>", "page size, 1 to 100", parseLimit)
      .option("--after <cursor>", "the page after this id (from a previous list)")
      .option("--all", "follow every page and print them as one list"),
  ).action(async (options) => {
    const client = connect(options);
    const params: DirectoryGroupListParams = {
      directory: options.directory,
      organization: options.org,
      user: options.user,
      search: options.search,
      limit: options.limit,
      after: options.after,
    };
    const page = options.all
      ? await wholeList(client.directoryGroups.list, params)
      : await client.directoryGroups.list(params);
    if (page.data.length === 0 && options.after === undefined)
      await refuseDeletedDirectory(client, options.directory, "groups");
    emit(options, page, (p) => {
      if (p.data.length === 0) printLine("No directory groups.");
      else printTable(p.data, GROUP_COLUMNS);
      const again = commandLine("roster groups list", [
        ["--directory", options.directory],
        ["--org", options.org],
        ["--user", options.user],
        ["--search", options.search],
        ["--limit", options.limit],
      ]);
      printMoreHint(p.list_metadata.after, again);
    });
  });
}

/** `roster groups …`: the groups directories hold, read over HTTP through the client SDK. */
export function registerGroupCommands(program: Command): void {
  const groups = program
    .command("groups")
    .description("Read directory groups (written by the identity provider over SCIM)");
  registerList(groups);
  withConnection(
    groups.command("get").description("Show one directory group").argument("<id>", "group id (directory_group_…)"),
  ).action(async (id, options) => {
    emit(options, await connect(options).directoryGroups.get(id), printGroup);
  });
}
