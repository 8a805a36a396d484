import { readAhead } from "../read-ahead.js";
import {
  type ConnectorSource,
  type ReadOptions,
  SourceError,
  type SourceGroup,
  type SourceItem,
  type SourceRemoval,
  type SourceUser,
} from "../source.js";
import { type DeltaLinks, decodeDeltaLinks, encodeDeltaLinks } from "./delta-links.js";
import { ENTRA_DEFAULTS, type EntraConfig, graphBase, graphScope, tokenEndpoint } from "./entra-config.js";
import { GROUP_SELECT, readEntraGroup } from "./entra-group.js";
import { entraCredential } from "./entra-credential.js";
import { createTokenSource } from "./entra-token.js";
import { readEntraUser, USER_SELECT } from "./entra-user.js";
import { createGraphHttp, type GraphHttp } from "./graph-http.js";
import { graphPages, PAGE_TOP } from "./graph-pages.js";
import { odataString, resolveFilterGroups } from "./group-filter.js";

/** Requests in flight for member lists and changed users: well inside Graph's per-app limits. */
const READS_IN_FLIGHT = 4;
/** Graph takes at most 15 values in an `in` filter. */
const IDS_PER_LOOKUP = 15;

export interface EntraSourceOptions {
  /** Retries of a 429/503 and the longest wait honoured (defaults 6 and 150 s). */
  readonly retries?: number | undefined;
  readonly maxWaitMs?: number | undefined;
}

/** What a source opens with: the settings' HTTP client, for the source and the test action alike. */
export function graphHttpFor(config: EntraConfig, options: EntraSourceOptions = {}): GraphHttp {
  const timeoutMs = config.timeout_ms ?? ENTRA_DEFAULTS.timeout_ms;
  const tokens = createTokenSource({
    tokenUrl: tokenEndpoint(config),
    clientId: config.client_id,
    credential: entraCredential(config),
    scope: graphScope(config),
    timeoutMs,
  });
  return createGraphHttp({
    baseUrl: graphBase(config),
    tokens,
    timeoutMs,
    retries: options.retries,
    maxWaitMs: options.maxWaitMs,
  });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function removedOf(entry: unknown): { id: string; removed: boolean } | null {
  if (typeof entry !== "object" || entry === null) return null;
  const { id } = entry as { id?: unknown };
  if (typeof id !== "string" || id === "") return null;
  return { id, removed: "@removed" in entry };
}

/**
 * The `entra id` connector: users and groups read from Microsoft Graph with an app registration's
 * client credentials, keyed by Entra object ids. A full run lists `/users` and the security and
 * Microsoft 365 groups with their transitive user members (nesting flattened by Graph). A delta
 * run follows the `/users/delta` and `/groups/delta` links taken before the previous run read
 * (`$deltatoken=latest`), re-reads each changed user and group whole (a delta entry carries only
 * what changed), re-reads the groups that contain a changed group, and reports `@removed` objects
 * for removal. With `group_filter`, only the named groups and their members are read, by full runs.
 */
export function createEntraSource(config: EntraConfig, options: EntraSourceOptions = {}): ConnectorSource {
  const http = graphHttpFor(config, options);
  const filter = config.group_filter;
  const origin = new URL(graphBase(config)).origin;
  let removedUsers: SourceRemoval[] = [];
  let removedGroups: SourceRemoval[] = [];

  async function memberIdsOf(groupId: string, signal: AbortSignal): Promise<string[]> {
    const ids = new Set<string>();
    const first = {
      path: `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user`,
      query: { $select: "id", $top: PAGE_TOP },
    };
    for await (const page of graphPages(http, first, signal)) {
      for (const member of page) {
        const id = (member as { id?: unknown } | null)?.id;
        if (typeof id === "string" && id !== "") ids.add(id);
      }
    }
    return [...ids];
  }

  /** Groups (as Graph lists them) with their members, a page of groups at a time, member lists read ahead. */
  async function* withMembers(
    listed: readonly unknown[],
    counter: { n: number },
    signal: AbortSignal,
  ): AsyncGenerator<SourceItem<SourceGroup>> {
    const read = listed.map((group) => readEntraGroup(group, `groups #${++counter.n}`)).filter((g) => g !== null);
    yield* readAhead(read, READS_IN_FLIGHT, signal, async (group, each): Promise<SourceItem<SourceGroup>> => {
      if (group.kind === "invalid") return group;
      return { kind: "record", record: { ...group.group, memberIdpIds: await memberIdsOf(group.group.idpId, each) } };
    });
  }

  async function* allUsers(signal: AbortSignal): AsyncGenerator<SourceItem<SourceUser>> {
    let n = 0;
    for await (const page of graphPages(
      http,
      { path: "/users", query: { $select: USER_SELECT, $top: PAGE_TOP } },
      signal,
    )) {
      for (const user of page) yield readEntraUser(user, `users #${++n}`);
    }
  }

  /** The filter groups' transitive user members, each once. */
  async function* filteredUsers(
    entries: readonly string[],
    signal: AbortSignal,
  ): AsyncGenerator<SourceItem<SourceUser>> {
    const seen = new Set<string>();
    let n = 0;
    for (const group of await resolveFilterGroups(http, entries, signal)) {
      const first = {
        path: `/groups/${encodeURIComponent(String(group.id))}/transitiveMembers/microsoft.graph.user`,
        query: { $select: USER_SELECT, $top: PAGE_TOP },
      };
      for await (const page of graphPages(http, first, signal)) {
        for (const user of page) {
          const item = readEntraUser(user, `members #${++n}`);
          if (item.kind === "record") {
            if (seen.has(item.record.idpId)) continue;
            seen.add(item.record.idpId);
          }
          yield item;
        }
      }
    }
  }

  /** Users by id, 15 to a request, a few requests at once; ids Graph no longer has are left out. */
  async function* usersById(ids: readonly string[], signal: AbortSignal): AsyncGenerator<SourceItem<SourceUser>> {
    const lookups = chunks(ids, IDS_PER_LOOKUP);
    const read = readAhead(lookups, READS_IN_FLIGHT, signal, async (batch, each) => {
      const query = {
        $filter: `id in (${batch.map(odataString).join(",")})`,
        $select: USER_SELECT,
        $top: IDS_PER_LOOKUP,
      };
      const { body } = await http.get({ path: "/users", query }, each);
      if (!Array.isArray(body.value))
        throw new SourceError("bad_response", "GET /users returned JSON without a value list");
      return body.value as unknown[];
    });
    for await (const users of read) for (const user of users) yield readEntraUser(user, "a changed user");
  }

  async function* deltaUsers(link: string, signal: AbortSignal): AsyncGenerator<SourceItem<SourceUser>> {
    removedUsers = [];
    const seen = new Set<string>();
    for await (const page of graphPages(http, link, signal)) {
      const changed: string[] = [];
      for (const entry of page) {
        const read = removedOf(entry);
        if (read === null || seen.has(read.id)) continue;
        seen.add(read.id);
        if (read.removed) removedUsers.push({ kind: "user", idpId: read.id });
        else changed.push(read.id);
      }
      yield* usersById(changed, signal);
    }
  }

  /** Groups a changed group is nested in: their flattened members changed with it. */
  async function ancestorsOf(groupId: string, signal: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    const first = {
      path: `/groups/${encodeURIComponent(groupId)}/transitiveMemberOf/microsoft.graph.group`,
      query: { $select: "id", $top: PAGE_TOP },
    };
    for await (const page of graphPages(http, first, signal)) {
      for (const group of page) {
        const id = (group as { id?: unknown } | null)?.id;
        if (typeof id === "string" && id !== "") ids.push(id);
      }
    }
    return ids;
  }

  async function* deltaGroups(link: string, signal: AbortSignal): AsyncGenerator<SourceItem<SourceGroup>> {
    removedGroups = [];
    const changed = new Set<string>();
    const removed = new Set<string>();
    for await (const page of graphPages(http, link, signal)) {
      // A group's entry says its attributes or its members (`members@delta`) changed; a large
      // group's member changes may span several entries of the same id.
      for (const entry of page) {
        const read = removedOf(entry);
        if (read === null) continue;
        if (read.removed) removed.add(read.id);
        else changed.add(read.id);
      }
    }
    for (const id of removed) {
      changed.delete(id);
      removedGroups.push({ kind: "group", idpId: id });
    }
    const direct = [...changed];
    for await (const ancestors of readAhead(direct, READS_IN_FLIGHT, signal, (id, each) => ancestorsOf(id, each)))
      for (const id of ancestors) if (!removed.has(id)) changed.add(id);
    const current = readAhead(
      [...changed],
      READS_IN_FLIGHT,
      signal,
      async (id, each) =>
        (await http.getIfFound({ path: `/groups/${encodeURIComponent(id)}`, query: { $select: GROUP_SELECT } }, each))
          ?.body ?? null,
    );
    const counter = { n: 0 };
    const groups: unknown[] = [];
    for await (const group of current) if (group !== null) groups.push(group);
    for (const batch of chunks(groups, 100)) yield* withMembers(batch, counter, signal);
  }

  /** The kept delta links, if they were taken from this `graph_url`'s Graph (after it changes, only a full run helps). */
  function linksOf(watermark: string): DeltaLinks {
    const links = decodeDeltaLinks(watermark);
    for (const link of [links.users, links.groups]) {
      if (!URL.canParse(link) || new URL(link).origin !== origin)
        throw new SourceError(
          "misconfigured",
          `the kept delta links are not ${origin}'s (was graph_url changed?); run a full sync`,
        );
    }
    return links;
  }

  async function* users({ signal, changedSince }: ReadOptions): AsyncGenerator<SourceItem<SourceUser>> {
    if (changedSince !== undefined) yield* deltaUsers(linksOf(changedSince).users, signal);
    else if (filter !== undefined) yield* filteredUsers(filter, signal);
    else yield* allUsers(signal);
  }

  async function* groups({ signal, changedSince }: ReadOptions): AsyncGenerator<SourceItem<SourceGroup>> {
    if (changedSince !== undefined) {
      yield* deltaGroups(linksOf(changedSince).groups, signal);
      return;
    }
    const counter = { n: 0 };
    if (filter !== undefined) {
      yield* withMembers(await resolveFilterGroups(http, filter, signal), counter, signal);
      return;
    }
    for await (const page of graphPages(
      http,
      { path: "/groups", query: { $select: GROUP_SELECT, $top: PAGE_TOP } },
      signal,
    ))
      yield* withMembers(page, counter, signal);
  }

  async function* removals(): AsyncGenerator<SourceRemoval> {
    yield* removedUsers;
    yield* removedGroups;
  }

  async function deltaLink(kind: "users" | "groups", signal: AbortSignal): Promise<string> {
    const select = kind === "users" ? USER_SELECT : `${GROUP_SELECT},members`;
    const { deltaLink: link } = await http.get(
      { path: `/${kind}/delta`, query: { $select: select, $deltatoken: "latest" } },
      signal,
    );
    if (link === null)
      throw new SourceError(
        "bad_response",
        `GET /${kind}/delta?$deltatoken=latest answered without an @odata.deltaLink`,
      );
    return link;
  }

  /** Whether the user is in one of the filter groups, nested or not. */
  async function inFilter(entries: readonly string[], userId: string, signal: AbortSignal): Promise<boolean> {
    const wanted = new Set((await resolveFilterGroups(http, entries, signal)).map((g) => String(g.id)));
    const first = {
      path: `/users/${encodeURIComponent(userId)}/transitiveMemberOf/microsoft.graph.group`,
      query: { $select: "id", $top: PAGE_TOP },
    };
    for await (const page of graphPages(http, first, signal))
      for (const group of page) if (wanted.has(String((group as { id?: unknown }).id))) return true;
    return false;
  }

  async function findUser(username: string, signal: AbortSignal): Promise<SourceUser | null> {
    const wanted = username.trim().toLowerCase();
    if (wanted === "") return null;
    const found = await http.getIfFound(
      { path: `/users/${encodeURIComponent(username.trim())}`, query: { $select: USER_SELECT } },
      signal,
    );
    if (found === null) return null;
    const item = readEntraUser(found.body, "the user");
    // The user exists but cannot be read: "no such user" would deactivate it.
    if (item.kind === "invalid")
      throw new SourceError("bad_response", `The Entra user ${item.ref} cannot be read: ${item.message}`);
    if (item.record.username.toLowerCase() !== wanted) return null;
    if (filter !== undefined && !(await inFilter(filter, item.record.idpId, signal))) return null;
    return item.record;
  }

  return Object.freeze({
    // With group_filter, Graph's delta would report the whole tenant's changes: full runs read only the groups.
    supportsDelta: filter === undefined,
    async check(signal: AbortSignal): Promise<void> {
      await http.get({ path: "/users", query: { $select: "id", $top: 1 } }, signal);
    },
    async watermark(signal: AbortSignal): Promise<string | null> {
      if (filter !== undefined) return null;
      return encodeDeltaLinks({ users: await deltaLink("users", signal), groups: await deltaLink("groups", signal) });
    },
    users,
    groups,
    removals,
    findUser,
    close: async () => undefined,
  });
}
