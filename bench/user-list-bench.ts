// The console's user list at 100,000 users: GET /directory_users pages of 100, by state, by search
// and by cursor. `BENCH_ONLY=lists npm run bench` (BENCH_DIALECT=sqlite|postgres, BENCH_USERS=…).
import { sql } from "kysely";
import type { Dialect } from "../test/support/databases.js";
import { bearer, createOrgWithKey, createTestApp } from "../test/support/test-app.js";
import { seedDirectory } from "./seed.js";

export const LIST_USERS = Number(process.env.BENCH_USERS ?? 100_000);
const REPEAT = 15;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Each query's p50 and p95 over 15 requests, in process (`inject`: no sockets), printed as a table. */
export async function runUserListBench(dialect: Dialect, print: (line: string) => void): Promise<void> {
  const USERS = LIST_USERS;
  const t = await createTestApp(dialect);
  const { orgId, key } = await createOrgWithKey(t.app, "Bench");
  const made = await t.app.inject({
    method: "POST",
    url: "/directories",
    headers: bearer(key),
    payload: { name: "Bench", type: "okta scim v2.0" },
  });
  const directoryId = made.json().id as string;
  await seedDirectory(t.storage.db, dialect, directoryId, orgId, USERS);
  // Every tenth user inactive, as a directory with leavers has.
  await sql`update directory_users set state = 'inactive' where directory_id = ${directoryId} and cast(substr(idp_id, 5) as integer) % 10 = 0`.execute(
    t.storage.db,
  );
  await (dialect === "postgres" ? sql`vacuum analyze` : sql`analyze`).execute(t.storage.db);

  const get = async (query: string) => {
    const res = await t.app.inject({
      method: "GET",
      url: `/directory_users?directory=${directoryId}&limit=100&${query}`,
      headers: bearer(key),
    });
    if (res.statusCode !== 200) throw new Error(res.body);
    return res.json() as { data: unknown[]; list_metadata: { after: string | null } };
  };
  // A cursor deep in the list: the 500th page of 100 back from the newest.
  let deep = "";
  {
    let after: string | null = null;
    for (let i = 0; i < 5; i++) after = (await get(after ? `after=${after}` : "")).list_metadata.after;
    deep = after ?? "";
  }
  const measures: [string, string][] = [
    ["first page", ""],
    ["state=inactive", "state=inactive"],
    ["state=inactive, a later page (cursor)", `state=inactive&after=${deep}`],
    ["search, every user matches", "search=bench"],
    ["search, 11 of 100k match", "search=user-9999"],
    ["search + state, 1 match", "search=user-99990@&state=inactive"],
    ["search, no user matches", "search=nobody-has-this"],
  ];
  print(
    `\n${dialect}: GET /directory_users, limit 100, ${USERS.toLocaleString("en")} users in the directory (in-process, no HTTP)`,
  );
  print(`${"query".padEnd(40)}${"rows".padStart(6)}${"p50 ms".padStart(9)}${"p95 ms".padStart(9)}`);
  for (const [name, query] of measures) {
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < REPEAT; i++) {
      const start = performance.now();
      rows = (await get(query)).data.length;
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    print(
      `${name.padEnd(40)}${String(rows).padStart(6)}${quantile(times, 0.5).toFixed(1).padStart(9)}${quantile(times, 0.95).toFixed(1).padStart(9)}`,
    );
  }
  await t.close();
}
