import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { type RunningServer, startServer } from "../server/start.js";
import { createRosterClient, iterate, listAll, type Organization, RosterApiError, type RosterClient } from "./index.js";

const ADMIN_KEY = "roster_admin_testkey_0123456789abcdefghijklmnopqrstuv";
const UNKNOWN_ORG = "org_01ARZ3NDEKTSV4RRFFQ69G5FAV";

describe("roster/client against a real server", () => {
  let dir: string;
  let server: RunningServer;
  let roster: RosterClient;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "roster-client-"));
    const env = {
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: `sqlite:${join(dir, "roster.sqlite")}`,
      ROSTER_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: "silent",
    };
    server = await startServer(loadConfig(env));
    roster = createRosterClient({ baseUrl: server.url, apiKey: ADMIN_KEY });
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("creates, reads, updates and deletes an organization", async () => {
    const created = await roster.organizations.create({ name: "Acme", domains: ["acme.test"] });
    expect(created).toMatchObject({ object: "organization", name: "Acme", domains: ["acme.test"] });
    expect(await roster.organizations.get(created.id)).toEqual(created);

    const renamed = await roster.organizations.update(created.id, { name: "Acme Corp" });
    expect(renamed.name).toBe("Acme Corp");

    await roster.organizations.delete(created.id);
    await expect(roster.organizations.get(created.id)).rejects.toMatchObject({ status: 404, code: "not_found" });
  });

  it("mints an organization key that is shown once and sees only its own organization", async () => {
    const own = await roster.organizations.create({ name: "Keyed" });
    await roster.organizations.create({ name: "Someone else" });
    const key = await roster.apiKeys.create(own.id, { name: "ci" });
    expect(key.key).toMatch(/^sk_/);
    expect(key.last4).toBe(key.key.slice(-4));

    const listed = await roster.apiKeys.list(own.id);
    expect(listed.data.map((k) => k.id)).toEqual([key.id]);
    expect(listed.data[0]).not.toHaveProperty("key");

    const scoped = createRosterClient({ baseUrl: server.url, apiKey: key.key });
    expect((await scoped.organizations.list()).data.map((o) => o.id)).toEqual([own.id]);

    await roster.apiKeys.revoke(own.id, key.id);
    await expect(scoped.organizations.list()).rejects.toMatchObject({ status: 401, code: "unauthorized" });
  });

  it("creates an ingest directory with its SCIM token and rotates the token with a grace period", async () => {
    const org = await roster.organizations.create({ name: "Directory owner" });
    const directory = await roster.directories.create({
      organization_id: org.id,
      name: "Okta",
      type: "okta scim v2.0",
    });
    // Only the path: with PORT 0 the public URL is derived from the configured port, not the bound one.
    expect(directory.scim?.base_url).toMatch(new RegExp(`/scim/v2/${directory.id}$`));
    expect(directory.scim?.token).toMatch(/^scim_/);
    expect((await roster.directories.get(directory.id)).scim).not.toHaveProperty("token");

    const rotated = await roster.directories.rotateScimToken(directory.id, { grace_period_seconds: 60 });
    expect(rotated).toMatchObject({ object: "scim_token", base_url: directory.scim?.base_url });
    expect(rotated.token).not.toBe(directory.scim?.token);
    expect(rotated.previous_token_expires_at).not.toBeNull();
  });

  it("soft-deletes a directory, hides it from lists, and restores it", async () => {
    const org = await roster.organizations.create({ name: "Restorer" });
    const directory = await roster.directories.create({
      organization_id: org.id,
      name: "HR",
      type: "generic scim v2.0",
    });

    expect((await roster.directories.delete(directory.id)).state).toBe("deleting");
    expect((await roster.directories.list({ organization_id: org.id })).data).toEqual([]);
    expect((await roster.directories.list({ organization_id: org.id, include_deleted: true })).data).toHaveLength(1);

    const restored = await roster.directories.restore(directory.id);
    // It never heard from an IdP: back to unlinked, as it was.
    expect(restored).toMatchObject({ state: "unlinked", deleted_at: null });
  });

  it("iterates every item across several pages, following list_metadata.after", async () => {
    const created: Organization[] = [];
    for (let i = 0; i < 25; i++)
      created.push(await roster.organizations.create({ name: `Paged ${String(i).padStart(2, "0")}` }));
    const pages: number[] = [];
    const list = async (params: Parameters<RosterClient["organizations"]["list"]>[0]) => {
      const page = await roster.organizations.list(params);
      pages.push(page.data.length);
      return page;
    };

    const seen: string[] = [];
    for await (const org of iterate(list, { search: "Paged", limit: 10, order: "asc" })) seen.push(org.id);

    expect(pages).toEqual([10, 10, 5]);
    expect(seen).toEqual(created.map((o) => o.id));
    expect(await listAll(roster.organizations.list, { search: "Paged", limit: 100 })).toHaveLength(25);
  });

  it("stops fetching pages when the loop breaks early", async () => {
    let calls = 0;
    const list = (params: { limit?: number; after?: string }) => {
      calls++;
      return roster.organizations.list({ ...params, search: "Paged" });
    };
    for await (const _ of iterate(list, { limit: 10 })) break;
    expect(calls).toBe(1);
  });

  it("throws a RosterApiError with status 404 and code not_found for an unknown id", async () => {
    const error = await roster.organizations.get(UNKNOWN_ORG).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RosterApiError);
    expect(error).toMatchObject({ name: "RosterApiError", status: 404, code: "not_found" });
    expect((error as RosterApiError).message).toBe(`Organization ${UNKNOWN_ORG} not found (404 not_found)`);
    expect((error as RosterApiError).requestId).toBeTruthy();
  });

  it("carries the field errors of a validation error", async () => {
    const error = await roster.organizations.create({ name: "" }).catch((err: unknown) => err);
    expect(error).toMatchObject({ status: 422, code: "validation_error" });
    expect((error as RosterApiError).errors.map((e) => e.field)).toContain("name");
    expect((error as RosterApiError).message).toMatch(/\(422 validation_error\): name: /);
  });

  it("turns an unreachable server into a network_error that keeps the cause", async () => {
    const offline = createRosterClient({ baseUrl: "http://127.0.0.1:1", apiKey: ADMIN_KEY });
    const error = await offline.organizations.list().catch((err: unknown) => err);
    expect(error).toMatchObject({ name: "RosterApiError", status: 0, code: "network_error" });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it("sends the bearer key and the list parameters through an injected fetch", async () => {
    const requests: Request[] = [];
    const recording: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      requests.push(request.clone());
      return fetch(request);
    };
    const client = createRosterClient({ baseUrl: `${server.url}/`, apiKey: ADMIN_KEY, fetch: recording });
    await client.organizations.list({ search: "a b&c", limit: 3, order: "asc" });

    const url = new URL(requests[0]?.url ?? "");
    expect(url.pathname).toBe("/organizations");
    expect(Object.fromEntries(url.searchParams)).toEqual({ search: "a b&c", limit: "3", order: "asc" });
    expect(requests[0]?.headers.get("authorization")).toBe(`Bearer ${ADMIN_KEY}`);
  });
});
