/**
 * Test support (not built): a stand-in for Google's OAuth 2.0 token endpoint and the Admin SDK
 * Directory API on loopback, written from Google's public references. It reproduces, for the
 * connector's slice of them:
 * - "Using OAuth 2.0 for Server to Server Applications" (service accounts, domain-wide delegation):
 *   `POST /token` with `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=…`; the
 *   JWT's RS256 signature checked against the public key of the service account named by `iss`;
 *   `aud` must be this token endpoint, `exp - iat` at most an hour and the JWT current, `sub` a
 *   known user, every `scope` delegated to that client ID. Refusals as Google words them:
 *   `invalid_grant` ("Invalid JWT Signature.", "Invalid email or User ID", a bad timeframe) and
 *   `401 unauthorized_client` for a scope not delegated. `{ access_token, expires_in, token_type }`.
 * - Directory API "Authorize requests": `Authorization: Bearer`; an unknown or expired token is
 *   `401` (`authError`, UNAUTHENTICATED); a token without the method's scope is `403`
 *   (`insufficientPermissions`); a `sub` who is not an admin is `403` "Not Authorized to access
 *   this resource/api".
 * - `users.list` (`customer`, `my_customer` or `domain` required, `maxResults` ≤ 500,
 *   `pageToken`, `projection=basic|full`: custom schemas only with `full`), `users.get` (by id,
 *   primary address or alias; `404` "Resource Not Found: userKey").
 * - `groups.list` (`customer` or `domain`, `maxResults` ≤ 200) and `members.list`
 *   (`/groups/{groupKey}/members`, by id or email, `maxResults` ≤ 200, members of type `USER`,
 *   `GROUP` and `CUSTOMER`; `404` for a group that is gone).
 * - Paging ("Pagination" in the API's conventions): an opaque `nextPageToken`, absent on the last
 *   page; a page with no items leaves the list's key out, as Google does.
 * - "Limits and quotas": `429 rateLimitExceeded` and `403 userRateLimitExceeded` when a test asks
 *   for them, with `Retry-After` if asked.
 * The product never ships this: only tests point a `google workspace` directory's `api_url` and
 * the key's `token_uri` at it.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RequestGates } from "./request-gates.js";

export const SCOPES = Object.freeze({
  users: "https://www.googleapis.com/auth/admin.directory.user.readonly",
  groups: "https://www.googleapis.com/auth/admin.directory.group.readonly",
  members: "https://www.googleapis.com/auth/admin.directory.group.member.readonly",
});
const ALL_SCOPES = Object.values(SCOPES);

export interface StandinUser {
  id: string;
  primaryEmail: string;
  name: { givenName?: string; familyName?: string; fullName?: string };
  suspended: boolean;
  archived: boolean;
  orgUnitPath: string;
  emails?: { address: string; type?: string; customType?: string; primary?: boolean }[];
  organizations?: { title?: string; department?: string; primary?: boolean }[];
  customSchemas?: Record<string, Record<string, unknown>>;
  aliases?: string[];
  isAdmin: boolean;
}

export type MemberType = "USER" | "GROUP" | "CUSTOMER";

export interface StandinGroup {
  id: string;
  email: string;
  name: string;
  description: string;
  /** id → type */
  members: Map<string, MemberType>;
}

interface Client {
  readonly publicKey: KeyObject;
  scopes: Set<string>;
}

interface Issued {
  readonly scopes: ReadonlySet<string>;
  readonly subject: string;
  readonly expiresAt: number;
}

export interface ServiceAccountKeyFile {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
  response.end(JSON.stringify(body));
}

function apiError(code: number, message: string, reason: string, status: string): Record<string, unknown> {
  return { error: { code, message, errors: [{ message, domain: "global", reason }], status } };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request
      .on("data", (c: Buffer) => chunks.push(c))
      .on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
      .on("error", reject);
  });
}

function decodeJson(part: string | undefined): Record<string, unknown> | null {
  try {
    const value = JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8")) as unknown;
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export class GoogleStandin {
  readonly users = new Map<string, StandinUser>();
  readonly groups = new Map<string, StandinGroup>();
  readonly clients = new Map<string, Client>();
  /** Method, path and query of every request, in order (token requests as `POST /token`). */
  readonly requests: string[] = [];
  /** Seconds an access token lives (Google: 3600). */
  tokenLifetimeS = 3600;
  /** Added before every answer (benchmarks: Google across the internet is ~50 ms away). */
  latencyMs = 0;
  /** Requests a test holds mid-run (`gates.hold(/pattern/)`). */
  readonly gates = new RequestGates();
  readonly domain = "acme.test";
  readonly customerId = "C01standin";
  #issued = new Map<string, Issued>();
  #server: Server | null = null;
  #port = 0;
  #sequence = 0;
  #throttles: { pattern: RegExp; times: number; status: 429 | 403; retryAfter: string | null }[] = [];
  #expireAfter: number | null = null;
  #sorted: { version: number; users: StandinUser[] } | null = null;
  #version = 0;

  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get tokenUrl(): string {
    return `${this.baseUrl}/token`;
  }

  /** A service account whose client ID is delegated `scopes` (all three by default); its JSON key file, token_uri pointing here. */
  serviceAccount(scopes: readonly string[] = ALL_SCOPES, name = "roster-sync"): ServiceAccountKeyFile {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const clientEmail = `${name}@standin-project.iam.gserviceaccount.com`;
    this.clients.set(clientEmail, {
      publicKey: createPublicKey(publicKey.export({ type: "spki", format: "pem" })),
      scopes: new Set(scopes),
    });
    return {
      type: "service_account",
      project_id: "standin-project",
      private_key_id: randomBytes(20).toString("hex"),
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
      client_email: clientEmail,
      client_id: String(100_000_000_000_000_000_000n + BigInt(this.clients.size)),
      auth_uri: "https://accounts.google.com/o/oauth2/auth",
      token_uri: this.tokenUrl,
    };
  }

  /** Fixed width, so ids sort as they were made; Google's user ids are 21 digits. */
  #id(width = 20): string {
    return `1${String(++this.#sequence).padStart(width, "0")}`;
  }

  addUser(primaryEmail: string, fields: Partial<Omit<StandinUser, "id" | "primaryEmail">> = {}): StandinUser {
    const user: StandinUser = {
      id: this.#id(),
      primaryEmail,
      name: {},
      suspended: false,
      archived: false,
      orgUnitPath: "/",
      isAdmin: false,
      ...fields,
    };
    this.users.set(user.id, user);
    this.#version++;
    return user;
  }

  updateUser(id: string, change: Partial<Omit<StandinUser, "id">>): void {
    const user = this.users.get(id);
    if (!user) throw new Error(`no user ${id}`);
    Object.assign(user, change);
  }

  deleteUser(id: string): void {
    this.users.delete(id);
    this.#version++;
    for (const group of this.groups.values()) group.members.delete(id);
  }

  addGroup(name: string, members: readonly string[], types: Readonly<Record<string, MemberType>> = {}): StandinGroup {
    const id = `0${this.#id(14)}g`;
    const group: StandinGroup = {
      id,
      email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${id}@${this.domain}`,
      name,
      description: "",
      members: new Map(members.map((m) => [m, types[m] ?? (this.groups.has(m) ? "GROUP" : "USER")])),
    };
    this.groups.set(id, group);
    return group;
  }

  /** The next `times` API requests whose path matches are throttled: 429 rateLimitExceeded, or 403 userRateLimitExceeded. */
  throttle(pattern: RegExp, times = 1, options: { status?: 429 | 403; retryAfterS?: number } = {}): void {
    this.#throttles.push({
      pattern,
      times,
      status: options.status ?? 429,
      retryAfter: options.retryAfterS === undefined ? null : String(options.retryAfterS),
    });
  }

  /** After `requests` more API requests, every access token issued so far expires (as an hour passing would). */
  expireTokensAfter(requests: number): void {
    this.#expireAfter = requests;
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      const handle = () =>
        this.gates
          .pass(request.url ?? "")
          .then(() => this.#handle(request, response))
          .catch((error: unknown) => send(response, 500, apiError(500, String(error), "backendError", "INTERNAL")));
      if (this.latencyMs > 0) setTimeout(handle, this.latencyMs);
      else void handle();
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

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.baseUrl);
    this.requests.push(`${request.method} ${url.pathname}${url.search}`);
    if (url.pathname === "/token") {
      if (request.method !== "POST")
        return send(response, 405, { error: "invalid_request", error_description: "POST only" });
      return this.#token(new URLSearchParams(await readBody(request)), response);
    }
    const throttle = this.#throttles.find((t) => t.times > 0 && t.pattern.test(url.pathname));
    if (throttle) {
      throttle.times--;
      const headers: Record<string, string> =
        throttle.retryAfter === null ? {} : { "retry-after": throttle.retryAfter };
      if (throttle.status === 429)
        return send(
          response,
          429,
          apiError(
            429,
            "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute'.",
            "rateLimitExceeded",
            "RESOURCE_EXHAUSTED",
          ),
          headers,
        );
      return send(
        response,
        403,
        apiError(
          403,
          "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'.",
          "userRateLimitExceeded",
          "PERMISSION_DENIED",
        ),
        headers,
      );
    }
    if (this.#expireAfter !== null && this.#expireAfter-- <= 0) {
      this.#expireAfter = null;
      for (const [token, issued] of this.#issued) this.#issued.set(token, { ...issued, expiresAt: Date.now() - 1 });
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "";
    const issued = this.#issued.get(bearer);
    if (!issued || issued.expiresAt <= Date.now()) {
      return send(
        response,
        401,
        apiError(
          401,
          "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
          "authError",
          "UNAUTHENTICATED",
        ),
        {
          "www-authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
        },
      );
    }
    if (request.method !== "GET")
      return send(response, 405, apiError(405, "Method not allowed", "methodNotAllowed", "METHOD_NOT_ALLOWED"));
    this.#route(url, issued, response);
  }

  #token(form: URLSearchParams, response: ServerResponse): void {
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer")
      return send(response, 400, {
        error: "unsupported_grant_type",
        error_description: `Invalid grant_type: ${form.get("grant_type") ?? ""}`,
      });
    const parts = (form.get("assertion") ?? "").split(".");
    const header = decodeJson(parts[0]);
    const claims = decodeJson(parts[1]);
    if (parts.length !== 3 || !header || !claims || header.alg !== "RS256")
      return send(response, 400, { error: "invalid_grant", error_description: "Invalid JWT: not a signed RS256 JWT." });
    const client = this.clients.get(String(claims.iss));
    if (!client)
      return send(response, 401, { error: "invalid_client", error_description: "The OAuth client was not found." });
    const signed = verify(
      "RSA-SHA256",
      Buffer.from(`${parts[0]}.${parts[1]}`),
      client.publicKey,
      Buffer.from(parts[2] ?? "", "base64url"),
    );
    if (!signed) return send(response, 400, { error: "invalid_grant", error_description: "Invalid JWT Signature." });
    const now = Math.floor(Date.now() / 1000);
    const iat = Number(claims.iat);
    const exp = Number(claims.exp);
    if (claims.aud !== this.tokenUrl || !(exp - iat <= 3600) || iat > now + 60 || exp < now) {
      return send(response, 400, {
        error: "invalid_grant",
        error_description:
          "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.",
      });
    }
    const subject = String(claims.sub ?? "").toLowerCase();
    if (![...this.users.values()].some((u) => u.primaryEmail.toLowerCase() === subject))
      return send(response, 400, { error: "invalid_grant", error_description: "Invalid email or User ID" });
    const scopes = String(claims.scope ?? "")
      .split(" ")
      .filter((s) => s !== "");
    if (scopes.length === 0 || scopes.some((s) => !client.scopes.has(s))) {
      return send(response, 401, {
        error: "unauthorized_client",
        error_description:
          "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.",
      });
    }
    const token = `ya29.standin-${randomBytes(24).toString("base64url")}`;
    this.#issued.set(token, { scopes: new Set(scopes), subject, expiresAt: Date.now() + this.tokenLifetimeS * 1000 });
    send(response, 200, { access_token: token, expires_in: this.tokenLifetimeS, token_type: "Bearer" });
  }

  #route(url: URL, issued: Issued, response: ServerResponse): void {
    const path = url.pathname.replace(/^\/admin\/directory\/v1/, "");
    if (path === url.pathname) return send(response, 404, apiError(404, "Not Found", "notFound", "NOT_FOUND"));
    const members = /^\/groups\/([^/]+)\/members$/.exec(path);
    const oneUser = /^\/users\/([^/]+)$/.exec(path);
    const needed =
      path === "/users" || oneUser ? [SCOPES.users] : members ? [SCOPES.members, SCOPES.groups] : [SCOPES.groups];
    if (!needed.some((s) => issued.scopes.has(s)))
      return send(
        response,
        403,
        apiError(
          403,
          "Request had insufficient authentication scopes.",
          "insufficientPermissions",
          "PERMISSION_DENIED",
        ),
      );
    if (![...this.users.values()].some((u) => u.isAdmin && u.primaryEmail.toLowerCase() === issued.subject)) {
      return send(
        response,
        403,
        apiError(403, "Not Authorized to access this resource/api", "forbidden", "PERMISSION_DENIED"),
      );
    }
    if (path === "/users") return this.#listUsers(url, response);
    if (path === "/groups") return this.#listGroups(url, response);
    if (members) return this.#listMembers(url, decodeURIComponent(members[1] as string), response);
    if (oneUser) {
      const key = decodeURIComponent(oneUser[1] as string).toLowerCase();
      const user = [...this.users.values()].find(
        (u) =>
          u.id === key ||
          u.primaryEmail.toLowerCase() === key ||
          (u.aliases ?? []).some((a) => a.toLowerCase() === key),
      );
      if (!user) return send(response, 404, apiError(404, "Resource Not Found: userKey", "notFound", "NOT_FOUND"));
      return send(response, 200, this.#userJson(user, url.searchParams.get("projection") === "full"));
    }
    send(response, 404, apiError(404, "Not Found", "notFound", "NOT_FOUND"));
  }

  /** `customer` (my_customer or this account's id) or `domain`: which the list belongs to, or an error answered. */
  #owner(url: URL, response: ServerResponse): ((email: string) => boolean) | null {
    const customer = url.searchParams.get("customer");
    const domain = url.searchParams.get("domain");
    if (customer !== null && customer !== "my_customer" && customer !== this.customerId) {
      send(response, 400, apiError(400, "Bad Request", "badRequest", "INVALID_ARGUMENT"));
      return null;
    }
    if (customer === null && domain === null) {
      send(response, 400, apiError(400, "Bad Request", "badRequest", "INVALID_ARGUMENT"));
      return null;
    }
    if (domain !== null && customer === null) {
      if (domain.toLowerCase() !== this.domain) {
        send(
          response,
          403,
          apiError(403, "Not Authorized to access this resource/api", "forbidden", "PERMISSION_DENIED"),
        );
        return null;
      }
      return (email) => email.toLowerCase().endsWith(`@${domain.toLowerCase()}`);
    }
    return () => true;
  }

  /** One page of `items` (sorted by id) after the page token's id; the token names the list and the last id served. */
  #page<T extends { id: string }>(
    url: URL,
    response: ServerResponse,
    sorted: readonly T[],
    list: string,
    max: number,
    defaultMax: number,
  ): { page: T[]; next: string | null } | null {
    const requested = url.searchParams.get("maxResults");
    const limit = requested === null ? defaultMax : Number(requested);
    if (!Number.isInteger(limit) || limit < 1 || limit > max) {
      send(response, 400, apiError(400, "Invalid Input: maxResults", "invalid", "INVALID_ARGUMENT"));
      return null;
    }
    let after = "";
    const pageToken = url.searchParams.get("pageToken");
    if (pageToken !== null) {
      const decoded = Buffer.from(pageToken, "base64url").toString("utf8").split("\n");
      if (decoded[0] !== list || decoded[1] === undefined) {
        send(response, 400, apiError(400, "Invalid Input: pageToken", "invalid", "INVALID_ARGUMENT"));
        return null;
      }
      after = decoded[1];
    }
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as T).id <= after) lo = mid + 1;
      else hi = mid;
    }
    const page = sorted.slice(lo, lo + limit);
    const last = page.at(-1);
    const next = last && lo + limit < sorted.length ? Buffer.from(`${list}\n${last.id}`).toString("base64url") : null;
    return { page, next };
  }

  #sortedUsers(): StandinUser[] {
    if (this.#sorted?.version !== this.#version)
      this.#sorted = { version: this.#version, users: [...this.users.values()].sort((a, b) => (a.id < b.id ? -1 : 1)) };
    return this.#sorted.users;
  }

  #listUsers(url: URL, response: ServerResponse): void {
    const owns = this.#owner(url, response);
    if (!owns) return;
    const full = url.searchParams.get("projection") === "full";
    const listed = this.#sortedUsers().filter((u) => owns(u.primaryEmail));
    const result = this.#page(url, response, listed, "users", 500, 100);
    if (!result) return;
    send(response, 200, {
      kind: "admin#directory#users",
      etag: `"${this.#version}"`,
      ...(result.page.length > 0 ? { users: result.page.map((u) => this.#userJson(u, full)) } : {}),
      ...(result.next ? { nextPageToken: result.next } : {}),
    });
  }

  #listGroups(url: URL, response: ServerResponse): void {
    const owns = this.#owner(url, response);
    if (!owns) return;
    const listed = [...this.groups.values()].filter((g) => owns(g.email)).sort((a, b) => (a.id < b.id ? -1 : 1));
    const result = this.#page(url, response, listed, "groups", 200, 200);
    if (!result) return;
    const groups = result.page.map((g) => ({
      kind: "admin#directory#group",
      id: g.id,
      etag: `"g${g.members.size}"`,
      email: g.email,
      name: g.name,
      directMembersCount: String(g.members.size),
      description: g.description,
      adminCreated: true,
    }));
    send(response, 200, {
      kind: "admin#directory#groups",
      etag: '"groups"',
      ...(groups.length > 0 ? { groups } : {}),
      ...(result.next ? { nextPageToken: result.next } : {}),
    });
  }

  #listMembers(url: URL, key: string, response: ServerResponse): void {
    const group =
      this.groups.get(key) ?? [...this.groups.values()].find((g) => g.email.toLowerCase() === key.toLowerCase());
    if (!group) return send(response, 404, apiError(404, "Resource Not Found: groupKey", "notFound", "NOT_FOUND"));
    const entries = [...group.members].map(([id, type]) => ({ id, type })).sort((a, b) => (a.id < b.id ? -1 : 1));
    const result = this.#page(url, response, entries, `members:${group.id}`, 200, 200);
    if (!result) return;
    const members = result.page.map(({ id, type }) => {
      const email =
        type === "USER" ? this.users.get(id)?.primaryEmail : type === "GROUP" ? this.groups.get(id)?.email : undefined;
      return {
        kind: "admin#directory#member",
        etag: `"m${id}"`,
        id,
        ...(email ? { email } : {}),
        role: "MEMBER",
        type,
        status: "ACTIVE",
      };
    });
    send(response, 200, {
      kind: "admin#directory#members",
      etag: '"members"',
      ...(members.length > 0 ? { members } : {}),
      ...(result.next ? { nextPageToken: result.next } : {}),
    });
  }

  #userJson(user: StandinUser, full: boolean): Record<string, unknown> {
    const { customSchemas, name, ...rest } = user;
    const fullName = name.fullName ?? [name.givenName, name.familyName].filter(Boolean).join(" ");
    return {
      kind: "admin#directory#user",
      etag: `"u${user.id}"`,
      ...rest,
      name: { ...name, fullName },
      customerId: this.customerId,
      lastLoginTime: new Date().toISOString(),
      creationTime: "2026-01-01T00:00:00.000Z",
      isMailboxSetup: true,
      includeInGlobalAddressList: true,
      ...(full && customSchemas ? { customSchemas } : {}),
    };
  }
}

export async function startGoogleStandin(): Promise<GoogleStandin> {
  return new GoogleStandin().start();
}
