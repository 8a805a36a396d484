import { type Expression, type Kysely, type SqlBool, sql } from "kysely";
import type { StorageCapabilities } from "../storage/capabilities.js";
import { readDirectoryTotal } from "../directory/index.js";
import type { Database } from "../storage/schema.js";
import { createScimError } from "./errors.js";
import { decodeCursor, encodeCursor, type ListParams } from "./list-params.js";
import type { ListPositions } from "./list-positions.js";

export type ListTable = "directory_users" | "directory_groups";

/**
 * Per resource: which SCIM attributes can sort, and the column each maps to. Columns that may be
 * NULL are listed in `nullable`: only those need the extra "nulls last" key, which would keep
 * the database from walking an index in order.
 */
export interface SortSpec {
  readonly table: ListTable;
  readonly alias: "u" | "g";
  readonly columns: Readonly<Record<string, string>>;
  readonly nullable: ReadonlySet<string>;
  /** Which of the directory's totals (`directory_counts`) an unfiltered list has. */
  readonly counted: "users" | "groups";
}

export const USER_SORT: SortSpec = {
  table: "directory_users",
  alias: "u",
  columns: {
    id: "id",
    username: "username_lower",
    externalid: "idp_id",
    "name.givenname": "first_name",
    "name.familyname": "last_name",
    title: "job_title",
    emails: "email",
    "emails.value": "email",
    active: "state",
    "meta.created": "created_at",
    "meta.lastmodified": "updated_at",
  },
  nullable: new Set(["idp_id", "first_name", "last_name", "job_title", "email"]),
  counted: "users",
};

export const GROUP_SORT: SortSpec = {
  table: "directory_groups",
  alias: "g",
  columns: {
    id: "id",
    displayname: "name_lower",
    externalid: "idp_id",
    "meta.created": "created_at",
    "meta.lastmodified": "updated_at",
  },
  nullable: new Set(["idp_id"]),
  counted: "groups",
};

const CORE_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/i;

function sortColumn(spec: SortSpec, sortBy: string | undefined): string {
  if (!sortBy) return "id";
  const column = spec.columns[sortBy.replace(CORE_PREFIX, "").toLowerCase()];
  if (!column) throw createScimError(400, { detail: `Cannot sort by "${sortBy}"`, scimType: "invalidValue" });
  return column;
}

export interface ListPage {
  /** Ids of the page's rows, in order. */
  readonly ids: string[];
  readonly totalResults: number;
  readonly nextCursor: string | undefined;
}

/**
 * One page of a SCIM list, entirely in SQL: the filter as a WHERE clause, a total (the
 * directory's, kept in `directory_counts`, when there is no filter; else COUNT), and either an
 * offset page (startIndex) or a keyset page (RFC 9865 cursor) in a stable order (the sort column,
 * then id). An unfiltered offset page in id order that starts where one of this process's pages
 * ended, with nothing moved since, is read as a keyset page after that page's last row
 * (`positions`). Where `caps.totalInPage`, a filtered offset page carries its total in the same
 * query (a window count over every matching row); a filtered keyset page (whose WHERE also holds
 * the cursor) and a filtered page past the end count apart.
 */
export async function listPage(
  db: Kysely<Database>,
  caps: StorageCapabilities,
  spec: SortSpec,
  directoryId: string,
  where: Expression<SqlBool> | null,
  params: ListParams,
  positions?: ListPositions,
): Promise<ListPage> {
  const column = sortColumn(spec, params.sortBy);
  const col = sql.ref(`${spec.alias}.${column}`);
  const idCol = sql.ref(`${spec.alias}.id`);
  const scoped = () => {
    let q = db
      .selectFrom(`${spec.table} as ${spec.alias}` as "directory_users as u")
      .where(sql<SqlBool>`${sql.ref(`${spec.alias}.directory_id`)} = ${directoryId}`);
    if (where) q = q.where(where);
    return q;
  };
  // Unfiltered: the directory's kept totals, read before the page (its `changes` vouches for remembered positions).
  const totals = where === null ? await readDirectoryTotal(db, directoryId) : null;
  const countAll = async () =>
    totals
      ? totals[spec.counted]
      : Number(
          (
            await scoped()
              .select((eb) => eb.fn.countAll<number>().as("n"))
              .executeTakeFirst()
          )?.n ?? 0,
        );
  if (params.count === 0) return { ids: [], totalResults: await countAll(), nextCursor: undefined };

  const direction = params.descending ? sql`desc` : sql`asc`;
  // Only under a filter: IdPs filter to look one resource up, where this saves a round trip, while
  // an unfiltered page reads the directory's kept total (the window would hold every row).
  const totalInPage = params.cursor === undefined && where !== null ? caps.totalInPage : null;
  // Only the keys: the caller loads the rows it renders, so a deep offset walks the index alone.
  let query = scoped().select([
    sql.ref(`${spec.alias}.id`).as("id") as never,
    sql.ref(`${spec.alias}.${column}`).as("sort_key") as never,
    ...(totalInPage ? [totalInPage.as("total") as never] : []),
  ]);
  if (params.cursor) {
    const { key, id } = decodeCursor(params.cursor);
    const op = params.descending ? sql`<` : sql`>`;
    // Row-value comparison (col, id) > (key, id), spelled out so NULL sort keys stay ordered.
    query = query.where(
      column === "id"
        ? sql<SqlBool>`${idCol} ${op} ${id}`
        : key === null
          ? sql<SqlBool>`(${col} is null and ${idCol} ${op} ${id})`
          : spec.nullable.has(column)
            ? sql<SqlBool>`(${col} ${op} ${key} or (${col} = ${key} and ${idCol} ${op} ${id}) or ${col} is null)`
            : sql<SqlBool>`(${col} ${op} ${key} or (${col} = ${key} and ${idCol} ${op} ${id}))`,
    );
  }
  const positional =
    positions && totals && params.cursor === undefined && column === "id" && !params.descending
      ? { positions, changes: totals.changes }
      : null;
  const after = positional?.positions.find(directoryId, spec.table, params.startIndex, positional.changes);
  if (after !== undefined) query = query.where(sql<SqlBool>`${idCol} > ${after}`);
  if (spec.nullable.has(column)) query = query.orderBy(sql`${col} is null`);
  query = query.orderBy(sql`${col} ${direction}`);
  if (column !== "id") query = query.orderBy(sql`${idCol} ${direction}`);
  query = query.limit(params.cursor === undefined ? params.count : params.count + 1);
  if (params.cursor === undefined && after === undefined) query = query.offset(params.startIndex - 1);
  const fetched = (await query.execute()) as unknown as {
    id: string;
    sort_key: string | number | null;
    total?: number | string;
  }[];
  const rows = fetched.slice(0, params.count);
  const last = rows.at(-1);
  const nextCursor = fetched.length > params.count && last ? encodeCursor(last.sort_key ?? null, last.id) : undefined;
  if (positional && last)
    positional.positions.remember(
      directoryId,
      spec.table,
      params.startIndex + rows.length,
      positional.changes,
      last.id,
    );
  const first = fetched[0];
  // Nothing on a first page: nothing matched. Nothing past the first: the page lies past the end.
  const totalResults =
    totalInPage && first ? Number(first.total) : totalInPage && params.startIndex === 1 ? 0 : await countAll();
  return { ids: rows.map((r) => r.id), totalResults, nextCursor };
}
