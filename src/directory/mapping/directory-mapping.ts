import type { StorageCapabilities } from "../../storage/capabilities.js";
import { perBackend, queryTemplate } from "../../storage/query-template.js";
import type { Db } from "../types.js";
import { type CompiledAttribute, compileAttributeMapping } from "./attribute-mapping.js";
import { type RoleRule, rankRules } from "./role-mapping.js";

/** A directory's mappings as configured (kept in `directories.settings`). */
export interface DirectoryMapping {
  readonly attribute_mapping: Record<string, string>;
  readonly role_mapping: RoleRule[];
}

/** The mappings ready to apply to users. */
export interface CompiledMapping {
  readonly attributes: readonly CompiledAttribute[];
  /** Highest priority first. */
  readonly roles: readonly RoleRule[];
}

function parseSettings(settings: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(settings);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function isRule(value: unknown): value is RoleRule {
  if (typeof value !== "object" || value === null) return false;
  const rule = value as Record<string, unknown>;
  return typeof rule.group === "string" && typeof rule.role === "string" && typeof rule.priority === "number";
}

/** The mappings held in a directory's settings JSON; anything malformed reads as no mapping. */
export function readMapping(settings: string): DirectoryMapping {
  const parsed = parseSettings(settings);
  const attributes = parsed.attribute_mapping;
  const roles = parsed.role_mapping;
  return {
    attribute_mapping:
      typeof attributes === "object" && attributes !== null && !Array.isArray(attributes)
        ? Object.fromEntries(Object.entries(attributes).filter((e): e is [string, string] => typeof e[1] === "string"))
        : {},
    role_mapping: Array.isArray(roles) ? roles.filter(isRule) : [],
  };
}

/** The settings JSON with the given mappings replaced; other settings (connectors, …) are kept. */
export function withMapping(settings: string, change: Partial<DirectoryMapping>): string {
  return JSON.stringify({ ...parseSettings(settings), ...change });
}

export function compileMapping(mapping: DirectoryMapping): CompiledMapping {
  return { attributes: compileAttributeMapping(mapping.attribute_mapping), roles: rankRules(mapping.role_mapping) };
}

const settings = queryTemplate(["directoryId"], (db, p: { directoryId: string }) =>
  db.selectFrom("directories").select("settings").where("id", "=", p.directoryId),
);
const sharedSettings = perBackend((caps) =>
  queryTemplate(["directoryId"], (db, p: { directoryId: string }) =>
    caps.lockForShare(db.selectFrom("directories").select("settings").where("id", "=", p.directoryId)),
  ),
);

/** The directory's settings text as stored (undefined for no such directory), read without a lock. */
export async function readSettings(db: Db, directoryId: string): Promise<string | undefined> {
  return (await settings.executeTakeFirst(db, { directoryId }))?.settings;
}

/**
 * The directory's mappings, read first in a writer's transaction. Where the backend locks rows,
 * the directory row stays shared until the transaction ends, so a mapping change waits for the
 * writers that read the old mapping, and its re-apply then sees what they wrote.
 */
export async function loadMapping(trx: Db, caps: StorageCapabilities, directoryId: string): Promise<CompiledMapping> {
  const row = await sharedSettings(caps).executeTakeFirst(trx, { directoryId });
  return compileMapping(readMapping(row?.settings ?? "{}"));
}
