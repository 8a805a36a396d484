import { createScimError } from "./errors.js";
import { type ListParams, readListParams } from "./list-params.js";
import { type Projection, readProjection } from "./projection.js";
import { attributeNames } from "./request-values.js";
import { isPlainObject } from "../scim-resource/plain-object.js";

/** A `POST …/.search` body (RFC 7644 §3.4.3): the list parameters and the projection, each of its one type. */
export function readSearchRequest(body: unknown): { params: ListParams; projection: Projection } {
  if (body !== undefined && body !== null && !isPlainObject(body)) {
    throw createScimError(400, { detail: "A SearchRequest is a JSON object", scimType: "invalidSyntax" });
  }
  const request = body ?? {};
  return {
    params: readListParams(request),
    projection: readProjection({
      attributes: attributeNames("attributes", request.attributes),
      excludedAttributes: attributeNames("excludedAttributes", request.excludedAttributes),
    }),
  };
}
