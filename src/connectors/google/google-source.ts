import { readAhead } from "../read-ahead.js";
import {
  type ConnectorSource,
  type ReadOptions,
  SourceError,
  type SourceGroup,
  type SourceItem,
  type SourceUser,
} from "../source.js";
import { apiBase, GOOGLE_DEFAULTS, type GoogleConfig } from "./google-config.js";
import { readGoogleGroup } from "./google-group.js";
import { createGoogleHttp, type GoogleHttp, type Query } from "./google-http.js";
import { googlePages } from "./google-pages.js";
import { createAccessTokens, DIRECTORY_SCOPES, type TokenEndpoint } from "./google-token.js";
import { readGoogleUser } from "./google-user.js";
import { createMemberReader } from "./group-members.js";
import { createRequestPacer } from "./request-pacer.js";
import { readServiceAccountKey } from "./service-account-key.js";

/** Google's largest pages: `users.list` 500, `groups.list` 200. */
const USERS_PAGE = 500;
const GROUPS_PAGE = 200;
/** Groups whose members are read at once; the per-minute pacer keeps the total under the quota. */
const MEMBER_READS_IN_FLIGHT = 4;

export interface GoogleSourceOptions {
  /** Retries of a throttled or failing answer and the longest wait honoured (defaults 5 and 64 s). */
  readonly retries?: number | undefined;
  readonly maxWaitMs?: number | undefined;
}

/** Where the key, the admin and the token endpoint are: what both a run and the `test` action need. */
export function tokenEndpointOf(config: GoogleConfig, options: GoogleSourceOptions = {}): TokenEndpoint {
  const read = readServiceAccountKey(config.service_account_key);
  if (!read.ok) throw new SourceError("misconfigured", `connector.service_account_key ${read.message}`);
  return {
    url: config.token_url ?? read.key.tokenUri ?? GOOGLE_DEFAULTS.token_url,
    key: read.key,
    subject: config.admin_email,
    timeoutMs: config.timeout_ms ?? GOOGLE_DEFAULTS.timeout_ms,
    retries: options.retries ?? 5,
    maxWaitMs: options.maxWaitMs ?? 64_000,
  };
}

/** Whose users and groups are listed: one domain when set, else the account (`customer`). */
export function scopeQuery(config: GoogleConfig): Query {
  return config.domain ? { domain: config.domain } : { customer: config.customer_id ?? GOOGLE_DEFAULTS.customer_id };
}

export function createGoogleHttpFor(
  config: GoogleConfig,
  options: GoogleSourceOptions = {},
  scopes: readonly string[] = DIRECTORY_SCOPES,
): GoogleHttp {
  const endpoint = tokenEndpointOf(config, options);
  return createGoogleHttp({
    baseUrl: apiBase(config.api_url),
    tokens: createAccessTokens(endpoint, scopes),
    pace: createRequestPacer(config.requests_per_minute ?? GOOGLE_DEFAULTS.requests_per_minute),
    timeoutMs: endpoint.timeoutMs,
    retries: endpoint.retries,
    maxWaitMs: endpoint.maxWaitMs,
  });
}

/**
 * The `google workspace` connector: users and groups read through the Admin SDK's Directory API
 * by a service account acting for `admin_email` (domain-wide delegation), keyed by Google ids.
 * Google has no change feed for users or memberships: a full run reads every user, every group
 * and every group's members; a delta run is the cheaper check the API allows, the user list
 * alone (suspensions, renames, new people), leaving groups, members and removals to the next
 * full run.
 */
export function createGoogleSource(config: GoogleConfig, options: GoogleSourceOptions = {}): ConnectorSource {
  const http = createGoogleHttpFor(config, options);
  const owner = scopeQuery(config);
  const members = createMemberReader(http);

  async function* users({ signal }: ReadOptions): AsyncGenerator<SourceItem<SourceUser>> {
    let position = 0;
    const seen = new Set<string>();
    const list = { path: "/users", query: { ...owner, maxResults: USERS_PAGE, projection: "full" }, items: "users" };
    for await (const page of googlePages(http, list, signal)) {
      for (const user of page) {
        const item = readGoogleUser(user, `users #${++position}`);
        // Pages are read while the account changes: a user met twice is read once.
        if (item.kind === "record") {
          if (seen.has(item.record.idpId)) continue;
          seen.add(item.record.idpId);
        }
        yield item;
      }
    }
  }

  async function* groups({ signal, changedSince }: ReadOptions): AsyncGenerator<SourceItem<SourceGroup>> {
    if (changedSince !== undefined) return;
    let position = 0;
    const list = { path: "/groups", query: { ...owner, maxResults: GROUPS_PAGE }, items: "groups" };
    for await (const page of googlePages(http, list, signal)) {
      const read = page.map((listed) => readGoogleGroup(listed, `groups #${++position}`));
      const each = readAhead(
        read,
        MEMBER_READS_IN_FLIGHT,
        signal,
        async (group, inFlight): Promise<SourceItem<SourceGroup> | null> => {
          if (group.kind === "invalid") return group;
          const ids = await members.usersOf(group.group.idpId, inFlight);
          // Deleted since it was listed: left out, as the next list will leave it out.
          return ids === null ? null : { kind: "record", record: { ...group.group, memberIdpIds: ids } };
        },
      );
      for await (const item of each) if (item !== null) yield item;
    }
  }

  async function findUser(username: string, signal: AbortSignal): Promise<SourceUser | null> {
    const wanted = username.trim().toLowerCase();
    if (wanted === "" || !wanted.includes("@")) return null;
    const found = await http.getIfFound(
      `/users/${encodeURIComponent(username.trim())}`,
      { projection: "full" },
      signal,
    );
    if (found === null) return null;
    const item = readGoogleUser(found, "the user");
    // The user exists but cannot be read: "no such user" would deactivate it.
    if (item.kind === "invalid")
      throw new SourceError("bad_response", `The Google user ${item.ref} cannot be read: ${item.message}`);
    // users.get also answers for an alias: only the primary address names this user.
    return item.record.username.toLowerCase() === wanted ? item.record : null;
  }

  return Object.freeze({
    supportsDelta: true,
    async check(signal: AbortSignal): Promise<void> {
      const body = await http.get("/users", { ...owner, maxResults: 1 }, signal);
      if (typeof body !== "object" || body === null)
        throw new SourceError(
          "bad_response",
          "GET /admin/directory/v1/users returned JSON that is not an object; is api_url the Admin SDK's address?",
        );
    },
    // No server clock is needed: a delta run reads every user anyway. The watermark only says a full run happened.
    watermark: async () => new Date().toISOString(),
    users,
    groups,
    findUser,
    close: async () => undefined,
  });
}
