/**
 * Test support (not built): a stand-in for an Okta org's Management API on loopback, written
 * from Okta's public API reference. It reproduces, for the connector's slice of the API:
 * - Authentication: `Authorization: SSWS <token>`; anything else is `401` with Okta's error object
 *   (`E0000011`, "Invalid token provided"); a path a test forbids is `403` (`E0000006`).
 * - Users (`List all users`, `Retrieve a user`): `GET /api/v1/users?limit=&after=&filter=`; a list
 *   without a filter leaves out DEPROVISIONED users, a filtered one does not; `GET
 *   /api/v1/users/{id|login|login short name}` (DEPROVISIONED included), `404` `E0000007`.
 * - Groups (`List all groups`, `List all member users`): `GET /api/v1/groups?filter=` (type,
 *   lastUpdated, lastMembershipUpdated) and `GET /api/v1/groups/{id}/users`.
 * - Filters (`Filter` in the API's query-parameter conventions): `eq` and `gt` on the attributes
 *   above, `and`, `or` and parentheses; timestamps compared as ISO strings.
 * - Pagination (`Pagination`): `limit` (users and members at most 200), an opaque `after` cursor,
 *   `Link: <…>; rel="self"` and `Link: <…>; rel="next"` as separate headers, no next on the last page.
 * - Rate limiting (`Rate limits`): `X-Rate-Limit-Limit`, `-Remaining`, `-Reset` (epoch seconds) on
 *   every answer; a `429` (`E0000047`) when a test asks for one.
 * The product never ships this: only tests point an `okta api` directory's `org_url` at it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type OktaStatus = "STAGED" | "PROVISIONED" | "ACTIVE" | "RECOVERY" | "PASSWORD_EXPIRED" | "LOCKED_OUT" | "SUSPENDED" | "DEPROVISIONED";

export interface StandinUser {
  id: string;
  status: OktaStatus;
  created: string;
  lastUpdated: string;
  profile: Record<string, unknown> & { login: string };
}

export interface StandinGroup {
  id: string;
  type: "OKTA_GROUP" | "APP_GROUP" | "BUILT_IN";
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  profile: { name: string; description?: string | null };
  members: Set<string>;
}

export const RATE_LIMIT = 600;

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

function oktaError(code: string, summary: string): Record<string, unknown> {
  return { errorCode: code, errorSummary: summary, errorLink: code, errorId: `oae${Math.random().toString(36).slice(2, 12)}`, errorCauses: [] };
}

// --- filter expressions: term := attr op "value" | ( expr ); and binds tighter than or ---
type Token = { kind: "word" | "string" | "open" | "close"; text: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|([\w.]+))/gy;
  let match = pattern.exec(expression);
  while (match !== null && match[0] !== "") {
    if (match[1]) tokens.push({ kind: "open", text: "(" });
    else if (match[2]) tokens.push({ kind: "close", text: ")" });
    else if (match[3] !== undefined) tokens.push({ kind: "string", text: match[3] });
    else tokens.push({ kind: "word", text: match[4] as string });
    if (pattern.lastIndex >= expression.length) break;
    match = pattern.exec(expression);
  }
  if (tokens.map((t) => (t.kind === "string" ? `"${t.text}"` : t.text)).join("").replace(/\s/g, "") !== expression.replace(/\s/g, "")) throw new Error("bad filter");
  return tokens;
}

type Predicate = (item: Record<string, unknown>) => boolean;

function valueAt(item: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((at, key) => (typeof at === "object" && at !== null ? (at as Record<string, unknown>)[key] : undefined), item);
}

function parseFilter(expression: string): Predicate {
  const tokens = tokenize(expression);
  let i = 0;
  const term = (): Predicate => {
    const token = tokens[i++];
    if (token?.kind === "open") {
      const inner = or();
      if (tokens[i++]?.kind !== "close") throw new Error("bad filter");
      return inner;
    }
    const op = tokens[i++];
    const value = tokens[i++];
    if (token?.kind !== "word" || op?.kind !== "word" || value?.kind !== "string") throw new Error("bad filter");
    const attribute = token.text;
    if (op.text === "eq") return (item) => String(valueAt(item, attribute)) === value.text;
    if (op.text === "gt") return (item) => String(valueAt(item, attribute) ?? "") > value.text;
    throw new Error("bad filter");
  };
  const and = (): Predicate => {
    let left = term();
    while (tokens[i]?.text === "and") {
      i++;
      const [a, b] = [left, term()];
      left = (item) => a(item) && b(item);
    }
    return left;
  };
  const or = (): Predicate => {
    let left = and();
    while (tokens[i]?.text === "or") {
      i++;
      const [a, b] = [left, and()];
      left = (item) => a(item) || b(item);
    }
    return left;
  };
  const predicate = or();
  if (i !== tokens.length) throw new Error("bad filter");
  return predicate;
}

export class OktaStandin {
  readonly users = new Map<string, StandinUser>();
  readonly groups = new Map<string, StandinGroup>();
  /** Method, path and query of every request, in order. */
  readonly requests: string[] = [];
  token = "00standin-api-token";
  /** Set by a test: paths the token's admin may not read (Okta answers `403` `E0000006`). */
  forbidden: RegExp | null = null;
  /** Added before every answer (benchmarks: an org across the internet is ~50 ms away). */
  latencyMs = 0;
  #server: Server | null = null;
  #port = 0;
  #sequence = 0;
  #throttles: { pattern: RegExp; times: number }[] = [];
  /** Set by a test: the requests left in an endpoint's current window, from its next request on. */
  readonly remaining = new Map<string, number>();
  #windows = new Map<string, { second: number; remaining: number }>();

  get orgUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  #id(prefix: string): string {
    return `${prefix}${String(++this.#sequence).padStart(8, "0")}standin`;
  }

  #now(): string {
    return new Date().toISOString();
  }

  addUser(profile: StandinUser["profile"], status: OktaStatus = "ACTIVE", stampedAt?: string): StandinUser {
    const at = stampedAt ?? this.#now();
    const user: StandinUser = { id: this.#id("00u"), status, created: at, lastUpdated: at, profile: { email: profile.login, ...profile } };
    this.users.set(user.id, user);
    return user;
  }

  updateUser(id: string, change: { status?: OktaStatus; profile?: Record<string, unknown> }): void {
    const user = this.users.get(id);
    if (!user) throw new Error(`no user ${id}`);
    if (change.status) user.status = change.status;
    if (change.profile) user.profile = { ...user.profile, ...change.profile };
    user.lastUpdated = this.#now();
  }

  /** Okta deletes only a DEPROVISIONED user; afterwards the API does not know it at all. */
  deleteUser(id: string): void {
    this.users.delete(id);
    for (const group of this.groups.values()) if (group.members.delete(id)) group.lastMembershipUpdated = this.#now();
  }

  addGroup(name: string, members: readonly string[], type: StandinGroup["type"] = "OKTA_GROUP", stampedAt?: string): StandinGroup {
    const at = stampedAt ?? this.#now();
    const group: StandinGroup = { id: this.#id("00g"), type, created: at, lastUpdated: at, lastMembershipUpdated: at, profile: { name, description: null }, members: new Set(members) };
    this.groups.set(group.id, group);
    return group;
  }

  setMembers(groupId: string, change: { add?: readonly string[]; remove?: readonly string[] }): void {
    const group = this.groups.get(groupId);
    if (!group) throw new Error(`no group ${groupId}`);
    for (const id of change.add ?? []) group.members.add(id);
    for (const id of change.remove ?? []) group.members.delete(id);
    group.lastMembershipUpdated = this.#now();
  }

  /** The next `times` requests whose path matches get a 429 with `X-Rate-Limit-Reset` a second or so ahead. */
  throttle(pattern: RegExp, times = 1): void {
    this.#throttles.push({ pattern, times });
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      if (this.latencyMs > 0) setTimeout(() => this.#handle(request, response), this.latencyMs);
      else this.#handle(request, response);
    });
    this.#server = server;
    this.#port = await new Promise<number>((resolve, reject) => {
      server.once("error", reject).listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
    });
    return this;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Windows of one second (Okta's are a minute): each endpoint's count starts again each second. */
  #rateHeaders(bucket: string): Record<string, string> {
    const second = Math.floor(Date.now() / 1000);
    const window = this.#windows.get(bucket);
    const fresh = window === undefined || window.second !== second;
    const start = this.remaining.get(bucket) ?? (fresh ? RATE_LIMIT : (window?.remaining ?? RATE_LIMIT));
    this.remaining.delete(bucket);
    const remaining = Math.max(0, start - 1);
    this.#windows.set(bucket, { second, remaining });
    return { "x-rate-limit-limit": String(RATE_LIMIT), "x-rate-limit-remaining": String(remaining), "x-rate-limit-reset": String(second + 1) };
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", `http://${request.headers.host}`);
    this.requests.push(`${request.method} ${url.pathname}${url.search}`);
    const bucket = url.pathname.replace(/\/groups\/[^/]+\/users$/, "/groups/{id}/users").replace(/\/users\/[^/]+$/, "/users/{id}");
    const throttle = this.#throttles.find((t) => t.times > 0 && t.pattern.test(url.pathname));
    if (throttle) {
      throttle.times--;
      const reset = String(Math.floor(Date.now() / 1000) + 1);
      send(response, 429, oktaError("E0000047", "API call exceeded rate limit due to too many requests."), { "x-rate-limit-limit": String(RATE_LIMIT), "x-rate-limit-remaining": "0", "x-rate-limit-reset": reset });
      return;
    }
    const rate = this.#rateHeaders(bucket);
    if (request.headers.authorization !== `SSWS ${this.token}`) {
      send(response, 401, oktaError("E0000011", "Invalid token provided"), rate);
      return;
    }
    if (this.forbidden?.test(url.pathname)) {
      send(response, 403, oktaError("E0000006", "You do not have permission to perform the requested action"), rate);
      return;
    }
    if (request.method !== "GET") {
      send(response, 405, oktaError("E0000022", "The endpoint does not support the provided HTTP method"), rate);
      return;
    }
    try {
      this.#route(url, response, rate);
    } catch (error) {
      if ((error as Error).message !== "bad filter") throw error;
      send(response, 400, oktaError("E0000031", "Invalid search criteria."), rate);
    }
  }

  #route(url: URL, response: ServerResponse, rate: Record<string, string>): void {
    const path = url.pathname;
    const members = /^\/api\/v1\/groups\/([^/]+)\/users$/.exec(path);
    const oneUser = /^\/api\/v1\/users\/([^/]+)$/.exec(path);
    if (path === "/api/v1/users") {
      const filter = url.searchParams.get("filter");
      const predicate = filter ? parseFilter(filter) : (user: Record<string, unknown>) => user.status !== "DEPROVISIONED";
      const listed = [...this.users.values()].filter((u) => predicate(u as unknown as Record<string, unknown>));
      this.#page(url, response, rate, listed, (u) => this.#userJson(u, url), 200);
    } else if (path === "/api/v1/groups") {
      const filter = url.searchParams.get("filter");
      const predicate = filter ? parseFilter(filter) : () => true;
      const listed = [...this.groups.values()].filter((g) => predicate(g as unknown as Record<string, unknown>));
      this.#page(url, response, rate, listed, (g) => this.#groupJson(g, url), 10_000);
    } else if (members) {
      const group = this.groups.get(decodeURIComponent(members[1] as string));
      if (!group) return send(response, 404, oktaError("E0000007", `Not found: Resource not found: ${members[1]} (UserGroup)`), rate);
      const listed = [...group.members].map((id) => this.users.get(id)).filter((u): u is StandinUser => u !== undefined);
      this.#page(url, response, rate, listed, (u) => this.#userJson(u, url), 200);
    } else if (oneUser) {
      const key = decodeURIComponent(oneUser[1] as string).toLowerCase();
      const user = [...this.users.values()].find((u) => u.id.toLowerCase() === key || u.profile.login.toLowerCase() === key || u.profile.login.toLowerCase().split("@")[0] === key);
      if (!user) return send(response, 404, oktaError("E0000007", `Not found: Resource not found: ${oneUser[1]} (User)`), rate);
      send(response, 200, this.#userJson(user, url), rate);
    } else {
      send(response, 404, oktaError("E0000022", "The endpoint does not support the provided HTTP method"), rate);
    }
  }

  #page<T extends { id: string }>(url: URL, response: ServerResponse, rate: Record<string, string>, items: T[], toJson: (item: T) => Record<string, unknown>, maxLimit: number): void {
    const sorted = items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const limit = Math.min(maxLimit, Math.max(1, Number(url.searchParams.get("limit") ?? maxLimit) || maxLimit));
    const after = url.searchParams.get("after");
    const start = after === null ? 0 : sorted.findIndex((item) => item.id > after);
    const page = start < 0 ? [] : sorted.slice(start, start + limit);
    const links = [`<${url.href}>; rel="self"`];
    const last = page.at(-1);
    if (last && start + limit < sorted.length) {
      const next = new URL(url.href);
      next.searchParams.set("after", last.id);
      links.push(`<${next.href}>; rel="next"`);
    }
    send(response, 200, page.map(toJson), { ...rate, link: links });
  }

  #userJson(user: StandinUser, url: URL): Record<string, unknown> {
    const { id, status, created, lastUpdated, profile } = user;
    return {
      id,
      status,
      created,
      activated: status === "ACTIVE" ? created : null,
      statusChanged: lastUpdated,
      lastLogin: null,
      lastUpdated,
      passwordChanged: null,
      type: { id: "oty00standin" },
      profile,
      credentials: { provider: { type: "OKTA", name: "OKTA" } },
      _links: { self: { href: `${url.origin}/api/v1/users/${id}` } },
    };
  }

  #groupJson(group: StandinGroup, url: URL): Record<string, unknown> {
    const { id, type, created, lastUpdated, lastMembershipUpdated, profile } = group;
    return { id, created, lastUpdated, lastMembershipUpdated, objectClass: ["okta:user_group"], type, profile, _links: { users: { href: `${url.origin}/api/v1/groups/${id}/users` } } };
  }
}

export async function startOktaStandin(): Promise<OktaStandin> {
  return new OktaStandin().start();
}
