import {
  type ConnectorSource,
  type ReadOptions,
  SourceError,
  type SourceGroup,
  type SourceItem,
  type SourceUser,
} from "../source.js";
import { apiBase, OKTA_DEFAULTS, type OktaConfig } from "./okta-config.js";
import { DEPROVISIONED_USERS, groupsFilter, usersChangedSince, watermarkAt } from "./okta-filters.js";
import { readOktaGroup } from "./okta-group.js";
import { oktaAuthFor } from "./okta-auth.js";
import { createOktaHttp, type OktaHttp } from "./okta-http.js";
import { oktaPages } from "./okta-pages.js";
import { memberId, readOktaUser } from "./okta-user.js";
import { readAhead } from "../read-ahead.js";

/** Groups whose members are read at once: well inside Okta's concurrent-request limit (dozens per org). */
const MEMBER_READS_IN_FLIGHT = 4;

export interface OktaSourceOptions {
  /** Retries of a 429/5xx and the longest wait honoured (defaults 4 and 65 s). */
  readonly retries?: number | undefined;
  readonly maxWaitMs?: number | undefined;
  /** Only for the watermark's last resort (Okta sent no `Date`); injected by tests. */
  readonly now?: () => Date;
}

async function memberIdsOf(http: OktaHttp, groupId: string, signal: AbortSignal): Promise<string[]> {
  const ids = new Set<string>();
  for await (const page of oktaPages(http, `/api/v1/groups/${encodeURIComponent(groupId)}/users`, {}, signal)) {
    for (const user of page) {
      const id = memberId(user);
      if (id !== null) ids.add(id);
    }
  }
  return [...ids];
}

/**
 * The `okta api` connector: users and groups read through Okta's Management API with an SSWS
 * token or a service app's OAuth 2.0 tokens (private-key JWT, DPoP when the app requires it),
 * keyed by Okta ids. A plain user list leaves DEPROVISIONED users out, so a full run also
 * lists them (`status eq "DEPROVISIONED"`): a deactivated Okta user becomes an inactive Roster
 * user, and only a user deleted from Okta is absent (removed per the directory's setting). Delta
 * runs read users and groups changed since Okta's clock at the previous run (`lastUpdated`,
 * `lastMembershipUpdated`); deletions wait for the next full run.
 */
export function createOktaSource(config: OktaConfig, options: OktaSourceOptions = {}): ConnectorSource {
  const timeoutMs = config.timeout_ms ?? OKTA_DEFAULTS.timeout_ms;
  const http = createOktaHttp({
    baseUrl: apiBase(config.org_url),
    auth: oktaAuthFor(config, timeoutMs).auth,
    timeoutMs,
    retries: options.retries,
    maxWaitMs: options.maxWaitMs,
  });
  const now = options.now ?? (() => new Date());
  const includeAppGroups = config.include_app_groups ?? false;

  /** `seen` holds the ids yielded so far: a user deactivated between two lists is read once, not failed as a duplicate. */
  async function* userList(
    query: Record<string, string>,
    signal: AbortSignal,
    counter: { n: number },
    seen: Set<string>,
  ): AsyncGenerator<SourceItem<SourceUser>> {
    for await (const page of oktaPages(http, "/api/v1/users", query, signal)) {
      for (const user of page) {
        const item = readOktaUser(user, `users #${++counter.n}`);
        if (item.kind === "record") {
          if (seen.has(item.record.idpId)) continue;
          seen.add(item.record.idpId);
        }
        yield item;
      }
    }
  }

  async function* users({ signal, changedSince }: ReadOptions): AsyncGenerator<SourceItem<SourceUser>> {
    const counter = { n: 0 };
    const seen = new Set<string>();
    if (changedSince !== undefined) {
      yield* userList({ filter: usersChangedSince(changedSince) }, signal, counter, seen);
      return;
    }
    yield* userList({}, signal, counter, seen);
    yield* userList({ filter: DEPROVISIONED_USERS }, signal, counter, seen);
  }

  async function* groups({ signal, changedSince }: ReadOptions): AsyncGenerator<SourceItem<SourceGroup>> {
    let position = 0;
    for await (const page of oktaPages(
      http,
      "/api/v1/groups",
      { filter: groupsFilter(includeAppGroups, changedSince) },
      signal,
    )) {
      const read = page.map((listed) => readOktaGroup(listed, `groups #${++position}`));
      yield* readAhead(read, MEMBER_READS_IN_FLIGHT, signal, async (group, each): Promise<SourceItem<SourceGroup>> => {
        if (group.kind === "invalid") return group;
        return {
          kind: "record",
          record: { ...group.group, memberIdpIds: await memberIdsOf(http, group.group.idpId, each) },
        };
      });
    }
  }

  async function findUser(username: string, signal: AbortSignal): Promise<SourceUser | null> {
    const wanted = username.trim().toLowerCase();
    if (wanted === "") return null;
    const found = await http.getIfFound(
      { path: `/api/v1/users/${encodeURIComponent(username.trim())}`, query: {} },
      signal,
    );
    if (found === null) return null;
    const item = readOktaUser(found.body, "the user");
    // The user exists but cannot be read: "no such user" would deactivate it.
    if (item.kind === "invalid")
      throw new SourceError("bad_response", `The Okta user ${item.ref} cannot be read: ${item.message}`);
    // The path also takes an id or a login's short name: only the login itself names this user.
    return item.record.username.toLowerCase() === wanted ? item.record : null;
  }

  return Object.freeze({
    supportsDelta: true,
    async check(signal: AbortSignal): Promise<void> {
      const { body } = await http.get({ path: "/api/v1/users", query: { limit: 1 } }, signal);
      if (!Array.isArray(body))
        throw new SourceError(
          "bad_response",
          "GET /api/v1/users returned JSON that is not a list; is org_url an Okta org?",
        );
    },
    async watermark(signal: AbortSignal): Promise<string> {
      // `check` has just asked Okta something; its answer's Date is Okta's clock.
      if (http.serverTime() === null) await http.get({ path: "/api/v1/users", query: { limit: 1 } }, signal);
      return watermarkAt(http.serverTime(), now());
    },
    users,
    groups,
    findUser,
    close: async () => undefined,
  });
}
