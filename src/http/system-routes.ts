import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "kysely";
import { Type } from "typebox";
import type { Deps } from "../core/deps.js";

const noLimit = { rateLimit: false } as const;

/** `/health` (the process is up), `/ready` (the database answers), `/openapi.json`. */
export const systemRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.get(
    "/health",
    { config: noLimit, schema: { tags: ["system"], response: { 200: Type.Object({ status: Type.Literal("ok") }) } } },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/ready",
    {
      config: noLimit,
      schema: {
        tags: ["system"],
        response: {
          200: Type.Object({ status: Type.String(), database: Type.String() }),
          503: Type.Object({ status: Type.String(), database: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(deps.db);
        return { status: "ready", database: deps.config.database.kind };
      } catch (err) {
        request.log.warn({ err }, "database not reachable");
        return reply.code(503).send({ status: "unavailable", database: deps.config.database.kind });
      }
    },
  );

  app.get("/openapi.json", { config: noLimit, schema: { hide: true } }, async () => app.swagger());
};
