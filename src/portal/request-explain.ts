import type { ScimRequestRow } from "../storage/schema.js";

/** A SCIM request as the portal shows it: the path under the directory's base, and what happened in plain words. */
export interface ExplainedRequest {
  readonly at: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ok: boolean;
  readonly summary: string;
}

/** `/scim/v2/{id}/Users?filter=…` → `/Users?filter=…`, decoded for reading. */
function shortPath(path: string): string {
  const under = path.replace(/^\/scim\/v2\/[^/?]+/, "") || "/";
  try {
    return decodeURIComponent(under.replaceAll("+", " "));
  } catch {
    return under;
  }
}

function what(method: string, path: string): string {
  const resource =
    /^\/(Users|Groups)/i.exec(path)?.[1]?.toLowerCase() === "groups" ? "group" : /^\/Users/i.test(path) ? "user" : null;
  if (!resource)
    return /ServiceProviderConfig|Schemas|ResourceTypes/i.test(path)
      ? "read Roster's SCIM capabilities"
      : `sent ${method} ${path}`;
  const one = /^\/(Users|Groups)\/[^/?]+/i.test(path);
  switch (method) {
    case "GET":
      return one ? `read a ${resource}` : path.includes("filter=") ? `looked up ${resource}s` : `listed ${resource}s`;
    case "POST":
      return `created a ${resource}`;
    case "PUT":
    case "PATCH":
      return `updated a ${resource}`;
    case "DELETE":
      return `deleted a ${resource}`;
    default:
      return `sent ${method} ${path}`;
  }
}

/** What an IT admin reads for one request of the SCIM request log. */
export function explainRequest(
  row: Pick<ScimRequestRow, "created_at" | "method" | "path" | "status" | "error_detail">,
): ExplainedRequest {
  const path = shortPath(row.path);
  const action = what(row.method, path);
  const detail = row.error_detail ? ` Roster said: ${row.error_detail}` : "";
  let summary: string;
  if (row.status < 400) summary = `The identity provider ${action}.`;
  else if (row.status === 401)
    summary =
      "The identity provider sent a token Roster does not accept: it may be an old token from before a rotation, or pasted incompletely. Paste the current token into the identity provider.";
  else if (row.status === 400 && path.includes("filter="))
    summary = `The identity provider sent a search Roster could not understand.${detail}`;
  else if (row.status === 404)
    summary = `The identity provider asked for a ${action.includes("group") ? "group" : "user"} Roster does not have (it may have been deleted).${detail}`;
  else if (row.status === 409)
    summary = `The identity provider tried to create something that already exists.${detail}`;
  else if (row.status === 429) summary = "The identity provider sent requests faster than allowed; it will retry.";
  else if (row.status >= 500)
    summary =
      "Roster failed to answer this request; the identity provider will retry. If it keeps happening, tell the application's support.";
  else summary = `Roster refused a request (HTTP ${row.status}) in which the identity provider ${action}.${detail}`;
  return { at: row.created_at, method: row.method, path, status: row.status, ok: row.status < 400, summary };
}
