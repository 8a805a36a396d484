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
 * - OAuth 2.0 for Okta with a service app (the org authorization server, `POST /oauth2/v1/token`):
 *   `client_credentials` with `client_assertion` (private-key JWT): the RS256 signature checked
 *   against the app's public key (by `kid` when given), `iss` = `sub` = the client id, `aud` = this
 *   token endpoint, `exp` in the future and at most an hour after `iat`, a `jti` never seen before;
 *   `invalid_client` otherwise. Each scope must be granted to the app (`invalid_scope`). An app that
 *   requires DPoP (the default for new service apps) answers a request without a proof
 *   `invalid_dpop_proof`, then asks for a nonce (`use_dpop_nonce` with `DPoP-Nonce`), and issues
 *   `token_type: DPoP` tokens bound to the proof's key (RFC 9449: `typ`, `jwk`, `htm`, `htu`, `iat`,
 *   `jti`, `nonce` checked). The API takes `Bearer` tokens, and bound tokens only as `DPoP` with a
 *   proof carrying `ath`; an expired or unknown token is `401` E0000011; a token without the scope
 *   the endpoint needs is `403` E0000006 with `error="insufficient_scope"`.
 * The product never ships this: only tests point an `okta api` directory's `org_url` at it.
 */
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
  verify,
} from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RequestGates } from "./request-gates.js";

export type OktaStatus =
  | "STAGED"
  | "PROVISIONED"
  | "ACTIVE"
  | "RECOVERY"
  | "PASSWORD_EXPIRED"
  | "LOCKED_OUT"
  | "SUSPENDED"
  | "DEPROVISIONED";

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

export interface StandinServiceApp {
  readonly clientId: string;
  readonly keyId: string;
  publicKey: KeyObject;
  /** The private key as Okta's console shows it (a JWK with its kid) and as PEM. */
  readonly privateJwk: JsonWebKey & { kid: string };
  readonly privatePem: string;
  scopes: Set<string>;
  requireDpop: boolean;
}

interface IssuedToken {
  clientId: string;
  scopes: Set<string>;
  expiresAt: number;
  /** The DPoP key's thumbprint the token is bound to, or null for a Bearer token. */
  jkt: string | null;
}

interface Jwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  input: Buffer;
  signature: Buffer;
}

function decodeJwt(text: string): Jwt | null {
  const parts = text.split(".");
  if (parts.length !== 3) return null;
  try {
    const [h, p, sig] = parts as [string, string, string];
    const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as Record<string, unknown>;
    const payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>;
    return { header, payload, input: Buffer.from(`${h}.${p}`), signature: Buffer.from(sig, "base64url") };
  } catch {
    return null;
  }
}

function verifies(jwt: Jwt, key: KeyObject): boolean {
  const alg = jwt.header.alg;
  try {
    if (alg === "RS256") return verify("sha256", jwt.input, key, jwt.signature);
    if (alg === "ES256") return verify("sha256", jwt.input, { key, dsaEncoding: "ieee-p1363" }, jwt.signature);
  } catch {
    return false;
  }
  return false;
}

function thumbprintOf(jwk: JsonWebKey): string {
  const members =
    jwk.kty === "EC" ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash("sha256").update(JSON.stringify(members)).digest("base64url");
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

function oktaError(code: string, summary: string): Record<string, unknown> {
  return {
    errorCode: code,
    errorSummary: summary,
    errorLink: code,
    errorId: `oae${Math.random().toString(36).slice(2, 12)}`,
    errorCauses: [],
  };
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
  if (
    tokens
      .map((t) => (t.kind === "string" ? `"${t.text}"` : t.text))
      .join("")
      .replace(/\s/g, "") !== expression.replace(/\s/g, "")
  )
    throw new Error("bad filter");
  return tokens;
}

type Predicate = (item: Record<string, unknown>) => boolean;

function valueAt(item: Record<string, unknown>, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (at, key) => (typeof at === "object" && at !== null ? (at as Record<string, unknown>)[key] : undefined),
      item,
    );
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
  /** Requests a test holds mid-run (`gates.hold(/pattern/)`). */
  readonly gates = new RequestGates();
  #server: Server | null = null;
  #port = 0;
  #sequence = 0;
  #throttles: { pattern: RegExp; times: number }[] = [];
  /** Set by a test: the requests left in an endpoint's current window, from its next request on. */
  readonly remaining = new Map<string, number>();
  #windows = new Map<string, { second: number; remaining: number }>();
  readonly apps = new Map<string, StandinServiceApp>();
  readonly #issued = new Map<string, IssuedToken>();
  readonly #seenJti = new Set<string>();
  #dpopNonce = randomBytes(12).toString("base64url");
  /** Set by a test: the API, too, asks DPoP proofs for its nonce (RFC 9449 §9), as a resource server may. */
  resourceNonce = false;
  /** Access tokens issued from now on last this long (Okta's last an hour). */
  accessTokenLifetimeS = 3600;
  /** Token requests answered, each as `<error or "issued"> <token_type>`: what a test checks the handshake by. */
  readonly tokenAnswers: string[] = [];

  get tokenUrl(): string {
    return `${this.orgUrl}/oauth2/v1/token`;
  }

  /** A service app with a fresh RSA key pair; by default it requires DPoP, as Okta's console does for a new one. */
  addServiceApp(options: { scopes?: readonly string[]; requireDpop?: boolean } = {}): StandinServiceApp {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const keyId = `kid-${randomBytes(6).toString("hex")}`;
    const app: StandinServiceApp = {
      clientId: `0oa${randomBytes(8).toString("hex")}`,
      keyId,
      publicKey,
      privateJwk: { ...privateKey.export({ format: "jwk" }), kid: keyId },
      privatePem: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
      scopes: new Set(options.scopes ?? ["okta.users.read", "okta.groups.read"]),
      requireDpop: options.requireDpop ?? true,
    };
    this.apps.set(app.clientId, app);
    return app;
  }

  /** Every access token issued so far expires now (as an hour passing would do). */
  expireAccessTokens(): void {
    for (const token of this.#issued.values()) token.expiresAt = 0;
  }

  /** Okta rotates its DPoP nonce: proofs with the old one are asked again. */
  rotateDpopNonce(): void {
    this.#dpopNonce = randomBytes(12).toString("base64url");
  }

  get orgUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The connector settings that reach this org with its API token. */
  get connector(): { org_url: string; token: string } {
    return { org_url: this.orgUrl, token: this.token };
  }

  /** The connector settings that reach this org as `app`, a service app. */
  serviceAppConnector(app: StandinServiceApp): { org_url: string; client_id: string; private_key: string } {
    return { org_url: this.orgUrl, client_id: app.clientId, private_key: app.privatePem };
  }

  #id(prefix: string): string {
    return `${prefix}${String(++this.#sequence).padStart(8, "0")}standin`;
  }

  #now(): string {
    return new Date().toISOString();
  }

  addUser(profile: StandinUser["profile"], status: OktaStatus = "ACTIVE", stampedAt?: string): StandinUser {
    const at = stampedAt ?? this.#now();
    const user: StandinUser = {
      id: this.#id("00u"),
      status,
      created: at,
      lastUpdated: at,
      profile: { email: profile.login, ...profile },
    };
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

  addGroup(
    name: string,
    members: readonly string[],
    type: StandinGroup["type"] = "OKTA_GROUP",
    stampedAt?: string,
  ): StandinGroup {
    const at = stampedAt ?? this.#now();
    const group: StandinGroup = {
      id: this.#id("00g"),
      type,
      created: at,
      lastUpdated: at,
      lastMembershipUpdated: at,
      profile: { name, description: null },
      members: new Set(members),
    };
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
      const handle = () => void this.gates.pass(request.url ?? "").then(() => this.#handle(request, response));
      if (this.latencyMs > 0) setTimeout(handle, this.latencyMs);
      else handle();
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
    return {
      "x-rate-limit-limit": String(RATE_LIMIT),
      "x-rate-limit-remaining": String(remaining),
      "x-rate-limit-reset": String(second + 1),
    };
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", `http://${request.headers.host}`);
    this.requests.push(`${request.method} ${url.pathname}${url.search}`);
    const bucket = url.pathname
      .replace(/\/groups\/[^/]+\/users$/, "/groups/{id}/users")
      .replace(/\/users\/[^/]+$/, "/users/{id}");
    const throttle = this.#throttles.find((t) => t.times > 0 && t.pattern.test(url.pathname));
    if (throttle) {
      throttle.times--;
      const reset = String(Math.floor(Date.now() / 1000) + 1);
      send(response, 429, oktaError("E0000047", "API call exceeded rate limit due to too many requests."), {
        "x-rate-limit-limit": String(RATE_LIMIT),
        "x-rate-limit-remaining": "0",
        "x-rate-limit-reset": reset,
      });
      return;
    }
    if (url.pathname === "/oauth2/v1/token") {
      void this.#token(request, url, response);
      return;
    }
    const rate = this.#rateHeaders(bucket);
    const refusal = this.#authorization(request, url);
    if (refusal !== null) {
      send(
        response,
        refusal.status,
        oktaError(
          refusal.status === 401 ? "E0000011" : "E0000006",
          refusal.status === 401
            ? "Invalid token provided"
            : "You do not have permission to perform the requested action",
        ),
        {
          ...rate,
          ...(refusal.challenge ? { "www-authenticate": refusal.challenge } : {}),
          ...(refusal.nonce ? { "dpop-nonce": refusal.nonce } : {}),
        },
      );
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

  /** Null when the request may go on; else the status (401 or 403) and the challenge to answer with. */
  #authorization(request: IncomingMessage, url: URL): { status: number; challenge?: string; nonce?: string } | null {
    const header = request.headers.authorization ?? "";
    if (header === `SSWS ${this.token}`) return null;
    const match = /^(Bearer|DPoP) (\S+)$/.exec(header);
    const issued = match ? this.#issued.get(match[2] as string) : undefined;
    if (!match || !issued || issued.expiresAt <= Date.now())
      return {
        status: 401,
        challenge: `${match?.[1] ?? "Bearer"} error="invalid_token", error_description="The access token is invalid or has expired."`,
      };
    const token = match[2] as string;
    if (issued.jkt !== null) {
      if (match[1] !== "DPoP")
        return {
          status: 401,
          challenge: 'DPoP error="invalid_token", error_description="The access token is bound to a DPoP key"',
        };
      const proof = this.#dpopProof(request, url, {
        ath: createHash("sha256").update(token, "ascii").digest("base64url"),
        ...(this.resourceNonce ? { nonce: this.#dpopNonce } : {}),
      });
      if (proof === "use_dpop_nonce")
        return {
          status: 401,
          challenge: 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
          nonce: this.#dpopNonce,
        };
      if (proof !== `jkt:${issued.jkt}`)
        return {
          status: 401,
          challenge: `DPoP error="invalid_dpop_proof", error_description="${proof.startsWith("jkt:") ? "The DPoP proof's key is not the token's." : proof}"`,
        };
    } else if (match[1] !== "Bearer") return { status: 401, challenge: 'Bearer error="invalid_token"' };
    const needed = url.pathname.startsWith("/api/v1/groups") ? "okta.groups.read" : "okta.users.read";
    if (!issued.scopes.has(needed))
      return {
        status: 403,
        challenge: `Bearer error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", scope="${needed}"`,
      };
    return null;
  }

  /** A DPoP proof (RFC 9449 §4.3) checked for this request: `jkt:<its key's thumbprint>`, or why it is refused. */
  #dpopProof(request: IncomingMessage, url: URL, expect: { ath?: string; nonce?: string }): string {
    const text = request.headers.dpop;
    if (typeof text !== "string") return "The DPoP proof JWT header is missing.";
    const jwt = decodeJwt(text);
    if (jwt === null || jwt.header.typ !== "dpop+jwt" || typeof jwt.header.jwk !== "object" || jwt.header.jwk === null)
      return "The DPoP proof is not a dpop+jwt with a jwk.";
    const jwk = jwt.header.jwk as JsonWebKey;
    if ("d" in jwk) return "The DPoP proof's jwk is a private key.";
    let key: KeyObject;
    try {
      key = createPublicKey({ key: jwk, format: "jwk" });
    } catch {
      return "The DPoP proof's jwk is not a key.";
    }
    if (!verifies(jwt, key)) return "The DPoP proof's signature is invalid.";
    const { htm, htu, iat, jti, ath, nonce } = jwt.payload;
    if (htm !== request.method) return "The DPoP proof's htm does not match.";
    if (htu !== `${url.origin}${url.pathname}`) return "The DPoP proof's htu does not match.";
    if (typeof iat !== "number" || Math.abs(iat - Date.now() / 1000) > 60)
      return "The DPoP proof's iat is not current.";
    if (typeof jti !== "string" || this.#seenJti.has(`dpop:${jti}`)) return "The DPoP proof's jti was used before.";
    this.#seenJti.add(`dpop:${jti}`);
    if (expect.ath !== undefined && ath !== expect.ath) return "The DPoP proof's ath does not match the access token.";
    if (expect.nonce !== undefined && nonce !== expect.nonce) return "use_dpop_nonce";
    return `jkt:${thumbprintOf(jwk)}`;
  }

  async #token(request: IncomingMessage, url: URL, response: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(request));
    const refuse = (status: number, error: string, description: string, headers: Record<string, string> = {}) => {
      this.tokenAnswers.push(error);
      send(response, status, { error, error_description: description }, headers);
    };
    if (request.method !== "POST")
      return refuse(405, "invalid_request", "The endpoint does not support the provided HTTP method.");
    if (form.get("grant_type") !== "client_credentials")
      return refuse(
        400,
        "unsupported_grant_type",
        "The authorization grant type is not supported by the authorization server.",
      );
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
      return refuse(401, "invalid_client", "Client authentication failed.");
    const jwt = decodeJwt(form.get("client_assertion") ?? "");
    const app = jwt && typeof jwt.payload.iss === "string" ? this.apps.get(jwt.payload.iss) : undefined;
    if (!jwt || !app) return refuse(401, "invalid_client", "The client_assertion token is invalid.");
    if (
      jwt.header.alg !== "RS256" ||
      (jwt.header.kid !== undefined && jwt.header.kid !== app.keyId) ||
      !verifies(jwt, app.publicKey)
    ) {
      return refuse(401, "invalid_client", "The client_assertion signature is invalid.");
    }
    const { sub, aud, exp, iat, jti } = jwt.payload;
    const now = Date.now() / 1000;
    if (sub !== app.clientId)
      return refuse(401, "invalid_client", "The client_assertion token has an invalid subject.");
    if (aud !== this.tokenUrl)
      return refuse(401, "invalid_client", "The audience [aud] claim in the client_assertion token is invalid.");
    if (typeof exp !== "number" || exp <= now)
      return refuse(401, "invalid_client", "The client_assertion token is expired.");
    if (typeof iat === "number" && exp - iat > 3600)
      return refuse(401, "invalid_client", "The client_assertion token has an expiration too far in the future.");
    if (typeof jti !== "string" || jti === "")
      return refuse(401, "invalid_client", "The client_assertion token must contain a jti claim.");
    if (this.#seenJti.has(`client:${jti}`))
      return refuse(401, "invalid_client", "The client_assertion token has already been used.");
    this.#seenJti.add(`client:${jti}`);
    const scopes = (form.get("scope") ?? "").split(" ").filter((x) => x !== "");
    if (scopes.length === 0 || scopes.some((x) => !app.scopes.has(x)))
      return refuse(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.");
    let jkt: string | null = null;
    if (request.headers.dpop !== undefined || app.requireDpop) {
      const proof = this.#dpopProof(request, url, { nonce: this.#dpopNonce });
      if (proof === "use_dpop_nonce")
        return refuse(400, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof.", {
          "dpop-nonce": this.#dpopNonce,
        });
      if (!proof.startsWith("jkt:")) return refuse(400, "invalid_dpop_proof", proof);
      jkt = proof.slice(4);
    }
    const token = `okta-at-${randomBytes(16).toString("hex")}`;
    this.#issued.set(token, {
      clientId: app.clientId,
      scopes: new Set(scopes),
      expiresAt: Date.now() + this.accessTokenLifetimeS * 1000,
      jkt,
    });
    const tokenType = jkt === null ? "Bearer" : "DPoP";
    this.tokenAnswers.push(`issued ${tokenType}`);
    send(response, 200, {
      token_type: tokenType,
      expires_in: this.accessTokenLifetimeS,
      access_token: token,
      scope: scopes.join(" "),
    });
  }

  #route(url: URL, response: ServerResponse, rate: Record<string, string>): void {
    const path = url.pathname;
    const members = /^\/api\/v1\/groups\/([^/]+)\/users$/.exec(path);
    const oneUser = /^\/api\/v1\/users\/([^/]+)$/.exec(path);
    if (path === "/api/v1/users") {
      const filter = url.searchParams.get("filter");
      const predicate = filter
        ? parseFilter(filter)
        : (user: Record<string, unknown>) => user.status !== "DEPROVISIONED";
      const listed = [...this.users.values()].filter((u) => predicate(u as unknown as Record<string, unknown>));
      this.#page(url, response, rate, listed, (u) => this.#userJson(u, url), 200);
    } else if (path === "/api/v1/groups") {
      const filter = url.searchParams.get("filter");
      const predicate = filter ? parseFilter(filter) : () => true;
      const listed = [...this.groups.values()].filter((g) => predicate(g as unknown as Record<string, unknown>));
      this.#page(url, response, rate, listed, (g) => this.#groupJson(g, url), 10_000);
    } else if (members) {
      const group = this.groups.get(decodeURIComponent(members[1] as string));
      if (!group)
        return send(
          response,
          404,
          oktaError("E0000007", `Not found: Resource not found: ${members[1]} (UserGroup)`),
          rate,
        );
      const listed = [...group.members]
        .map((id) => this.users.get(id))
        .filter((u): u is StandinUser => u !== undefined);
      this.#page(url, response, rate, listed, (u) => this.#userJson(u, url), 200);
    } else if (oneUser) {
      const key = decodeURIComponent(oneUser[1] as string).toLowerCase();
      const user = [...this.users.values()].find(
        (u) =>
          u.id.toLowerCase() === key ||
          u.profile.login.toLowerCase() === key ||
          u.profile.login.toLowerCase().split("@")[0] === key,
      );
      if (!user)
        return send(response, 404, oktaError("E0000007", `Not found: Resource not found: ${oneUser[1]} (User)`), rate);
      send(response, 200, this.#userJson(user, url), rate);
    } else {
      send(response, 404, oktaError("E0000022", "The endpoint does not support the provided HTTP method"), rate);
    }
  }

  #page<T extends { id: string }>(
    url: URL,
    response: ServerResponse,
    rate: Record<string, string>,
    items: T[],
    toJson: (item: T) => Record<string, unknown>,
    maxLimit: number,
  ): void {
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
    return {
      id,
      created,
      lastUpdated,
      lastMembershipUpdated,
      objectClass: ["okta:user_group"],
      type,
      profile,
      _links: { users: { href: `${url.origin}/api/v1/groups/${id}/users` } },
    };
  }
}

export async function startOktaStandin(): Promise<OktaStandin> {
  return new OktaStandin().start();
}
