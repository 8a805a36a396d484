import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveServer, seedDirectory, startLiveServer } from "../cli/live-test-server.js";
import { createRosterClient, type DirectoryUser, iterate, listAll, RosterApiError } from "./index.js";

describe("roster/client: directory users and groups against a real server", () => {
  let live: LiveServer;
  let seed: Awaited<ReturnType<typeof seedDirectory>>;

  beforeAll(async () => {
    live = await startLiveServer();
    seed = await seedDirectory(live.admin, "Acme");
    await seedDirectory(live.admin, "Globex");
  });
  afterAll(async () => live?.close());

  const ids = (users: readonly { id: string }[]) => users.map((u) => u.id).sort();

  it("lists a directory's users in the WorkOS shape, each with its groups", async () => {
    const page = await live.admin.directoryUsers.list({ directory: seed.directory.id, order: "asc" });
    expect(page.object).toBe("list");
    expect(page.data.map((u) => u.username)).toEqual([`ada@${seed.domain}`, `bob@${seed.domain}`, `cy@${seed.domain}`]);
    const ada = page.data[0] as DirectoryUser;
    expect(ada).toMatchObject({
      object: "directory_user",
      directory_id: seed.directory.id,
      organization_id: seed.org.id,
      idp_id: "idp-ada",
      email: `ada@${seed.domain}`,
      emails: [{ primary: true, type: "work", value: `ada@${seed.domain}` }],
      first_name: "Ada",
      last_name: "Lovelace",
      job_title: "Engineer",
      state: "active",
      role: null,
      roles: [],
    });
    expect(ada.groups.map((g) => g.name)).toEqual(["Engineering"]);
  });

  it("filters users by state, group, email and idp_id, and by organization", async () => {
    const { directoryUsers } = live.admin;
    expect(ids((await directoryUsers.list({ directory: seed.directory.id, state: "inactive" })).data)).toEqual([
      seed.users.bob,
    ]);
    expect(ids((await directoryUsers.list({ group: seed.groups.engineering })).data)).toEqual(
      ids([{ id: seed.users.ada }, { id: seed.users.bob }]),
    );
    expect(ids((await directoryUsers.list({ organization: seed.org.id, email: `CY@${seed.domain}` })).data)).toEqual([
      seed.users.cy,
    ]);
    expect(ids((await directoryUsers.list({ directory: seed.directory.id, idp_id: "idp-ada" })).data)).toEqual([
      seed.users.ada,
    ]);
  });

  it("gets one user with its groups, and pages through users with iterate", async () => {
    const bob = await live.admin.directoryUsers.get(seed.users.bob);
    expect(bob).toMatchObject({ id: seed.users.bob, state: "inactive" });
    expect(bob.groups.map((g) => g.id)).toEqual([seed.groups.engineering]);

    const seen: string[] = [];
    for await (const user of iterate(live.admin.directoryUsers.list, { directory: seed.directory.id, limit: 2 }))
      seen.push(user.id);
    expect(seen.sort()).toEqual(ids(Object.values(seed.users).map((id) => ({ id }))));
  });

  it("lists groups by directory and by user, and gets one", async () => {
    const { directoryGroups } = live.admin;
    const byDirectory = await listAll(directoryGroups.list, { directory: seed.directory.id });
    expect(byDirectory.map((g) => g.name).sort()).toEqual(["Engineering", "Sales"]);
    expect((await directoryGroups.list({ user: seed.users.cy })).data.map((g) => g.id)).toEqual([seed.groups.sales]);

    const engineering = await directoryGroups.get(seed.groups.engineering);
    expect(engineering).toMatchObject({
      object: "directory_group",
      name: "Engineering",
      idp_id: "idp-eng",
      directory_id: seed.directory.id,
      organization_id: seed.org.id,
    });
    expect(engineering.raw_attributes).toMatchObject({ displayName: "Engineering" });
  });

  it("sees only its own organization with an organization key, without naming a filter", async () => {
    const key = await live.admin.apiKeys.create(seed.org.id);
    const scoped = createRosterClient({ baseUrl: live.url, apiKey: key.key });
    expect(
      (await scoped.directoryUsers.list({ limit: 100 })).data.every((u) => u.organization_id === seed.org.id),
    ).toBe(true);
    expect((await scoped.directoryGroups.list()).data).toHaveLength(2);
  });

  it("applies attribute and role mappings set through directories.update", async () => {
    const updated = await live.admin.directories.update(seed.directory.id, {
      attribute_mapping: { given: "name.givenName" },
      role_mapping: [{ group: "Engineering", role: "engineer", priority: 10 }],
    });
    expect(updated).toMatchObject({
      attribute_mapping: { given: "name.givenName" },
      role_mapping: [{ group: "Engineering", role: "engineer", priority: 10 }],
    });
    const ada = await live.admin.directoryUsers.get(seed.users.ada);
    expect(ada.custom_attributes).toEqual({ given: "Ada" });
    expect(ada.role).toEqual({ slug: "engineer" });

    const cleared = await live.admin.directories.update(seed.directory.id, {
      attribute_mapping: null,
      role_mapping: null,
    });
    expect(cleared).toMatchObject({ attribute_mapping: {}, role_mapping: [] });
  });

  it("throws RosterApiError for an unknown user and for an admin list that names no filter", async () => {
    await expect(live.admin.directoryUsers.get("directory_user_01ARZ3NDEKTSV4RRFFQ69G5FAV")).rejects.toMatchObject({
      status: 404,
      code: "not_found",
    });
    await expect(live.admin.directoryGroups.get("directory_group_01ARZ3NDEKTSV4RRFFQ69G5FAV")).rejects.toBeInstanceOf(
      RosterApiError,
    );
    const error = await live.admin.directoryUsers.list().catch((err: unknown) => err);
    expect(error).toMatchObject({ name: "RosterApiError", status: 400 });
    expect((error as RosterApiError).errors.map((e) => e.field)).toContain("directory");
  });
});
