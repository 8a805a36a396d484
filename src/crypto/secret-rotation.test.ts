import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl } from "../../test/support/server-process.js";
import { DIALECTS } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { openConnector } from "../sync/connector-settings.js";
import { createSecretBox } from "./secret-box.js";

const OLD = "old-secret-key-for-rotation-tests-0123456789abcdef";
const NEW = "new-secret-key-for-rotation-tests-0123456789abcdef";
const CLI = fileURLToPath(new URL("../../test/support/roster-from-source.ts", import.meta.url));

describe.each(DIALECTS)("rotating ROSTER_SECRET_KEY on %s", (dialect) => {
  let t: TestApp;
  let endpoint: { id: string; secret: string };
  let directoryId: string;

  function rotate(env: Record<string, string>, args: readonly string[] = []) {
    const run = spawnSync(process.execPath, ["--import", "tsx", CLI, "secrets", "rotate", ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl(t.config.database), LOG_LEVEL: "silent", ...env },
      encoding: "utf8",
      timeout: 30_000,
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  async function stored() {
    const endpointRow = await t.deps.db
      .selectFrom("webhook_endpoints")
      .select("secret_sealed")
      .where("id", "=", endpoint.id)
      .executeTakeFirstOrThrow();
    const directoryRow = await t.deps.db
      .selectFrom("directories")
      .select("connector")
      .where("id", "=", directoryId)
      .executeTakeFirstOrThrow();
    return { secret: endpointRow.secret_sealed, connector: directoryRow.connector as string };
  }

  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_SECRET_KEY: OLD });
    const org = (
      await t.app.inject({
        method: "POST",
        url: "/organizations",
        headers: bearer(ADMIN_KEY),
        payload: { name: "Keys" },
      })
    ).json();
    const created = await t.app.inject({
      method: "POST",
      url: "/webhook_endpoints",
      headers: bearer(ADMIN_KEY),
      payload: { url: "https://keys.example/hooks", organization_id: org.id },
    });
    endpoint = created.json();
    const directory = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: bearer(ADMIN_KEY),
      payload: {
        organization_id: org.id,
        name: "Upstream",
        type: "scim pull",
        connector: { base_url: "https://upstream.example/scim/v2", token: "upstream-token" },
      },
    });
    expect(directory.statusCode, directory.body).toBe(201);
    directoryId = directory.json().id;
  });
  afterAll(async () => t?.close());

  it("re-seals every stored secret under the new key, keeps what they say, and is safe to run again", async () => {
    const before = await stored();
    const newOnly = createSecretBox(NEW);
    expect(() => newOnly.open(before.secret, endpoint.id)).toThrow(/ROSTER_SECRET_KEY_PREVIOUS/);

    const first = rotate({
      ROSTER_SECRET_KEY: NEW,
      ROSTER_SECRET_KEY_PREVIOUS: `unrelated-key-000000000000000000000000, ${OLD}`,
    });
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("Re-sealed 2 secret(s) under the current key; 0 already were.");
    expect(first.stdout).toContain("ROSTER_SECRET_KEY_PREVIOUS can now be removed");

    const after = await stored();
    expect(after.secret).not.toBe(before.secret);
    expect(newOnly.open(after.secret, endpoint.id)).toBe(endpoint.secret);
    expect(openConnector(newOnly, directoryId, after.connector)).toMatchObject({ token: "upstream-token" });
    expect(() => createSecretBox(OLD).open(after.secret, endpoint.id)).toThrow(/another key/);

    const again = rotate({ ROSTER_SECRET_KEY: NEW }, ["--json"]);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ resealed: 0, current: 2, unreadable: [] });
    expect(await stored()).toEqual(after);
  });

  it("names every secret no configured key opens, exits 1 and leaves it as it was", async () => {
    const lost = createSecretBox("a-key-nobody-configured-0123456789abcdefghij").seal("whsec_lost", endpoint.id);
    await t.deps.db
      .updateTable("webhook_endpoints")
      .set({ secret_sealed: lost })
      .where("id", "=", endpoint.id)
      .execute();
    const run = rotate({ ROSTER_SECRET_KEY: NEW, ROSTER_SECRET_KEY_PREVIOUS: OLD });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("Re-sealed 0 secret(s) under the current key; 1 already were.");
    expect(run.stderr).toContain(`webhook_endpoints.secret_sealed ${endpoint.id}`);
    expect((await stored()).secret).toBe(lost);
  });
});
