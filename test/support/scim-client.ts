import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { ADMIN_KEY, bearer, createOrgWithKey } from "./test-app.js";

export interface ScimDirectory {
  readonly id: string;
  readonly orgId: string;
  readonly token: string;
  /** `/scim/v2/{id}`: the path part of the SCIM base URL. */
  readonly base: string;
}

export async function createScimDirectory(
  app: FastifyInstance,
  options: { type?: string; deactivated_members?: string } = {},
): Promise<ScimDirectory> {
  const { orgId } = await createOrgWithKey(app, `Org ${Math.random().toString(36).slice(2, 8)}`);
  const res = await app.inject({
    method: "POST",
    url: "/directories",
    headers: bearer(ADMIN_KEY),
    payload: {
      organization_id: orgId,
      name: "IdP",
      type: options.type ?? "generic scim v2.0",
      ...(options.deactivated_members ? { deactivated_members: options.deactivated_members } : {}),
    },
  });
  if (res.statusCode !== 201) throw new Error(`directory create failed: ${res.body}`);
  const dir = res.json();
  return { id: dir.id, orgId, token: dir.scim.token, base: `/scim/v2/${dir.id}` };
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** What a test reads of a response, from `inject` or from real HTTP alike. */
export interface ScimResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly body: string;
  json(): any;
}

export type ScimClient = (
  method: Method,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<ScimResponse>;

/**
 * A SCIM client over real HTTP to a listening server (`url`, e.g. from `app.listen`): what the IdP
 * replay suites use, so the HTTP parser, the query string and the streamed bodies are the real ones.
 */
export function liveScimClient(url: string, dir: ScimDirectory): ScimClient {
  return async (method, path, body, headers = {}) => {
    const res = await fetch(`${url}${dir.base}${path}`, {
      method,
      headers: {
        ...bearer(dir.token),
        ...(body === undefined ? {} : { "content-type": "application/scim+json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return {
      statusCode: res.status,
      headers: Object.fromEntries(res.headers),
      body: text,
      json: () => JSON.parse(text),
    };
  };
}

/** A SCIM client bound to one directory, sending what IdPs send (scim+json unless told otherwise). */
export function scimClient(app: FastifyInstance, dir: ScimDirectory) {
  return async function scim(
    method: Method,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    return app.inject({
      method,
      url: `${dir.base}${path}`,
      headers: {
        ...bearer(dir.token),
        ...(body === undefined ? {} : { "content-type": "application/scim+json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  };
}

export const SCHEMA = {
  user: "urn:ietf:params:scim:schemas:core:2.0:User",
  group: "urn:ietf:params:scim:schemas:core:2.0:Group",
  enterprise: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
  patch: "urn:ietf:params:scim:api:messages:2.0:PatchOp",
  error: "urn:ietf:params:scim:api:messages:2.0:Error",
  list: "urn:ietf:params:scim:api:messages:2.0:ListResponse",
} as const;
