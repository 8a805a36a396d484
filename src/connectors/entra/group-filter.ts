import { SourceError } from "../source.js";
import { GROUP_SELECT } from "./entra-group.js";
import type { GraphHttp } from "./graph-http.js";

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An OData string literal: quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The groups a `group_filter` names, as Graph returns them (`$select`ed): an entry that looks like
 * an object id is read by id, any other by exact `displayName`. A name no group has, or that
 * several share, fails the run as `misconfigured`: syncing fewer people than meant would deactivate the rest.
 */
export async function resolveFilterGroups(
  http: GraphHttp,
  entries: readonly string[],
  signal: AbortSignal,
): Promise<Record<string, unknown>[]> {
  const found = new Map<string, Record<string, unknown>>();
  for (const entry of entries) {
    if (OBJECT_ID.test(entry)) {
      const page = await http.getIfFound({ path: `/groups/${entry}`, query: { $select: GROUP_SELECT } }, signal);
      if (page === null)
        throw new SourceError("misconfigured", `group_filter names the group ${entry}, which the tenant does not have`);
      found.set(entry.toLowerCase(), page.body);
      continue;
    }
    const { body } = await http.get(
      { path: "/groups", query: { $filter: `displayName eq ${odataString(entry)}`, $select: GROUP_SELECT, $top: 2 } },
      signal,
    );
    const value = Array.isArray(body.value) ? (body.value as Record<string, unknown>[]) : [];
    if (value.length === 0)
      throw new SourceError("misconfigured", `group_filter names the group "${entry}", which the tenant does not have`);
    if (value.length > 1)
      throw new SourceError(
        "misconfigured",
        `group_filter names "${entry}", a display name several groups share; name it by its object id`,
      );
    const group = value[0] as Record<string, unknown>;
    found.set(String(group.id).toLowerCase(), group);
  }
  return [...found.values()];
}
