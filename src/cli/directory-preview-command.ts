import type { Command } from "@commander-js/extra-typings";
import type { DirectoryUser } from "../client/index.js";
import { connect, withConnection } from "./connection.js";
import { directorySettingsInput } from "./directory-settings-options.js";
import { emit, printLine } from "./output.js";

function printPreview(user: DirectoryUser): void {
  printLine(`${user.username} (${user.id}) under these mappings:`);
  printLine(
    `  role: ${user.role?.slug ?? "none"}${user.roles.length > 1 ? ` (all: ${user.roles.map((r) => r.slug).join(", ")})` : ""}`,
  );
  const attributes = Object.entries(user.custom_attributes);
  if (attributes.length === 0) printLine("  no custom attributes");
  for (const [name, value] of attributes)
    printLine(`  ${name}: ${value === null ? "(no value)" : JSON.stringify(value)}`);
}

/** `roster directory preview-mapping <id> --user <user>`: a user under trial mappings; nothing is saved. */
export function registerDirectoryPreviewCommand(directory: Command): void {
  withConnection(
    directory
      .command("preview-mapping")
      .description(
        "Show one user as it would read under the given attribute and role mappings (the saved ones where left out); saves nothing",
      )
      .argument("<id>", "directory id (directory_…)")
      .requiredOption("--user <id>", "one of the directory's users (directory_user_…)")
      .option(
        "--attribute-mapping <json>",
        'custom attribute name → source attribute path, as a JSON object ("null": none)',
      )
      .option(
        "--role-mapping <json>",
        'group → role rules, as a JSON array of {"group","role","priority"} ("null": none)',
      ),
  ).action(async (id, options) => {
    const { attribute_mapping, role_mapping } = directorySettingsInput(options);
    const user = await connect(options).directories.previewMapping(id, {
      user: options.user,
      ...(attribute_mapping === undefined ? {} : { attribute_mapping }),
      ...(role_mapping === undefined ? {} : { role_mapping }),
    });
    emit(options, user, printPreview);
  });
}
