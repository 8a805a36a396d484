import { type Command, Option } from "@commander-js/extra-typings";
import type { DirectoryUser, DirectoryUserListParams } from "../client/index.js";
import { commandLine } from "./command-line.js";
import { connect, withConnection } from "./connection.js";
import { refuseDeletedDirectory } from "./deleted-directory.js";
import { parseLimit } from "./option-parsers.js";
import { type Column, emit, formatTime, printFields, printLine, printMoreHint, printTable } from "./output.js";
import { wholeList } from "./whole-list.js";

function clip(text: string, width = 40): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

const fullName = (u: DirectoryUser) => [u.first_name, u.last_name].filter(Boolean).join(" ") || "-";

const USER_COLUMNS: readonly Column<DirectoryUser>[] = [
  { header: "ID", value: (u) => u.id },
  { header: "USERNAME", value: (u) => u.username },
  { header: "NAME", value: fullName },
  { header: "STATE", value: (u) => u.state },
  { header: "ROLE", value: (u) => u.role?.slug ?? "-" },
  { header: "GROUPS", value: (u) => clip(u.groups.map((g) => g.name).join(", ")) || "-" },
];

function printUser(u: DirectoryUser): void {
  printLine(`Directory user ${u.id}`);
  printFields([
    ["username", u.username],
    ["email", u.email],
    [
      "other emails",
      u.emails
        .filter((e) => !e.primary)
        .map((e) => (e.type ? `${e.value} (${e.type})` : e.value))
        .join(", ") || null,
    ],
    ["name", fullName(u)],
    ["job title", u.job_title],
    ["state", u.state],
    ["idp id", u.idp_id],
    ["directory", u.directory_id],
    ["organization", u.organization_id],
    ["roles", u.roles.map((r) => r.slug).join(", ") || "-"],
    ["groups", u.groups.map((g) => `${g.name} (${g.id})`).join(", ") || "-"],
    ["created", formatTime(u.created_at)],
    ["updated", formatTime(u.updated_at)],
  ]);
  const custom = Object.entries(u.custom_attributes);
  if (custom.length > 0) {
    printLine("  custom attributes");
    printFields(
      custom.map(([name, value]) => [name, typeof value === "string" ? value : JSON.stringify(value)]),
      "    ",
    );
  }
}

function registerList(users: Command): void {
  withConnection(
    users
      .command("list")
      .description("List directory users, newest first (the admin key must name --directory, --org or --group)")
      .option("--directory <id>", "only this directory's users (directory_…)")
      .option("--org <id>", "only this organization's users (org_…)")
      .option("--group <id>", "only this group's members (directory_group_…)")
      .addOption(
        new Option("--state <state>", "only active or only inactive users").choices(["active", "inactive"] as const),
      )
      .option("--search <text>", "only users whose username, email or name contains this text (case-insensitive)")
      .option("--email <address>", "only users with this address (any of theirs, case-insensitive)")
      .option("--idp-id <id>", "only the user with this id at the source (SCIM externalId)")
      .option("--limit <n>", "page size, 1 to 100", parseLimit)
      .option("--after <cursor>", "the page after this id (from a previous list)")
      .option("--all", "follow every page and print them as one list"),
  ).action(async (options) => {
    const client = connect(options);
    const params: DirectoryUserListParams = {
      directory: options.directory,
      organization: options.org,
      group: options.group,
      state: options.state,
      email: options.email,
      search: options.search,
      idp_id: options.idpId,
      limit: options.limit,
      after: options.after,
    };
    const page = options.all
      ? await wholeList(client.directoryUsers.list, params)
      : await client.directoryUsers.list(params);
    if (page.data.length === 0 && options.after === undefined)
      await refuseDeletedDirectory(client, options.directory, "users");
    emit(options, page, (p) => {
      if (p.data.length === 0) printLine("No directory users.");
      else printTable(p.data, USER_COLUMNS);
      const again = commandLine("roster users list", [
        ["--directory", options.directory],
        ["--org", options.org],
        ["--group", options.group],
        ["--state", options.state],
        ["--email", options.email],
        ["--search", options.search],
        ["--idp-id", options.idpId],
        ["--limit", options.limit],
      ]);
      printMoreHint(p.list_metadata.after, again);
    });
  });
}

/** `roster users …`: the people directories hold, read over HTTP through the client SDK. */
export function registerUserCommands(program: Command): void {
  const users = program
    .command("users")
    .description("Read directory users (written by the identity provider over SCIM)");
  registerList(users);
  withConnection(
    users
      .command("get")
      .description("Show one directory user with its groups and roles")
      .argument("<id>", "user id (directory_user_…)"),
  ).action(async (id, options) => {
    emit(options, await connect(options).directoryUsers.get(id), printUser);
  });
}
