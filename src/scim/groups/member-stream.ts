import type { Kysely } from "kysely";
import type { Database } from "../../storage/schema.js";
import { memberRef } from "./group-resource.js";

const PAGE = 1000;

/**
 * The members of a group as JSON fragments, a page of rows at a time (keyset on user id), so a
 * group of 100,000 members never becomes one object in memory.
 */
export async function* memberFragments(db: Kysely<Database>, groupId: string, baseUrl: string): AsyncGenerator<string> {
  let after = "";
  let first = true;
  for (;;) {
    const rows = await db
      .selectFrom("group_memberships as m")
      .innerJoin("directory_users as u", "u.id", "m.user_id")
      .select(["u.id", "u.username"])
      .where("m.group_id", "=", groupId)
      .where("m.user_id", ">", after)
      .orderBy("m.user_id")
      .limit(PAGE)
      .execute();
    if (rows.length === 0) return;
    const json = rows.map((r) => JSON.stringify(memberRef(r, baseUrl))).join(",");
    yield first ? json : `,${json}`;
    first = false;
    after = rows.at(-1)?.id ?? after;
    if (rows.length < PAGE) return;
  }
}

/** One group resource as fragments: its attributes, then `members` streamed into the same object. */
export async function* groupFragments(
  db: Kysely<Database>,
  resource: Record<string, unknown>,
  groupId: string,
  baseUrl: string,
): AsyncGenerator<string> {
  const head = JSON.stringify(resource);
  yield `${head.slice(0, -1)}${head.length > 2 ? "," : ""}"members":[`;
  yield* memberFragments(db, groupId, baseUrl);
  yield "]}";
}
