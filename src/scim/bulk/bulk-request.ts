import { createScimError } from "../errors.js";
import { URN } from "../../scim-resource/schema-urns.js";
import { isPlainObject } from "../../scim-resource/plain-object.js";

export interface BulkOperation {
  readonly method: "POST" | "PUT" | "PATCH" | "DELETE";
  readonly bulkId: string | undefined;
  readonly path: string;
  readonly version: string | undefined;
  readonly data: unknown;
}

export interface BulkRequest {
  readonly failOnErrors: number | undefined;
  readonly operations: BulkOperation[];
}

const METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Reads a BulkRequest (RFC 7644 §3.7), refusing more operations than advertised with 413 tooMany. */
export function readBulkRequest(body: unknown, maxOperations: number): BulkRequest {
  if (!isPlainObject(body))
    throw createScimError(400, { detail: "The body must be a BulkRequest object", scimType: "invalidSyntax" });
  const schemas = body.schemas;
  if (Array.isArray(schemas) && !schemas.includes(URN.bulkRequest)) {
    throw createScimError(400, { detail: `schemas must contain ${URN.bulkRequest}`, scimType: "invalidSyntax" });
  }
  const operations = body.Operations ?? body.operations;
  if (!Array.isArray(operations))
    throw createScimError(400, { detail: "Operations must be an array", scimType: "invalidSyntax" });
  if (operations.length > maxOperations) {
    throw createScimError(413, { detail: `At most ${maxOperations} operations per bulk request`, scimType: "tooMany" });
  }
  const failOnErrors = body.failOnErrors;
  if (
    failOnErrors !== undefined &&
    (typeof failOnErrors !== "number" || !Number.isInteger(failOnErrors) || failOnErrors < 1)
  ) {
    throw createScimError(400, { detail: "failOnErrors must be a positive integer", scimType: "invalidValue" });
  }
  return {
    failOnErrors: failOnErrors as number | undefined,
    operations: operations.map((op, i) => {
      if (!isPlainObject(op))
        throw createScimError(400, { detail: `Operations[${i}] must be an object`, scimType: "invalidSyntax" });
      const method = typeof op.method === "string" ? op.method.toUpperCase() : "";
      if (!METHODS.has(method))
        throw createScimError(400, {
          detail: `Operations[${i}].method must be POST, PUT, PATCH or DELETE`,
          scimType: "invalidSyntax",
        });
      if (typeof op.path !== "string" || !op.path.startsWith("/"))
        throw createScimError(400, {
          detail: `Operations[${i}].path must be a path such as /Users`,
          scimType: "invalidSyntax",
        });
      if (method === "POST" && typeof op.bulkId !== "string")
        throw createScimError(400, {
          detail: `Operations[${i}] is a POST and needs a bulkId`,
          scimType: "invalidSyntax",
        });
      return {
        method: method as BulkOperation["method"],
        bulkId: typeof op.bulkId === "string" ? op.bulkId : undefined,
        path: op.path,
        version: typeof op.version === "string" ? op.version : undefined,
        data: op.data,
      };
    }),
  };
}

const BULK_REF = /^bulkId:(.+)$/;

/** Replaces every `bulkId:x` string (in paths and data) with the id that operation created. */
export function resolveBulkIds<T>(value: T, created: ReadonlyMap<string, string>): { value: T; unresolved: string[] } {
  const unresolved: string[] = [];
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      const ref = BULK_REF.exec(v);
      if (!ref?.[1]) return v;
      const id = created.get(ref[1]);
      if (id === undefined) unresolved.push(ref[1]);
      return id ?? v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { value: walk(value) as T, unresolved };
}

/** Resolves `bulkId:x` segments of an operation's path (`/Users/bulkId:u1`). */
export function resolveBulkPath(
  path: string,
  created: ReadonlyMap<string, string>,
): { value: string; unresolved: string[] } {
  const unresolved: string[] = [];
  const value = path.replace(/bulkId:([^/?]+)/g, (whole, ref: string) => {
    const id = created.get(ref);
    if (id === undefined) unresolved.push(ref);
    return id ?? whole;
  });
  return { value, unresolved };
}
