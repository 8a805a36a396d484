import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { organizationScope } from "../auth/principal.js";
import type { Deps } from "../core/deps.js";
import { idPattern } from "../core/ids.js";
import { createUserReader } from "../directory/user-reader.js";
import { requireApiPrincipal } from "../http/authenticate.js";
import { errorResponses, listEnvelope, listQuery, pageOf, toList } from "./schemas/common.js";
import { DirectoryUserSchema } from "./schemas/directory-sync-objects.js";

const UserQuery = listQuery(idPattern("user"), {
  directory: Type.Optional(Type.String({ pattern: idPattern("directory") })),
  organization: Type.Optional(Type.String({ pattern: idPattern("organization") })),
  group: Type.Optional(Type.String({ pattern: idPattern("group") })),
  state: Type.Optional(Type.Union([Type.Literal("active"), Type.Literal("inactive")])),
  idp_id: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  email: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  search: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        "Case-insensitive substring of the username, the primary email or the name (`first last`); `%` and `_` match literally",
    }),
  ),
});

/** `GET /directory_users`, `GET /directory_users/{id}` (WorkOS shapes). */
export const directoryUserRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const tags = ["directory users"];
  const users = createUserReader(deps.db, deps.caps);

  app.get(
    "/directory_users",
    {
      schema: { tags, querystring: UserQuery, response: { 200: listEnvelope(DirectoryUserSchema), ...errorResponses } },
    },
    async (request) => {
      const { directory, organization, group, state, idp_id, email, search } = request.query;
      const scope = organizationScope(requireApiPrincipal(request));
      return toList(
        await users.list(
          { scope, directory, organization, group, state, idpId: idp_id, email, search },
          pageOf(request.query),
        ),
      );
    },
  );

  app.get(
    "/directory_users/:id",
    {
      schema: {
        tags,
        params: Type.Object({ id: Type.String({ pattern: idPattern("user") }) }),
        response: { 200: DirectoryUserSchema, ...errorResponses },
      },
    },
    async (request) => users.get(request.params.id, organizationScope(requireApiPrincipal(request))),
  );
};
