import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { organizationScope } from "../auth/principal.js";
import type { Deps } from "../core/deps.js";
import { idPattern } from "../core/ids.js";
import { createGroupReader } from "../directory/group-reader.js";
import { requireApiPrincipal } from "../http/authenticate.js";
import { errorResponses, listEnvelope, listQuery, pageOf, toList } from "./schemas/common.js";
import { DirectoryGroupSchema } from "./schemas/directory-sync-objects.js";

const GroupQuery = listQuery(idPattern("group"), {
  directory: Type.Optional(Type.String({ pattern: idPattern("directory") })),
  organization: Type.Optional(Type.String({ pattern: idPattern("organization") })),
  user: Type.Optional(Type.String({ pattern: idPattern("user") })),
  search: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: "Case-insensitive substring of the name; `%` and `_` match literally",
    }),
  ),
});

/** `GET /directory_groups`, `GET /directory_groups/{id}` (WorkOS shapes). */
export const directoryGroupRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const tags = ["directory groups"];
  const groups = createGroupReader(deps.db);

  app.get(
    "/directory_groups",
    {
      schema: {
        tags,
        querystring: GroupQuery,
        response: { 200: listEnvelope(DirectoryGroupSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { directory, organization, user, search } = request.query;
      const scope = organizationScope(requireApiPrincipal(request));
      return toList(await groups.list({ scope, directory, organization, user, search }, pageOf(request.query)));
    },
  );

  app.get(
    "/directory_groups/:id",
    {
      schema: {
        tags,
        params: Type.Object({ id: Type.String({ pattern: idPattern("group") }) }),
        response: { 200: DirectoryGroupSchema, ...errorResponses },
      },
    },
    async (request) => groups.get(request.params.id, organizationScope(requireApiPrincipal(request))),
  );
};
