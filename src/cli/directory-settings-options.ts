import { type Command, Option, type OptionValues } from "@commander-js/extra-typings";
import type { RoleRule, UpdateDirectoryInput } from "../client/index.js";
import { DEACTIVATED_MEMBER_POLICIES } from "../directory/directory-types.js";
import { CliError } from "./cli-error.js";

/** What `directory update` (and, but for the mappings, `create`) can set besides the name and connector. */
export interface DirectorySettingsOptions {
  readonly domain?: string | undefined;
  readonly deactivatedMembers?: (typeof DEACTIVATED_MEMBER_POLICIES)[number] | undefined;
  readonly attributeMapping?: string | undefined;
  readonly roleMapping?: string | undefined;
}

/** `--deactivated-members <policy>`: what deactivated users are in groups and lists. */
export function deactivatedMembersOption() {
  return new Option(
    "--deactivated-members <policy>",
    "deactivated users: hide (from lists and groups), remove (from groups) or keep",
  ).choices(DEACTIVATED_MEMBER_POLICIES);
}

/** Adds `--domain`, `--deactivated-members`, `--attribute-mapping` and `--role-mapping` to `directory update`. */
export function withDirectorySettings<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
) {
  return command
    .option("--domain <domain>", 'the directory\'s email domain ("" clears it)')
    .addOption(deactivatedMembersOption())
    .option(
      "--attribute-mapping <json>",
      'custom attribute name → source attribute path, as a JSON object; replaces the whole mapping ("null" clears it)',
    )
    .option(
      "--role-mapping <json>",
      'group → role rules, as a JSON array of {"group","role","priority"}; replaces the whole list ("null" clears it)',
    );
}

function parseJson(raw: string, flag: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new CliError(`${flag} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

function attributeMappingOf(raw: string): Record<string, string> | null {
  const value = parseJson(raw, "--attribute-mapping");
  if (value === null) return null;
  if (
    typeof value !== "object" ||
    Array.isArray(value) ||
    Object.values(value).some((path) => typeof path !== "string")
  ) {
    throw new CliError(
      '--attribute-mapping must be a JSON object of strings, e.g. {"department": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"}, or null',
    );
  }
  return value as Record<string, string>;
}

function roleMappingOf(raw: string): RoleRule[] | null {
  const value = parseJson(raw, "--role-mapping");
  if (value === null) return null;
  // The server checks each rule's fields and answers which one is wrong; here only the shape.
  if (!Array.isArray(value))
    throw new CliError(
      '--role-mapping must be a JSON array, e.g. [{"group": "Admins", "role": "admin", "priority": 10}], or null',
    );
  return value as RoleRule[];
}

/** The API's fields for the settings given; the ones left out stay undefined (unchanged). */
export function directorySettingsInput(options: DirectorySettingsOptions): UpdateDirectoryInput {
  return {
    domain: options.domain === undefined ? undefined : options.domain.trim() === "" ? null : options.domain,
    deactivated_members: options.deactivatedMembers,
    attribute_mapping:
      options.attributeMapping === undefined ? undefined : attributeMappingOf(options.attributeMapping),
    role_mapping: options.roleMapping === undefined ? undefined : roleMappingOf(options.roleMapping),
  };
}
