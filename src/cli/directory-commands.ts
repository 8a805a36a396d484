import { type Command, Option } from "@commander-js/extra-typings";
import type { Directory, ScimToken, UpdateDirectoryInput } from "../client/index.js";
import { ConfigError } from "../config.js";
import { CREATABLE_DIRECTORY_TYPES } from "../directory/directory-types.js";
import { connect, withConnection } from "./connection.js";
import { readConnectorOption, withConnectorOptions } from "./connector-option.js";
import {
  deactivatedMembersOption,
  directorySettingsInput,
  withDirectorySettings,
} from "./directory-settings-options.js";
import { parseGraceSeconds, parseLimit } from "./option-parsers.js";
import { type Column, emit, formatTime, printFields, printLine, printMoreHint, printTable } from "./output.js";
import { registerDirectoryTestCommand } from "./directory-test-command.js";
import { registerDirectoryPreviewCommand } from "./directory-preview-command.js";
import { registerScimRequestCommand } from "./scim-request-commands.js";
import { wholeList } from "./whole-list.js";

const DIRECTORY_COLUMNS: readonly Column<Directory>[] = [
  { header: "ID", value: (d) => d.id },
  { header: "NAME", value: (d) => d.name },
  { header: "TYPE", value: (d) => d.type },
  { header: "STATE", value: (d) => d.state },
  { header: "ORGANIZATION", value: (d) => d.organization_id },
  { header: "USERS", value: (d) => String(d.metadata.users.active) },
  { header: "GROUPS", value: (d) => String(d.metadata.groups) },
];

function tokenNote(id: string): void {
  printLine();
  printLine("The SCIM token is shown only once. Paste it into your identity provider now;");
  printLine(`if it is lost, mint a new one with: roster directory rotate-token ${id}`);
}

/** Compact JSON, as the server answers it: credentials only as `<key>_set: true`. */
function connectorText(d: Directory): string | undefined {
  return d.connector === undefined ? undefined : JSON.stringify(d.connector);
}

function printDirectory(d: Directory): void {
  printLine(`Directory ${d.id}`);
  printFields([
    ["name", d.name],
    ["organization", d.organization_id],
    ["type", d.type],
    ["state", d.state],
    ["domain", d.domain],
    ["users", `${d.metadata.users.active} active, ${d.metadata.users.inactive} inactive`],
    ["groups", d.metadata.groups],
    ["deactivated", d.deactivated_members],
    ["attribute mapping", Object.keys(d.attribute_mapping).length === 0 ? null : JSON.stringify(d.attribute_mapping)],
    [
      "role mapping",
      d.role_mapping.length === 0
        ? null
        : d.role_mapping.map((r) => `${r.group} → ${r.role} (${r.priority})`).join(", "),
    ],
    ["SCIM base URL", d.scim?.base_url],
    ["connector", connectorText(d)],
    ["deleted", d.deleted_at === null ? null : formatTime(d.deleted_at)],
    ["restorable until", d.restorable_until === null ? null : formatTime(d.restorable_until)],
    ["last activity", d.last_activity_at === null ? null : formatTime(d.last_activity_at)],
    ["created", formatTime(d.created_at)],
    ["updated", formatTime(d.updated_at)],
  ]);
}

function printCreated(d: Directory): void {
  printLine(`Created directory ${d.id} ("${d.name}", ${d.type}) for ${d.organization_id}`);
  printFields([
    ["SCIM base URL", d.scim?.base_url],
    ["SCIM token", d.scim?.token],
    ["connector", connectorText(d)],
  ]);
  if (d.scim?.token) tokenNote(d.id);
}

function printRotated(id: string, t: ScimToken): void {
  printLine(`New SCIM token for ${id}`);
  printFields([
    ["SCIM base URL", t.base_url],
    ["SCIM token", t.token],
    [
      "previous token",
      t.previous_token_expires_at ? `works until ${formatTime(t.previous_token_expires_at)}` : "revoked now",
    ],
  ]);
  tokenNote(id);
}

function printDirectories(directories: readonly Directory[]): void {
  if (directories.length === 0) printLine("No directories.");
  else printTable(directories, DIRECTORY_COLUMNS);
}

function registerCreate(directory: Command): void {
  withConnection(
    withConnectorOptions(
      directory
        .command("create")
        .description("Create a directory; ingest types print their SCIM base URL and token")
        .requiredOption("--org <id>", "organization id (org_…)")
        .requiredOption("--name <name>", "directory name")
        .addOption(
          new Option("--type <type>", "directory type").choices(CREATABLE_DIRECTORY_TYPES).makeOptionMandatory(),
        )
        .option("--domain <domain>", "the directory's email domain")
        .addOption(deactivatedMembersOption()),
      "pull types (ldap, scim pull, csv, okta api, google workspace, entra id): the connector settings as a JSON object",
    ),
  ).action(async (options) => {
    const client = connect(options);
    const connector = await readConnectorOption(options);
    const created = await client.directories.create({
      organization_id: options.org,
      name: options.name,
      type: options.type,
      domain: options.domain,
      deactivated_members: options.deactivatedMembers,
      connector,
    });
    emit(options, created, printCreated);
  });
}

function registerUpdate(directory: Command): void {
  withConnection(
    withConnectorOptions(
      withDirectorySettings(
        directory
          .command("update")
          .description(
            "Change a directory: name, domain, deactivated-members policy, attribute and role mappings, connector settings",
          )
          .argument("<id>", "directory id")
          .option("--name <name>", "the new name"),
      ),
      "connector settings to merge, as a JSON object: keys given replace, null removes one, a password or token left out is kept",
    ),
  ).action(async (id, options) => {
    const client = connect(options);
    const input: UpdateDirectoryInput = {
      name: options.name,
      ...directorySettingsInput(options),
      connector: await readConnectorOption(options),
    };
    if (Object.values(input).every((value) => value === undefined)) {
      throw new ConfigError(
        "nothing to change: pass --name, --domain, --deactivated-members, --attribute-mapping, --role-mapping, --connector or --connector-file",
      );
    }
    emit(options, await client.directories.update(id, input), (d) => {
      printLine(`Updated directory ${d.id}.`);
      printDirectory(d);
    });
  });
}

function registerList(directory: Command): void {
  withConnection(
    directory
      .command("list")
      .description("List directories, newest first")
      .option("--org <id>", "only this organization's directories")
      .option("--search <text>", "only names containing this text")
      .option("--limit <n>", "page size, 1 to 100", parseLimit)
      .option("--after <cursor>", "the page after this id (from a previous list)")
      .option("--include-deleted", "also list deleted directories that can still be restored")
      .option("--all", "follow every page and print them as one list"),
  ).action(async (options) => {
    const client = connect(options);
    const params = {
      organization_id: options.org,
      search: options.search,
      limit: options.limit,
      after: options.after,
      include_deleted: options.includeDeleted,
    };
    const page = options.all ? await wholeList(client.directories.list, params) : await client.directories.list(params);
    emit(options, page, (p) => {
      printDirectories(p.data);
      printMoreHint(p.list_metadata.after, "roster directory list");
    });
  });
}

function registerLifecycle(directory: Command): void {
  withConnection(
    directory.command("get").description("Show one directory").argument("<id>", "directory id (directory_…)"),
  ).action(async (id, options) => {
    emit(options, await connect(options).directories.get(id), printDirectory);
  });

  withConnection(
    directory
      .command("delete")
      .description("Soft-delete a directory: its tokens stop working; restorable for ROSTER_RESTORE_DAYS")
      .argument("<id>", "directory id"),
  ).action(async (id, options) => {
    emit(options, await connect(options).directories.delete(id), (d) => {
      printLine(`Deleted directory ${d.id} (state ${d.state}).`);
      const until = d.restorable_until === null ? "" : ` until ${formatTime(d.restorable_until)}`;
      printLine(`It can be restored${until} (then it is purged) with: roster directory restore ${d.id}`);
    });
  });

  withConnection(
    directory.command("restore").description("Undo the deletion of a directory").argument("<id>", "directory id"),
  ).action(async (id, options) => {
    emit(options, await connect(options).directories.restore(id), (d) =>
      printLine(`Restored directory ${d.id} (state ${d.state}).`),
    );
  });
}

function registerRotateToken(directory: Command): void {
  withConnection(
    directory
      .command("rotate-token")
      .description("Mint a new SCIM token for an ingest directory (shown only once)")
      .argument("<id>", "directory id")
      .option(
        "--grace-seconds <n>",
        "how long the previous token keeps working (default: the server's, usually 0)",
        parseGraceSeconds,
      ),
  ).action(async (id, options) => {
    const token = await connect(options).directories.rotateScimToken(id, {
      grace_period_seconds: options.graceSeconds,
    });
    emit(options, token, (t) => printRotated(id, t));
  });
}

/** `roster directory …`: directories and their SCIM tokens, over HTTP through the client SDK. */
export function registerDirectoryCommands(program: Command): void {
  const directory = program.command("directory").description("Manage directories and their SCIM tokens");
  registerCreate(directory);
  registerList(directory);
  registerLifecycle(directory);
  registerUpdate(directory);
  registerRotateToken(directory);
  registerScimRequestCommand(directory);
  registerDirectoryTestCommand(directory);
  registerDirectoryPreviewCommand(directory);
}
