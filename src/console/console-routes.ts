import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { Errors } from "../core/errors.js";
import type { Deps } from "../core/deps.js";
import { csrfMatches, csrfToken } from "../web/csrf.js";
import { webSecurityHeaders } from "../web/security-headers.js";
import { CONSOLE_CSRF_HEADER, consoleCookie, consoleToken } from "./console-auth.js";
import { consoleShell } from "./console-page.js";
import { CONSOLE_SESSION_TTL_MS, type ConsoleSession, type ConsoleSessions } from "./console-sessions.js";

const SignIn = Type.Object({ key: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });

/** What the console's scripts learn of their session: who they act as, and the CSRF token for the API. */
async function describe(deps: Deps, session: ConsoleSession, token: string) {
  const { principal } = session;
  const organization =
    principal.kind === "organization"
      ? await deps.db
          .selectFrom("organizations")
          .select(["id", "name"])
          .where("id", "=", principal.organizationId)
          .executeTakeFirst()
      : undefined;
  return {
    object: "console_session" as const,
    principal: principal.kind,
    organization: organization ? { id: organization.id, name: organization.name } : null,
    csrf_token: csrfToken(token),
    csrf_header: CONSOLE_CSRF_HEADER,
    expires_at: session.expiresAt,
  };
}

function sessionEnded(): never {
  throw Errors.unauthorized(
    "Not signed in to the console, or the session ended (signed out, expired, or its key was revoked)",
  );
}

/**
 * `/console`: the page, and its session (`/console/session`: sign in with a key, who am I, sign
 * out). Everything else the console does, it does through the public API with the session's cookie
 * and CSRF header. These routes are the browser's, not the API's, and stay out of the OpenAPI document.
 */
export async function consoleRoutes(
  app: FastifyInstance,
  options: { deps: Deps; sessions: ConsoleSessions },
): Promise<void> {
  const { deps, sessions } = options;
  const secure = deps.config.publicUrl.startsWith("https:");
  app.addHook("onRoute", (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  app.addHook("onRequest", webSecurityHeaders);
  app.addHook("onRequest", (_request, reply, done) => {
    reply.header("cache-control", "no-store");
    done();
  });

  app.get("/console", async (_request, reply) => reply.type("text/html; charset=utf-8").send(consoleShell()));

  app.get("/console/session", async (request) => {
    const token = consoleToken(request);
    const session = token ? await sessions.find(token) : null;
    if (!token || !session) sessionEnded();
    return describe(deps, session, token);
  });

  app.post<{ Body: { key: string } }>(
    "/console/session",
    { schema: { body: SignIn } },
    async (request: FastifyRequest<{ Body: { key: string } }>, reply: FastifyReply) => {
      // A JSON body already keeps plain cross-site forms out (they answer 415); a browser that says the request is cross-site is refused too.
      if (request.headers["sec-fetch-site"] === "cross-site")
        throw Errors.forbidden("Sign in from the console's own page");
      const signedIn = await sessions.signIn(request.body.key.trim(), {
        requestId: request.id,
        sourceIp: request.ip || null,
      });
      if (!signedIn) {
        request.log.info("console sign-in refused: the key opens nothing");
        throw Errors.unauthorized("That key is not the admin key or a live organization API key");
      }
      request.log.info(
        {
          principal: signedIn.principal.kind,
          organization: signedIn.principal.kind === "organization" ? signedIn.principal.organizationId : undefined,
        },
        "console: signed in",
      );
      reply.header("set-cookie", consoleCookie(signedIn.token, CONSOLE_SESSION_TTL_MS / 1000, secure));
      return reply.code(201).send(await describe(deps, signedIn, signedIn.token));
    },
  );

  app.delete("/console/session", async (request, reply) => {
    const token = consoleToken(request);
    if (!token) sessionEnded();
    if (!csrfMatches(token, request.headers[CONSOLE_CSRF_HEADER]))
      throw Errors.forbidden(`Signing out needs the session's ${CONSOLE_CSRF_HEADER} header`);
    await sessions.signOut(token, { requestId: request.id, sourceIp: request.ip || null });
    request.log.info("console: signed out");
    return reply
      .header("set-cookie", consoleCookie("", 0, secure))
      .code(204)
      .send();
  });
}
