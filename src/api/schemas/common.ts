import { type TSchema, Type } from "typebox";
import type { PageRequest } from "../../storage/paginate.js";

export const ErrorResponse = Type.Object(
  {
    code: Type.String(),
    message: Type.String(),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() })),
    ),
  },
  { $id: "Error" },
);

/** The error answers every authenticated route may give, for the OpenAPI document. */
export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  413: ErrorResponse,
  422: ErrorResponse,
  429: ErrorResponse,
} as const;

/** A cursor is an id of the listed kind (`directory_01J…`). */
export function cursor(idPattern: string) {
  return Type.String({ pattern: idPattern, description: "An id from list_metadata.before/after" });
}

export function listQuery<P extends Record<string, TSchema>>(idPattern: string, extra: P) {
  return Type.Object(
    {
      limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
      before: Type.Optional(cursor(idPattern)),
      after: Type.Optional(cursor(idPattern)),
      order: Type.Union([Type.Literal("asc"), Type.Literal("desc")], { default: "desc" }),
      ...extra,
    },
    { additionalProperties: false },
  );
}

export function listEnvelope<T extends TSchema>(item: T) {
  return Type.Object({
    object: Type.Literal("list"),
    data: Type.Array(item),
    list_metadata: Type.Object({
      before: Type.Union([Type.String(), Type.Null()]),
      after: Type.Union([Type.String(), Type.Null()]),
    }),
  });
}

export function pageOf(query: {
  limit: number;
  before?: string | undefined;
  after?: string | undefined;
  order: "asc" | "desc";
}): PageRequest {
  return { limit: query.limit, before: query.before, after: query.after, order: query.order };
}

export function toList<T>(page: { data: T[]; before: string | null; after: string | null }) {
  return { object: "list" as const, data: page.data, list_metadata: { before: page.before, after: page.after } };
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
