// Case-insensitive matching of non-ASCII text agrees on both backends: SQLite's own lower() folds
// ASCII letters only, PostgreSQL's every letter. Searches of the normalized lists and SCIM filters
// on attributes kept with and without a lowercase copy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import {
  createKeyedDirectory,
  type KeyedDirectory,
  pushGroup,
  pushUser,
} from "../../test/support/directory-fixtures.js";
import { bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { CompiledQuery } from "kysely";
import { compileFilter } from "../scim/filter/compile-filter.js";
import { parseFilter } from "../scim/filter/parse-filter.js";

describe.each(DIALECTS)("case-insensitive matching beyond ASCII on %s", (dialect) => {
  let t: TestApp;
  let acme: KeyedDirectory;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    acme = await createKeyedDirectory(t.app, "Acme");
    await pushUser(acme.scim, "ÉMILE@x.com", {
      name: { givenName: "Émile", familyName: "ZOLA" },
      title: "ÉCRIVAIN",
      emails: [{ value: "Émile.Zola@LETTRES.example", type: "work", primary: true }],
    });
    await pushUser(acme.scim, "søren@x.com", {
      name: { givenName: "SØREN", familyName: "Kierkegaard" },
      title: "Φιλόσοφος",
    });
    await pushUser(acme.scim, "plain@x.com", { name: { givenName: "Emile", familyName: "Plain" }, title: "Writer" });
    await pushGroup(acme.scim, "ÉQUIPE Ωmega");
  });
  afterAll(async () => t?.close());

  const search = async (path: string, text: string, field: "username" | "name") => {
    const res = await t.app.inject({
      method: "GET",
      url: `${path}?directory=${acme.id}&limit=100&search=${encodeURIComponent(text)}`,
      headers: bearer(acme.key),
    });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().data as Record<string, string>[]).map((row) => row[field]).sort();
  };
  const filter = async (expression: string) => {
    const res = await acme.scim("GET", `/Users?filter=${encodeURIComponent(expression)}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().Resources as { userName: string }[]).map((u) => u.userName).sort();
  };

  it("finds users by a name, an email or a username in any case", async () => {
    expect(await search("/directory_users", "émile", "username")).toEqual(["ÉMILE@x.com"]);
    expect(await search("/directory_users", "ÉMILE ZOLA", "username")).toEqual(["ÉMILE@x.com"]);
    expect(await search("/directory_users", "émile.zola@lettres", "username")).toEqual(["ÉMILE@x.com"]);
    expect(await search("/directory_users", "søren", "username")).toEqual(["søren@x.com"]);
    expect(await search("/directory_users", "SØREN@", "username")).toEqual(["søren@x.com"]);
    expect(await search("/directory_users", "emile", "username")).toEqual(["plain@x.com"]);
    // The ASCII part of a name or email that has other letters too, in the other case.
    expect(await search("/directory_users", "zola@", "username")).toEqual(["ÉMILE@x.com"]);
    expect(await search("/directory_users", "KIERKEGAARD", "username")).toEqual(["søren@x.com"]);
    expect(await search("/directory_users", "ren kierk", "username")).toEqual(["søren@x.com"]);
  });

  it("finds groups by name in any case", async () => {
    expect(await search("/directory_groups", "équipe ωMEGA", "name")).toEqual(["ÉQUIPE Ωmega"]);
  });

  it("compares case-insensitive SCIM attributes in any case, with or without a stored lowercase copy", async () => {
    expect(await filter('userName eq "émile@X.COM"')).toEqual(["ÉMILE@x.com"]);
    expect(await filter('userName sw "SØ"')).toEqual(["søren@x.com"]);
    expect(await filter('name.givenName eq "ÉMILE"')).toEqual(["ÉMILE@x.com"]);
    expect(await filter('name.givenName eq "søren"')).toEqual(["søren@x.com"]);
    expect(await filter('name.familyName co "zol"')).toEqual(["ÉMILE@x.com"]);
    expect(await filter('title sw "écri"')).toEqual(["ÉMILE@x.com"]);
    expect(await filter('title eq "φιλόσοφος"')).toEqual(["søren@x.com"]);
    expect(await filter('emails.value ew "@lettres.EXAMPLE"')).toEqual(["ÉMILE@x.com"]);
    expect(await filter('emails[value sw "ÉMILE.zola"]')).toEqual(["ÉMILE@x.com"]);
    expect(await filter('name.givenName eq "emile"')).toEqual(["plain@x.com"]);
  });

  it("still looks userName up through its index of lowercase copies", async () => {
    const where = compileFilter(parseFilter('userName eq "ÉMILE@x.com"'), "User", t.storage.caps);
    const query = t.storage.db
      .selectFrom("directory_users as u")
      .select("u.id")
      .where("u.directory_id", "=", acme.id)
      .where(where)
      .compile();
    expect(query.sql).toContain('"u"."username_lower" =');
    expect(query.sql).not.toMatch(/lower\(/);
    if (dialect === "sqlite") {
      const plan = await t.storage.db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
      );
      expect(plan.rows.map((row) => row.detail).join("\n")).toMatch(/USING (COVERING )?INDEX users_dir_username/);
    }
  });
});
