import { isPlainObject } from "../../scim-resource/plain-object.js";
import {
  type ConnectorSource,
  type InvalidRecord,
  SourceError,
  type SourceGroup,
  type SourceItem,
  type SourceUser,
} from "../source.js";
import { listPages, type Pagination, readListResponse } from "./list-pages.js";
import { createScimHttp, type JsonObject, type Query, type ScimHttp } from "./scim-http.js";
import { SCIM_PULL_DEFAULTS, type ScimPullConfig } from "./scim-pull-config.js";
import { readUpstreamGroup, type UpstreamGroup } from "./upstream-group.js";
import { readUpstreamUser } from "./upstream-user.js";

export interface ScimPullOptions {
  /** Pages this way whatever the upstream's ServiceProviderConfig says (tests, odd upstreams). */
  readonly pagination?: Pagination | undefined;
  /** Requests per list before the upstream is judged never to finish (default 100,000). */
  readonly maxPages?: number | undefined;
  /** Retries of a 429/503 and the longest `Retry-After` honoured (defaults 2 and 30 s). */
  readonly retries?: number | undefined;
  readonly maxRetryWaitMs?: number | undefined;
}

/** RFC 9865 §4: the ServiceProviderConfig's `pagination.cursor` says cursors are offered. */
function offersCursor(config: JsonObject): boolean {
  const key = Object.keys(config).find((k) => k.toLowerCase() === "pagination");
  const pagination = key === undefined ? undefined : config[key];
  return isPlainObject(pagination) && (pagination.cursor === true || pagination.cursor === "true");
}

/**
 * How to page. A ServiceProviderConfig the upstream does not serve (or serves badly) only means
 * index paging; what proves the base URL and the token is the `/Users` probe in `check`.
 */
async function discoverPagination(http: ScimHttp, signal: AbortSignal): Promise<Pagination> {
  try {
    const config = await http.getIfFound("/ServiceProviderConfig", {}, signal);
    return config !== null && offersCursor(config) ? "cursor" : "index";
  } catch (error) {
    if (error instanceof SourceError && (error.reason === "bad_response" || error.reason === "misconfigured"))
      return "index";
    throw error;
  }
}

function unique(ids: Iterable<string>): string[] {
  return [...new Set(ids)];
}

/**
 * A source reading an upstream SCIM 2.0 server (`scim pull`): users and groups keyed by
 * the upstream's ids, normalized exactly as Roster normalizes a SCIM push. No delta: SCIM has no
 * portable "changed since", so every run reads everything.
 */
export function createScimPullSource(config: ScimPullConfig, options: ScimPullOptions = {}): ConnectorSource {
  const http = createScimHttp({
    baseUrl: config.base_url,
    token: config.token,
    timeoutMs: config.timeout_ms ?? SCIM_PULL_DEFAULTS.timeout_ms,
    retries: options.retries,
    maxRetryWaitMs: options.maxRetryWaitMs,
  });
  const pageSize = config.page_size ?? SCIM_PULL_DEFAULTS.page_size;
  const maxPages = options.maxPages ?? 100_000;
  let pagination: Pagination | undefined = options.pagination;

  async function paging(signal: AbortSignal) {
    pagination ??= await discoverPagination(http, signal);
    return { pagination, pageSize, maxPages, signal };
  }

  async function fetchGroup(id: string, signal: AbortSignal): Promise<UpstreamGroup | InvalidRecord | null> {
    const body = await http.getIfFound(`/Groups/${encodeURIComponent(id)}`, {}, signal);
    return body === null ? null : readUpstreamGroup(body, id);
  }

  /** Users of nested groups, transitively; each group fetched once, cycles cut. */
  async function nestedUsers(group: UpstreamGroup, signal: AbortSignal): Promise<string[]> {
    const users: string[] = [];
    const visited = new Set([group.group.idpId]);
    const queue = [...group.groupIds];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (visited.has(next)) continue;
      visited.add(next);
      const nested = await fetchGroup(next, signal);
      if (nested?.kind !== "group") continue;
      users.push(...nested.userIds);
      queue.push(...nested.groupIds);
    }
    return users;
  }

  /** The group with its full member list; null when it vanished between the list and the GET. */
  async function complete(listed: UpstreamGroup, signal: AbortSignal): Promise<SourceItem<SourceGroup> | null> {
    let group: UpstreamGroup = listed;
    // Some upstreams leave members out of list answers for large groups: ask for the group alone.
    if (!listed.membersSent) {
      const fetched = await fetchGroup(listed.group.idpId, signal);
      if (fetched === null) return null;
      if (fetched.kind === "invalid") return fetched;
      group = fetched;
    }
    const nested = group.groupIds.length > 0 ? await nestedUsers(group, signal) : [];
    return { kind: "record", record: { ...group.group, memberIdpIds: unique([...group.userIds, ...nested]) } };
  }

  const source: ConnectorSource = {
    supportsDelta: false,

    async check(signal: AbortSignal): Promise<void> {
      const { pagination: how } = await paging(signal);
      // The ServiceProviderConfig may be served without authentication (RFC 7644 §4): the
      // token is proven by a list request, paged as the reads will page.
      const probe: Query = how === "cursor" ? { cursor: "", count: 1 } : { count: 1 };
      readListResponse(await http.get("/Users", probe, signal), http.describe("/Users"));
    },

    watermark: async () => null,

    async *users({ signal }): AsyncGenerator<SourceItem<SourceUser>> {
      let position = 0;
      for await (const page of listPages(http, "/Users", await paging(signal))) {
        for (const resource of page) yield readUpstreamUser(resource, `Users #${++position}`);
      }
    },

    async *groups({ signal }): AsyncGenerator<SourceItem<SourceGroup>> {
      let position = 0;
      for await (const page of listPages(http, "/Groups", await paging(signal))) {
        for (const resource of page) {
          const listed = readUpstreamGroup(resource, `Groups #${++position}`);
          const item = listed.kind === "invalid" ? listed : await complete(listed, signal);
          if (item !== null) yield item;
        }
      }
    },

    async findUser(username: string, signal: AbortSignal): Promise<SourceUser | null> {
      // RFC 7644 §3.4.2.2: the value is a JSON string, so JSON escaping is the filter's escaping.
      const body = await http.get("/Users", { filter: `userName eq ${JSON.stringify(username)}` }, signal);
      const wanted = username.toLowerCase();
      let invalid: InvalidRecord | undefined;
      for (const resource of readListResponse(body, http.describe("/Users")).resources) {
        const item = readUpstreamUser(resource, "the filtered user");
        if (item.kind === "invalid") invalid ??= item;
        else if (item.record.username.toLowerCase() === wanted) return item.record;
      }
      // The user exists but cannot be read: "no such user" would deactivate it.
      if (invalid)
        throw new SourceError("bad_response", `The upstream user ${invalid.ref} cannot be read: ${invalid.message}`);
      return null;
    },

    close: async () => undefined,
  };
  return Object.freeze(source);
}
