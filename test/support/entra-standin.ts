/**
 * Test support (not built): a stand-in for a Microsoft Entra ID tenant, its token endpoint and
 * the slice of Microsoft Graph v1.0 the `entra id` connector reads, on loopback, written from
 * Microsoft's public references. It reproduces:
 * - Microsoft identity platform, `OAuth 2.0 client credentials flow` ("Get a token", "Error
 *   response"): `POST /{tenant}/oauth2/v2.0/token` with a form body (`grant_type=client_credentials`,
 *   `client_id`, `client_secret`, `scope=https://graph.microsoft.com/.default`) → `{ token_type,
 *   expires_in, access_token }`; a wrong secret is `401 invalid_client` (AADSTS7000215), an unknown
 *   client `400 unauthorized_client` (AADSTS700016), an unknown tenant `400 invalid_request`
 *   (AADSTS90002). The access token is a JWT whose `roles` claim lists the application permissions
 *   granted (`Access token claims reference`).
 * - `Microsoft identity platform certificate credentials`: instead of `client_secret`, a
 *   `client_assertion` (`client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`)
 *   signed with the private key of a certificate registered on the app, named in the header by
 *   `x5t#S256` (SHA-256 thumbprint, alg PS256) or the older `x5t` (SHA-1, alg RS256); `aud` must be
 *   this token endpoint, `iss` = `sub` = the client id, `exp` in the future, `nbf` not ahead, a
 *   `jti` not seen before; refusals as `401 invalid_client` AADSTS700027.
 * - Graph `Authentication and authorization basics` and `Microsoft Graph error responses`: a
 *   missing, unknown or expired bearer token is `401 InvalidAuthenticationToken`; a permission not
 *   granted is `403 Authorization_RequestDenied` "Insufficient privileges to complete the
 *   operation."; errors as `{ error: { code, message, innerError } }`.
 * - `List users`, `Get user`, `List groups`, `Get group`, `List group members`, `List group
 *   transitive members`, `List group transitiveMemberOf`: `$select` (without it a user carries only
 *   the documented default properties, so `accountEnabled` needs `$select`), `$top` (at most 999),
 *   `$filter=id in ('…','…')` (at most 15 values), the `microsoft.graph.user` / `microsoft.graph.group`
 *   type-cast segments; members may be users or groups, nested, cycles included.
 * - `Paging Microsoft Graph data in your app`: an opaque `$skiptoken` in `@odata.nextLink`, which
 *   carries the original query; the last page has no next link.
 * - `Use delta query to track changes in Microsoft Graph data`, `user: delta`, `group: delta`:
 *   the first round returns every object (groups with every member in `members@delta`) and ends in
 *   `@odata.deltaLink`; `$deltatoken=latest` returns no objects, only a deltaLink; later rounds
 *   return changed objects, deleted ones as `{ id, "@removed": { reason } }`, member changes in
 *   `members@delta` (removed members with `@removed`).
 * - `Microsoft Graph throttling guidance`: a `429` (or `503`) with `Retry-After` seconds when a
 *   test asks for one, mid-run.
 * The product never ships this: only tests point an `entra id` directory's URLs at it.
 */
import { execFileSync } from "node:child_process";
import { constants, createHash, type KeyObject, verify, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { RequestGates } from "./request-gates.js";

export interface StandinEntraUser {
  id: string;
  userPrincipalName: string;
  accountEnabled: boolean;
  [property: string]: unknown;
}

export interface StandinEntraGroup {
  id: string;
  displayName: string;
  description: string | null;
  groupTypes: string[];
  securityEnabled: boolean;
  mailEnabled: boolean;
  /** Direct members: user and group ids. */
  members: Set<string>;
}

/** The properties `GET /users` returns when there is no `$select` (Graph's documented default set). */
const USER_DEFAULT = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
];
const GROUP_PROPERTIES = [
  "id",
  "displayName",
  "description",
  "groupTypes",
  "securityEnabled",
  "mailEnabled",
  "mail",
  "mailNickname",
];
const MAX_TOP = 999;
const MAX_IN = 15;
/** Entries per delta page (Graph picks its own size; the connector must not depend on it). */
const DELTA_PAGE = 200;

type Permission = "User.Read.All" | "Group.Read.All" | "GroupMember.Read.All" | "Directory.Read.All";

interface ChangeLog {
  /** Sequence number of each object's last change. */
  readonly changed: Map<string, number>;
  /** Removed objects: when and why. */
  readonly removed: Map<string, { seq: number; reason: "changed" | "deleted" }>;
}

interface MemberChange {
  seq: number;
  groupId: string;
  memberId: string;
  removed: boolean;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json; odata.metadata=minimal", ...headers });
  response.end(JSON.stringify(body));
}

function graphError(code: string, message: string): Record<string, unknown> {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().slice(0, 19),
        "request-id": crypto.randomUUID(),
        "client-request-id": crypto.randomUUID(),
      },
    },
  };
}

function b64url(value: string): string {
  return Buffer.from(value).toString("base64url");
}

function pick(object: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: object.id };
  for (const key of keys) if (key !== "members") out[key] = object[key] ?? null;
  return out;
}

/** A self-signed certificate and its key, made by the openssl CLI (Node cannot issue certificates). */
export function makeCertificate(commonName = "roster-standin"): { certificate: string; privateKey: string } {
  const dir = mkdtempSync(join(tmpdir(), "entra-cert-"));
  try {
    const [key, cert] = [join(dir, "key.pem"), join(dir, "cert.pem")];
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-subj",
        `/CN=${commonName}`,
        "-days",
        "2",
        "-batch",
      ],
      { stdio: "ignore" },
    );
    return { certificate: readFileSync(cert, "utf8"), privateKey: readFileSync(key, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface RegisteredCertificate {
  readonly sha256: string;
  readonly sha1: string;
  readonly publicKey: KeyObject;
}

export class EntraStandin {
  readonly tenantId = "6f1c2a7e-0000-4000-8000-standin00001";
  readonly clientId = "3c9e1b2a-0000-4000-8000-standin00002";
  clientSecret = "Xy7~standin-client-secret-value";
  /** Application permissions granted with admin consent. */
  readonly roles = new Set<Permission>(["User.Read.All", "Group.Read.All"]);
  readonly users = new Map<string, StandinEntraUser>();
  readonly groups = new Map<string, StandinEntraGroup>();
  /** Method, path and query (decoded) of every Graph request, in order; token requests as `POST token`. */
  readonly requests: string[] = [];
  /** Added before every answer (benchmarks: Graph across the internet is ~50 ms away). */
  latencyMs = 0;
  /** Requests a test holds mid-run (`gates.hold(/pattern/)`). */
  readonly gates = new RequestGates();
  /** Lifetime of issued tokens, in seconds (Entra's is about an hour). */
  tokenLifetimeS = 3599;
  #server: Server | null = null;
  #port = 0;
  #sequence = 0;
  #seq = 0;
  #tokens = new Map<string, number>();
  readonly #certificates: RegisteredCertificate[] = [];
  readonly #assertionIds = new Set<string>();
  #throttles: { pattern: RegExp; times: number; status: 429 | 503; retryAfterS: number }[] = [];
  #expireAfter: number | null = null;
  #userLog: ChangeLog = { changed: new Map(), removed: new Map() };
  #groupLog: ChangeLog = { changed: new Map(), removed: new Map() };
  #memberLog: MemberChange[] = [];

  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }
  get graphUrl(): string {
    return `${this.origin}/v1.0`;
  }
  get tokenUrl(): string {
    return `${this.origin}/${this.tenantId}/oauth2/v2.0/token`;
  }
  /** The connector settings that reach this tenant. */
  get connector(): {
    tenant_id: string;
    client_id: string;
    client_secret: string;
    graph_url: string;
    token_url: string;
  } {
    return {
      tenant_id: this.tenantId,
      client_id: this.clientId,
      client_secret: this.clientSecret,
      graph_url: this.graphUrl,
      token_url: this.tokenUrl,
    };
  }
  /** The connector settings that reach this tenant with a certificate (and its key) instead of the client secret. */
  certificateConnector(cert: { certificate: string; privateKey: string }): {
    tenant_id: string;
    client_id: string;
    certificate: string;
    private_key: string;
    graph_url: string;
    token_url: string;
  } {
    const { client_secret: _secret, ...rest } = this.connector;
    return { ...rest, certificate: cert.certificate, private_key: cert.privateKey };
  }
  /** Registers a certificate on the app registration (Certificates & secrets → Upload certificate). */
  addCertificate(pem: string): void {
    const x509 = new X509Certificate(pem);
    this.#certificates.push({
      sha256: createHash("sha256").update(x509.raw).digest("base64url"),
      sha1: createHash("sha1").update(x509.raw).digest("base64url"),
      publicKey: x509.publicKey,
    });
  }

  get tokensIssued(): number {
    return this.requests.filter((r) => r === "POST token").length;
  }

  #id(): string {
    const n = String(++this.#sequence).padStart(12, "0");
    return `${n.slice(0, 8)}-0000-4000-8000-${n}`;
  }

  addUser(properties: Partial<StandinEntraUser> & { userPrincipalName: string }): StandinEntraUser {
    const user: StandinEntraUser = {
      accountEnabled: true,
      mail: null,
      givenName: null,
      surname: null,
      jobTitle: null,
      ...properties,
      id: properties.id ?? this.#id(),
    };
    this.users.set(user.id, user);
    this.#userLog.changed.set(user.id, ++this.#seq);
    return user;
  }

  updateUser(id: string, change: Partial<StandinEntraUser>): void {
    const user = this.users.get(id);
    if (!user) throw new Error(`no user ${id}`);
    Object.assign(user, change, { id });
    this.#userLog.changed.set(id, ++this.#seq);
  }

  /** Deleted users go to the recycle bin first (`reason: "changed"`); `permanently` skips it (`"deleted"`). Their memberships end. */
  deleteUser(id: string, permanently = false): void {
    if (!this.users.delete(id)) throw new Error(`no user ${id}`);
    const seq = ++this.#seq;
    this.#userLog.removed.set(id, { seq, reason: permanently ? "deleted" : "changed" });
    this.#userLog.changed.delete(id);
    for (const group of this.groups.values()) {
      if (group.members.delete(id)) this.#memberLog.push({ seq, groupId: group.id, memberId: id, removed: true });
    }
  }

  addGroup(
    displayName: string,
    members: readonly string[],
    kind: "security" | "microsoft365" | "distribution" = "security",
  ): StandinEntraGroup {
    const group: StandinEntraGroup = {
      id: this.#id(),
      displayName,
      description: null,
      groupTypes: kind === "microsoft365" ? ["Unified"] : [],
      securityEnabled: kind === "security",
      mailEnabled: kind !== "security",
      members: new Set(members),
    };
    this.groups.set(group.id, group);
    this.#groupLog.changed.set(group.id, ++this.#seq);
    return group;
  }

  updateGroup(id: string, change: Partial<Pick<StandinEntraGroup, "displayName" | "description">>): void {
    const group = this.groups.get(id);
    if (!group) throw new Error(`no group ${id}`);
    Object.assign(group, change);
    this.#groupLog.changed.set(id, ++this.#seq);
  }

  setMembers(groupId: string, change: { add?: readonly string[]; remove?: readonly string[] }): void {
    const group = this.groups.get(groupId);
    if (!group) throw new Error(`no group ${groupId}`);
    for (const id of change.add ?? [])
      if (!group.members.has(id)) {
        group.members.add(id);
        this.#memberLog.push({ seq: ++this.#seq, groupId, memberId: id, removed: false });
      }
    for (const id of change.remove ?? [])
      if (group.members.delete(id)) this.#memberLog.push({ seq: ++this.#seq, groupId, memberId: id, removed: true });
  }

  deleteGroup(id: string): void {
    if (!this.groups.delete(id)) throw new Error(`no group ${id}`);
    const seq = ++this.#seq;
    this.#groupLog.removed.set(id, { seq, reason: "changed" });
    this.#groupLog.changed.delete(id);
    for (const group of this.groups.values()) {
      if (group.members.delete(id)) this.#memberLog.push({ seq, groupId: group.id, memberId: id, removed: true });
    }
  }

  /** The next `times` Graph requests whose path matches get `status` with `Retry-After: retryAfterS`. */
  throttle(pattern: RegExp, times = 1, options: { status?: 429 | 503; retryAfterS?: number } = {}): void {
    this.#throttles.push({ pattern, times, status: options.status ?? 429, retryAfterS: options.retryAfterS ?? 1 });
  }

  /** Every token issued so far expires once `requests` more Graph requests have been answered. */
  expireTokensAfter(requests: number): void {
    this.#expireAfter = requests;
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const answer = () => void this.gates.pass(request.url ?? "").then(() => this.#handle(request, body, response));
        if (this.latencyMs > 0) setTimeout(answer, this.latencyMs);
        else answer();
      });
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

  #handle(request: IncomingMessage, body: string, response: ServerResponse): void {
    // Links name the host they were asked at, as Graph's do (a test may reach the stand-in by another name).
    const url = new URL(request.url ?? "/", request.headers.host ? `http://${request.headers.host}` : this.origin);
    if (request.method === "POST" && url.pathname.endsWith("/oauth2/v2.0/token")) {
      this.requests.push("POST token");
      this.#token(url, body, response);
      return;
    }
    this.requests.push(`${request.method} ${decodeURIComponent(url.pathname + url.search)}`);
    const throttle = this.#throttles.find((t) => t.times > 0 && t.pattern.test(url.pathname));
    if (throttle) {
      throttle.times--;
      const code = throttle.status === 429 ? "TooManyRequests" : "ServiceUnavailable";
      send(
        response,
        throttle.status,
        graphError(code, "Too many requests. Please retry after the time given in Retry-After."),
        { "retry-after": String(throttle.retryAfterS) },
      );
      return;
    }
    if (this.#expireAfter !== null && this.#expireAfter-- <= 0) {
      this.#expireAfter = null;
      for (const token of this.#tokens.keys()) this.#tokens.set(token, 0);
    }
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (token === undefined)
      return send(response, 401, graphError("InvalidAuthenticationToken", "Access token is empty."));
    const expires = this.#tokens.get(token);
    if (expires === undefined)
      return send(
        response,
        401,
        graphError("InvalidAuthenticationToken", "Invalid JWT token. Token format not valid."),
      );
    if (expires <= Date.now())
      return send(
        response,
        401,
        graphError("InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."),
      );
    if (request.method !== "GET" || !url.pathname.startsWith("/v1.0/"))
      return send(response, 400, graphError("BadRequest", `Resource not found for the segment '${url.pathname}'.`));
    try {
      this.#route(url, response);
    } catch (error) {
      if (!(error instanceof StandinError)) throw error;
      send(response, error.status, graphError(error.code, error.message));
    }
  }

  #token(url: URL, body: string, response: ServerResponse): void {
    const form = new URLSearchParams(body);
    const tenant = url.pathname.split("/")[1];
    const trace = `\r\nTrace ID: ${crypto.randomUUID()}\r\nCorrelation ID: ${crypto.randomUUID()}\r\nTimestamp: ${new Date().toISOString().slice(0, 19)}Z`;
    const fail = (status: number, error: string, code: number, description: string) =>
      send(response, status, {
        error,
        error_description: `AADSTS${code}: ${description}${trace}`,
        error_codes: [code],
        timestamp: new Date().toISOString(),
        trace_id: crypto.randomUUID(),
        correlation_id: crypto.randomUUID(),
      });
    if (tenant !== this.tenantId)
      return fail(
        400,
        "invalid_request",
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    if (form.get("grant_type") !== "client_credentials")
      return fail(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
    if (form.get("client_id") !== this.clientId)
      return fail(
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${form.get("client_id")}' was not found in the directory '${tenant}'.`,
      );
    const resources = [this.origin, this.origin.replace("127.0.0.1", "localhost"), "https://graph.microsoft.com"];
    if (!resources.some((resource) => form.get("scope") === `${resource}/.default`)) {
      return fail(
        400,
        "invalid_scope",
        1002012,
        `The provided value for scope ${form.get("scope")} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`,
      );
    }
    if (form.has("client_assertion")) {
      const refused = this.#assertionRefusal(form, `${this.origin}${url.pathname}`);
      if (refused !== null) return fail(401, "invalid_client", 700027, refused);
    } else if (form.get("client_secret") !== this.clientSecret) {
      return fail(
        401,
        "invalid_client",
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${this.clientId}'.`,
      );
    }
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      aud: "https://graph.microsoft.com",
      iss: `https://sts.windows.net/${this.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + this.tokenLifetimeS,
      appid: this.clientId,
      roles: [...this.roles],
      tid: this.tenantId,
      jti: crypto.randomUUID(),
    };
    const token = `${b64url(JSON.stringify({ typ: "JWT", alg: "RS256" }))}.${b64url(JSON.stringify(claims))}.${b64url("standin-signature")}`;
    this.#tokens.set(token, Date.now() + this.tokenLifetimeS * 1000);
    send(response, 200, {
      token_type: "Bearer",
      expires_in: this.tokenLifetimeS,
      ext_expires_in: this.tokenLifetimeS,
      access_token: token,
    });
  }

  /** Why a client assertion is refused, or null when it proves the app. */
  #assertionRefusal(form: URLSearchParams, audience: string): string | null {
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
      return "Client assertion type is not supported.";
    const parts = (form.get("client_assertion") ?? "").split(".");
    if (parts.length !== 3) return "Client assertion failed signature validation.";
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0] as string, "base64url").toString("utf8")) as Record<string, unknown>;
      claims = JSON.parse(Buffer.from(parts[1] as string, "base64url").toString("utf8")) as Record<string, unknown>;
    } catch {
      return "Client assertion failed signature validation.";
    }
    const cert = this.#certificates.find((c) =>
      header["x5t#S256"] !== undefined ? c.sha256 === header["x5t#S256"] : c.sha1 === header.x5t,
    );
    if (!cert)
      return `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${String(header["x5t#S256"] ?? header.x5t ?? "")}']`;
    const input = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = Buffer.from(parts[2] as string, "base64url");
    const valid =
      header.alg === "PS256"
        ? verify(
            "sha256",
            input,
            { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
            signature,
          )
        : header.alg === "RS256" && verify("sha256", input, cert.publicKey, signature);
    if (!valid) return "Client assertion contains an invalid signature.";
    const now = Date.now() / 1000;
    if (claims.aud !== audience)
      return `Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`;
    if (claims.iss !== this.clientId || claims.sub !== this.clientId)
      return "Client assertion issuer and subject must be the application's client id.";
    if (
      typeof claims.exp !== "number" ||
      claims.exp <= now ||
      (typeof claims.nbf === "number" && claims.nbf > now + 60)
    )
      return "Client assertion is not within its valid time range.";
    if (typeof claims.jti !== "string" || this.#assertionIds.has(claims.jti))
      return "Client assertion has been replayed (jti already used).";
    this.#assertionIds.add(claims.jti);
    return null;
  }

  #require(...any: Permission[]): void {
    if (!any.some((p) => this.roles.has(p)))
      throw new StandinError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  }

  #route(url: URL, response: ServerResponse): void {
    const path = url.pathname.slice("/v1.0".length);
    const q = url.searchParams;
    const select =
      q
        .get("$select")
        ?.split(",")
        .map((s) => s.trim()) ?? null;
    const userJson = (u: StandinEntraUser) => ({
      "@odata.type": "#microsoft.graph.user",
      ...pick(u, select ?? USER_DEFAULT),
    });
    const groupJson = (g: StandinEntraGroup) => ({
      "@odata.type": "#microsoft.graph.group",
      ...pick(g as unknown as Record<string, unknown>, select ?? GROUP_PROPERTIES),
    });
    const objectJson = (id: string) => {
      const user = this.users.get(id);
      if (user) return userJson(user);
      const group = this.groups.get(id);
      return group ? groupJson(group) : null;
    };
    let match: RegExpExecArray | null;
    if (path === "/users") {
      this.#require("User.Read.All", "Directory.Read.All");
      this.#list(url, response, this.#filtered([...this.users.values()], q.get("$filter")), userJson);
    } else if (path === "/users/delta") {
      this.#require("User.Read.All", "Directory.Read.All");
      this.#delta(url, response, "users");
    } else if ((match = /^\/users\/([^/]+)\/transitiveMemberOf\/microsoft\.graph\.group$/.exec(path))) {
      this.#require("User.Read.All", "Directory.Read.All");
      const id = match[1] as string;
      if (!this.users.has(id))
        throw new StandinError(
          404,
          "Request_ResourceNotFound",
          `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
        );
      const groups = [...this.groups.values()].filter((g) => this.#transitiveMembers(g.id).includes(id));
      this.#list(url, response, groups, groupJson);
    } else if ((match = /^\/users\/([^/]+)$/.exec(path))) {
      this.#require("User.Read.All", "Directory.Read.All");
      const key = decodeURIComponent(match[1] as string).toLowerCase();
      const user = [...this.users.values()].find((u) => u.id === key || u.userPrincipalName.toLowerCase() === key);
      if (!user)
        throw new StandinError(
          404,
          "Request_ResourceNotFound",
          `Resource '${match[1]}' does not exist or one of its queried reference-property objects are not present.`,
        );
      send(response, 200, userJson(user));
    } else if (path === "/groups") {
      this.#require("Group.Read.All", "Directory.Read.All");
      this.#list(url, response, this.#byName([...this.groups.values()], q.get("$filter")), groupJson);
    } else if (path === "/groups/delta") {
      this.#require("Group.Read.All", "Directory.Read.All");
      this.#delta(url, response, "groups");
    } else if (
      (match =
        /^\/groups\/([^/]+)\/(members|transitiveMembers|transitiveMemberOf)(?:\/microsoft\.graph\.(user|group))?$/.exec(
          path,
        ))
    ) {
      this.#require("GroupMember.Read.All", "Group.Read.All", "Directory.Read.All");
      const group = this.groups.get(match[1] as string);
      if (!group)
        throw new StandinError(
          404,
          "Request_ResourceNotFound",
          `Resource '${match[1]}' does not exist or one of its queried reference-property objects are not present.`,
        );
      const ids =
        match[2] === "members"
          ? [...group.members]
          : match[2] === "transitiveMembers"
            ? this.#transitiveMembers(group.id)
            : this.#transitiveMemberOf(group.id);
      const cast = match[3];
      const listed = ids
        .filter((id) => (cast === "user" ? this.users.has(id) : cast === "group" ? this.groups.has(id) : true))
        .map((id) => ({ id }));
      this.#list(url, response, listed, (o) => objectJson(o.id) ?? { id: o.id });
    } else if ((match = /^\/groups\/([^/]+)$/.exec(path))) {
      this.#require("Group.Read.All", "Directory.Read.All");
      const group = this.groups.get(match[1] as string);
      if (!group)
        throw new StandinError(
          404,
          "Request_ResourceNotFound",
          `Resource '${match[1]}' does not exist or one of its queried reference-property objects are not present.`,
        );
      send(response, 200, groupJson(group));
    } else {
      throw new StandinError(400, "BadRequest", `Resource not found for the segment '${path.split("/")[1] ?? ""}'.`);
    }
  }

  /** Every object reachable through members, each once, cycles cut (Graph's transitive lists). */
  #transitiveMembers(groupId: string): string[] {
    const seen = new Set<string>([groupId]);
    const out: string[] = [];
    const walk = (id: string) => {
      for (const member of this.groups.get(id)?.members ?? []) {
        if (seen.has(member)) continue;
        seen.add(member);
        out.push(member);
        if (this.groups.has(member)) walk(member);
      }
    };
    walk(groupId);
    return out;
  }

  #transitiveMemberOf(groupId: string): string[] {
    return [...this.groups.values()]
      .filter((g) => g.id !== groupId && this.#transitiveMembers(g.id).includes(groupId))
      .map((g) => g.id);
  }

  /** `$filter=displayName eq '…'` on groups (quotes doubled inside). */
  #byName(groups: StandinEntraGroup[], filter: string | null): StandinEntraGroup[] {
    if (filter === null) return groups;
    const name = /^displayName eq '((?:[^']|'')*)'$/.exec(filter.trim())?.[1];
    if (name === undefined)
      throw new StandinError(
        400,
        "Request_UnsupportedQuery",
        "Unsupported or invalid query filter clause specified for property 'displayName' of resource 'Group'.",
      );
    return groups.filter((g) => g.displayName === name.replaceAll("''", "'"));
  }

  /** `$filter=id in ('…', …)`, the one user filter form the connector sends. */
  #filtered<T extends { id: string }>(items: T[], filter: string | null): T[] {
    if (filter === null) return items;
    const inList = /^id in \((.*)\)$/.exec(filter.trim());
    if (!inList)
      throw new StandinError(
        400,
        "Request_UnsupportedQuery",
        "Unsupported or invalid query filter clause specified for property 'id' of resource 'User'.",
      );
    const ids = (inList[1] as string).split(",").map((s) => /^\s*'([^']*)'\s*$/.exec(s)?.[1]);
    if (ids.some((id) => id === undefined))
      throw new StandinError(400, "BadRequest", "Invalid filter clause: syntax error.");
    if (ids.length > MAX_IN)
      throw new StandinError(
        400,
        "Request_UnsupportedQuery",
        `Too many child clauses specified in search filter expression containing 'OR' operators: ${ids.length}. Max allowed: ${MAX_IN}.`,
      );
    const wanted = new Set(ids);
    return items.filter((item) => wanted.has(item.id));
  }

  #pageSize(url: URL): number {
    const top = url.searchParams.get("$top");
    if (top === null) return 100;
    const n = Number(top);
    if (!Number.isInteger(n) || n < 1 || n > MAX_TOP)
      throw new StandinError(
        400,
        "Request_UnsupportedQuery",
        `Invalid page size specified: '${top}'. Must be between 1 and ${MAX_TOP} inclusive.`,
      );
    return n;
  }

  /** One page of `items` (sorted by id) after the `$skiptoken`'s offset, with `@odata.nextLink` when more remain. */
  #list<T extends { id: string }>(
    url: URL,
    response: ServerResponse,
    items: T[],
    toJson: (item: T) => Record<string, unknown>,
  ): void {
    const sorted = items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const size = this.#pageSize(url);
    const offset = this.#skip(url);
    const page = sorted.slice(offset, offset + size);
    const body: Record<string, unknown> = {
      "@odata.context": `${this.graphUrl}/$metadata#${url.pathname.split("/")[2]}`,
      value: page.map(toJson),
    };
    if (offset + size < sorted.length) body["@odata.nextLink"] = this.#withSkip(url, offset + size);
    send(response, 200, body);
  }

  #skip(url: URL): number {
    const token = url.searchParams.get("$skiptoken");
    if (token === null) return 0;
    const offset = Number(
      Buffer.from(token, "base64url")
        .toString("utf8")
        .replace(/^skip:/, ""),
    );
    if (!Number.isInteger(offset) || offset < 0)
      throw new StandinError(400, "Request_BadRequest", "The specified page token value has expired or is invalid.");
    return offset;
  }

  #withSkip(url: URL, offset: number): string {
    const next = new URL(url.href);
    next.searchParams.set("$skiptoken", b64url(`skip:${offset}`));
    return next.href;
  }

  /**
   * A delta round. State lives in opaque tokens: `$deltatoken` holds the sequence number the
   * round starts after (the query is kept in the link, as Graph keeps it); `$skiptoken` the offset
   * within it. A round's objects are read when each page is asked for, which is close enough.
   */
  #delta(url: URL, response: ServerResponse, kind: "users" | "groups"): void {
    const q = url.searchParams;
    const select =
      q
        .get("$select")
        ?.split(",")
        .map((s) => s.trim()) ?? (kind === "users" ? USER_DEFAULT : GROUP_PROPERTIES);
    const deltaToken = q.get("$deltatoken");
    const latest = deltaToken === "latest";
    const since =
      deltaToken === null || latest
        ? null
        : Number(Buffer.from(deltaToken, "base64url").toString("utf8").replace(/^seq:/, ""));
    if (since !== null && !Number.isInteger(since))
      throw new StandinError(400, "Request_BadRequest", "The delta token is invalid.");
    // The round's end: where the next one starts. Kept in every page's link so paging sees one point in time.
    const upTo = q.has("upto") ? Number(q.get("upto")) : this.#seq;
    const deltaLink = () => {
      const link = new URL(`${url.origin}/v1.0/${kind}/delta`);
      link.searchParams.set("$select", select.join(","));
      link.searchParams.set("$deltatoken", b64url(`seq:${upTo}`));
      return link.href;
    };
    if (latest)
      return send(response, 200, {
        "@odata.context": `${this.graphUrl}/$metadata#${kind}`,
        value: [],
        "@odata.deltaLink": deltaLink(),
      });
    const log = kind === "users" ? this.#userLog : this.#groupLog;
    const entries: Record<string, unknown>[] = [];
    const memberChanges = new Map<string, MemberChange[]>();
    for (const change of this.#memberLog) {
      if (since !== null && change.seq > since && change.seq <= upTo)
        memberChanges.set(change.groupId, [...(memberChanges.get(change.groupId) ?? []), change]);
    }
    const live = kind === "users" ? [...this.users.values()] : [...this.groups.values()];
    for (const object of live.sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const seq = log.changed.get(object.id) ?? 0;
      const membersChanged = kind === "groups" && memberChanges.has(object.id);
      if (since !== null && !(seq > since && seq <= upTo) && !membersChanged) continue;
      const json = pick(object as unknown as Record<string, unknown>, select);
      if (kind === "groups" && select.includes("members")) {
        const group = object as StandinEntraGroup;
        const memberEntry = (id: string, removed: boolean) => ({
          "@odata.type": this.groups.has(id) ? "#microsoft.graph.group" : "#microsoft.graph.user",
          id,
          ...(removed ? { "@removed": { reason: "deleted" } } : {}),
        });
        json["members@delta"] =
          since === null
            ? [...group.members].map((id) => memberEntry(id, false))
            : (memberChanges.get(group.id) ?? []).map((c) => memberEntry(c.memberId, c.removed));
      }
      entries.push(json);
    }
    if (since !== null) {
      for (const [id, removed] of log.removed)
        if (removed.seq > since && removed.seq <= upTo) entries.push({ id, "@removed": { reason: removed.reason } });
    }
    // Large groups' members come a slice per entry, the same group repeated, as Graph splits them.
    const split = entries.flatMap((entry) => {
      const members = entry["members@delta"] as unknown[] | undefined;
      if (!members || members.length <= 500) return [entry];
      const slices: Record<string, unknown>[] = [];
      for (let i = 0; i < members.length; i += 500)
        slices.push({ ...(i === 0 ? entry : { id: entry.id }), "members@delta": members.slice(i, i + 500) });
      return slices;
    });
    const size = DELTA_PAGE;
    const offset = this.#skip(url);
    const page = split.slice(offset, offset + size);
    const body: Record<string, unknown> = { "@odata.context": `${this.graphUrl}/$metadata#${kind}`, value: page };
    if (offset + size < split.length) {
      const next = new URL(this.#withSkip(url, offset + size));
      next.searchParams.set("upto", String(upTo));
      body["@odata.nextLink"] = next.href;
    } else body["@odata.deltaLink"] = deltaLink();
    send(response, 200, body);
  }
}

class StandinError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startEntraStandin(): Promise<EntraStandin> {
  return new EntraStandin().start();
}
