import type { ListParams } from "./list-params.js";
import { URN } from "../scim-resource/schema-urns.js";

/** RFC 7644 §3.4.2 ListResponse; with a cursor, RFC 9865's `nextCursor` instead of startIndex paging. */
export function listResponse(
  params: ListParams,
  page: { totalResults: number; resources: unknown[]; nextCursor: string | undefined },
) {
  return {
    schemas: [URN.listResponse],
    totalResults: page.totalResults,
    itemsPerPage: page.resources.length,
    ...(params.cursor === undefined ? { startIndex: params.startIndex } : {}),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    Resources: page.resources,
  };
}
