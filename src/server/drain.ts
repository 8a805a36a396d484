import type { FastifyInstance } from "fastify";
import { createScimError } from "../scim/errors.js";
import { SCIM_MEDIA_TYPE } from "../scim/media-type.js";

/** Seconds a client is told to wait before trying again (another process, or this one restarted). */
const RETRY_AFTER_SECONDS = 1;
const MESSAGE = "The server is shutting down; retry shortly";

declare module "fastify" {
  interface FastifyInstance {
    /** Shutdown's first step: see `installDrain`. */
    readonly drain: Drain;
  }
}

export interface Drain {
  /** From now on every new request is answered 503, and every answer closes its connection. */
  begin(): void;
  readonly draining: boolean;
}

/**
 * A draining server still accepts connections (a load balancer sees it leave instead of meeting
 * resets) but serves nothing new: each request is answered `503` with `Retry-After` before any
 * other hook runs (no database lookup), as a SCIM error under the SCIM base. Requests already
 * being served finish, and every answer from then on carries `Connection: close`, so kept-alive
 * clients reconnect elsewhere instead of racing the close of their idle connection. Closing the
 * app drains too, so requests on connections still open during the close get the same answer.
 */
export function installDrain(app: FastifyInstance): Drain {
  let draining = false;
  const drain: Drain = {
    begin() {
      draining = true;
    },
    get draining() {
      return draining;
    },
  };
  app.decorate("drain", drain);
  app.addHook("preClose", function beginDrain(done) {
    draining = true;
    done();
  });

  app.addHook("onRequest", function refuseWhileDraining(request, reply, done) {
    if (!draining) return done();
    reply.code(503).header("retry-after", String(RETRY_AFTER_SECONDS));
    if (request.url.startsWith("/scim/v2/"))
      reply.type(SCIM_MEDIA_TYPE).send(createScimError(503, { detail: MESSAGE }).toBody());
    else reply.type("application/json").send({ code: "shutting_down", message: MESSAGE });
  });

  app.addHook("onSend", function closeWhileDraining(_request, reply, payload, done) {
    if (draining) reply.header("connection", "close");
    done(null, payload);
  });
  return drain;
}
