/**
 * The operator console in a real browser (Debian's Chromium through playwright-core) against a
 * real Roster listening on loopback: everything it shows comes through the public API.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../../test/support/browser.js";
import { createTestDatabase, DIALECTS, type Dialect, type TestDatabase } from "../../test/support/databases.js";
import { loadConfig } from "../config.js";
import { type RunningServer, startServer } from "../server/start.js";
import { jsonRequest } from "../../test/support/json-request.js";

const ADMIN_KEY = "roster_admin_consolebrowser_0123456789abcdefghijklmnop";
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

type Json = Record<string, unknown>;

describe.each(DIALECTS)("the operator console in Chromium (%s)", (dialect: Dialect) => {
  let database: TestDatabase;
  let server: RunningServer;
  let browser: TestBrowser;

  function api(method: string, path: string, key: string, body?: unknown) {
    return jsonRequest<Json>(server.url, key, method, path, body);
  }

  async function orgWithKey(name: string): Promise<{ id: string; key: string; keyId: string }> {
    const org = await api("POST", "/organizations", ADMIN_KEY, { name });
    const key = await api("POST", `/organizations/${org.json.id}/api_keys`, ADMIN_KEY, { name: "app" });
    return { id: org.json.id as string, key: key.json.key as string, keyId: key.json.id as string };
  }

  function scim(base: string, token: string, method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        "user-agent": "Okta SCIM Client 1.0.0",
        ...(body ? { "content-type": "application/scim+json" } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
  }

  const scimUser = (userName: string, given: string, family: string) => ({
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: given, familyName: family },
    emails: [{ primary: true, type: "work", value: userName }],
    active: true,
  });

  /** A fresh page signed in with `key` (the browser's cookies cleared first: one session at a time). */
  async function signIn(key: string): Promise<Page> {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/console`);
    await page.getByLabel("Admin key or organization API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    return page;
  }

  async function confirm(page: Page, name: string): Promise<void> {
    await page.locator("dialog[open]").getByRole("button", { name }).click();
  }

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const databaseUrl = database.config.kind === "sqlite" ? `sqlite:${database.config.file}` : database.config.url;
    server = await startServer(
      loadConfig({
        PORT: "0",
        HOST: "127.0.0.1",
        DATABASE_URL: databaseUrl,
        ROSTER_ADMIN_KEY: ADMIN_KEY,
        ROSTER_SECRET_KEY: randomBytes(32).toString("base64"),
        LOG_LEVEL: "silent",
        ROSTER_SYNC_THREAD: "off",
        ROSTER_OUTBOUND_PRIVATE: "all",
      }),
    );
    browser = await launchBrowser();
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.drop();
  });

  it("takes an operator from sign-in to a directory whose users arrive over SCIM, and rotates its token", async () => {
    const page = await signIn(ADMIN_KEY);
    await page.getByRole("heading", { name: "Organizations" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Acme");
    await page.getByLabel("Domains").fill("acme.test, acme.example");
    await page.getByRole("button", { name: "Create the organization" }).click();
    await page.getByRole("heading", { name: "Acme", level: 1 }).waitFor();
    await browser.screenshot(page, "console-organization");
    const orgs = (await api("GET", "/organizations?limit=100", ADMIN_KEY)).json.data as Json[];
    expect(orgs.find((o) => o.name === "Acme")).toMatchObject({ domains: ["acme.test", "acme.example"] });

    await page.getByLabel("Directory name").fill("Okta – employees");
    await page.getByLabel("Identity provider").selectOption("okta scim v2.0");
    await page.getByRole("button", { name: "Create the directory" }).click();
    await page.getByRole("heading", { name: /Okta – employees/ }).waitFor();
    const base = await page.locator("#scim-base-url").inputValue();
    const token = await page.locator("#scim-token").inputValue();
    expect(token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    const directory = ((await api("GET", "/directories?limit=100", ADMIN_KEY)).json.data as Json[]).find(
      (d) => d.name === "Okta – employees",
    ) as Json;
    expect(base).toBe(`${server.url}/scim/v2/${directory.id}`);
    await page.locator('button[data-copy="scim-base-url"]').click();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(base);
    await browser.screenshot(page, "console-directory-created");

    // The IdP pushes two users; the console shows them.
    expect((await scim(base, token, "POST", "/Users", scimUser("ada@acme.test", "Ada", "Lovelace"))).status).toBe(201);
    expect((await scim(base, token, "POST", "/Users", scimUser("grace@acme.test", "Grace", "Hopper"))).status).toBe(
      201,
    );
    await page.getByRole("link", { name: "Users", exact: true }).click();
    await page.getByRole("link", { name: "ada@acme.test" }).waitFor();
    expect(await page.locator("tbody tr").count()).toBe(2);
    await browser.screenshot(page, "console-users");
    await page.getByRole("link", { name: "grace@acme.test" }).click();
    await page.getByRole("heading", { name: /grace@acme.test/ }).waitFor();
    expect(await page.locator("pre.json").first().textContent()).toContain('"familyName": "Hopper"');

    // Rotating the token: confirmed first, shown once, the old token stops (no grace chosen).
    await page.goto(`${server.url}/console#/directories/${directory.id}`);
    await page.getByRole("heading", { name: "SCIM" }).waitFor();
    expect(await page.locator("#scim-token").count()).toBe(0);
    expect(await page.content()).not.toContain(token);
    await page.getByLabel("Grace period for the current token").selectOption("0");
    await page.getByRole("button", { name: "Rotate the token" }).click();
    await confirm(page, "Rotate the token");
    const rotated = await page.locator("#scim-token").inputValue();
    expect(rotated).not.toBe(token);
    expect(await page.getByText("The previous token no longer works.").count()).toBe(1);
    expect((await scim(base, token, "GET", "/Users")).status).toBe(401);
    expect((await scim(base, rotated, "GET", "/Users")).status).toBe(200);
    await browser.screenshot(page, "console-token-rotated");
    await page.close();
  }, 60_000);

  it("shows a failing SCIM request in the directory's log, errors first, with the IdP's user agent and the redacted body", async () => {
    const acme = await orgWithKey("Initech");
    const made = await api("POST", "/directories", acme.key, { name: "Entra", type: "azure scim v2.0" });
    const base = (made.json.scim as Json).base_url as string;
    const token = (made.json.scim as Json).token as string;
    expect((await scim(base, token, "POST", "/Users", scimUser("peter@initech.test", "Peter", "Gibbons"))).status).toBe(
      201,
    );
    expect(
      (
        await scim(base, token, "POST", "/Users", {
          ...scimUser("peter@initech.test", "Peter", "Again"),
          password: "hunter2-do-not-log",
        })
      ).status,
    ).toBe(409);
    expect((await scim(base, token, "GET", "/Users?count=5")).status).toBe(200);

    const page = await signIn(ADMIN_KEY);
    await page.goto(`${server.url}/console#/directories/${made.json.id}/requests`);
    const errors = page.locator('[data-log="errors"] tbody tr');
    await errors.first().waitFor();
    expect(await errors.count()).toBe(1);
    const row = await errors.first().textContent();
    expect(row).toContain("POST /Users");
    expect(row).toContain("409");
    expect(row).toContain("Okta SCIM Client 1.0.0");
    await errors.first().locator("summary").click();
    const body = await errors.first().locator("pre").textContent();
    expect(body).toContain("peter@initech.test");
    expect(body).not.toContain("hunter2-do-not-log");
    expect(await page.locator('[data-log="all"] tbody tr').count()).toBe(3);
    await browser.screenshot(page, "console-scim-log");
    await page.close();
  });

  it("keeps an organization key's session to its organization, in the pages and in the API", async () => {
    const acme = await orgWithKey("Umbrella");
    const globex = await orgWithKey("Globex");
    const theirs = await api("POST", "/directories", globex.key, { name: "Globex Entra", type: "azure scim v2.0" });
    await api("POST", "/directories", acme.key, { name: "Umbrella Okta", type: "okta scim v2.0" });

    const page = await signIn(acme.key);
    await page.getByRole("heading", { name: "Umbrella", level: 1 }).waitFor();
    expect(await page.locator(".console-nav").textContent()).toContain("Umbrella (organization key)");
    await page.getByRole("link", { name: "Directories", exact: true }).click();
    await page.getByRole("link", { name: "Umbrella Okta" }).waitFor();
    expect(await page.content()).not.toContain("Globex Entra");

    await page.goto(`${server.url}/console#/directories/${theirs.json.id}`);
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toContain("not found");
    await page.goto(`${server.url}/console#/organizations/${globex.id}`);
    await page.getByRole("alert").waitFor();
    expect(await page.content()).not.toContain("Globex Entra");

    // The API, called from the page with the session's cookie and CSRF token, says the same.
    const csrf = await page.evaluate(
      async () => ((await (await fetch("/console/session")).json()) as { csrf_token: string }).csrf_token,
    );
    const statuses = await page.evaluate(
      async ([dir, org, token]) => {
        const headers = { "x-roster-csrf": token as string };
        return [
          (await fetch(`/directories/${dir}`, { headers })).status,
          (await fetch(`/organizations/${org}`, { headers })).status,
          (
            await fetch("/organizations", {
              method: "POST",
              headers: { ...headers, "content-type": "application/json" },
              body: '{"name":"x"}',
            })
          ).status,
        ];
      },
      [theirs.json.id as string, globex.id, csrf],
    );
    expect(statuses).toEqual([404, 404, 403]);
    await page.close();
  });

  it("refuses the API a session cookie without its CSRF header: nothing is created", async () => {
    const page = await signIn(ADMIN_KEY);
    const before = ((await api("GET", "/organizations?limit=100", ADMIN_KEY)).json.data as Json[]).length;
    const statuses = await page.evaluate(async () => {
      const forged = await fetch("/organizations", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"name":"Forged"}',
      });
      const read = await fetch("/organizations");
      const wrong = await fetch("/organizations", { headers: { "x-roster-csrf": "not-the-token" } });
      return [forged.status, read.status, wrong.status];
    });
    expect(statuses).toEqual([401, 401, 401]);
    expect(((await api("GET", "/organizations?limit=100", ADMIN_KEY)).json.data as Json[]).length).toBe(before);
    await page.close();
  });

  it("ends the session when its key is revoked, and signs out", async () => {
    const org = await orgWithKey("Hooli");
    const page = await signIn(org.key);
    await page.getByRole("heading", { name: "Hooli", level: 1 }).waitFor();
    expect((await api("DELETE", `/organizations/${org.id}/api_keys/${org.keyId}`, ADMIN_KEY)).status).toBe(204);
    await page.getByRole("link", { name: "Directories", exact: true }).click();
    await page.getByRole("heading", { name: "Sign in to the console" }).waitFor();
    expect(await page.getByText("the key that opened it was revoked").count()).toBe(1);
    await browser.screenshot(page, "console-session-ended");

    await page.getByLabel("Admin key or organization API key").fill(ADMIN_KEY);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to the console" }).waitFor();
    const after = await page.evaluate(async () => (await fetch("/console/session")).status);
    expect(after).toBe(401);
    await page.close();
  });

  it("manages an organization: a key shown once and revoked, a setup link, a directory deleted and restored, and a delete that says what it takes", async () => {
    const org = await orgWithKey("Stark");
    const page = await signIn(ADMIN_KEY);
    await page.getByLabel("Search organizations").fill("tar");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/search=tar/);
    await expect.poll(() => page.locator("tbody tr td:first-child").allTextContents()).toEqual(["Stark"]);
    await page.getByRole("link", { name: "Stark" }).click();
    await page.getByRole("heading", { name: "API keys" }).waitFor();

    await page.getByLabel("New key's name").fill("ci");
    await page.getByRole("button", { name: "Create an API key" }).click();
    const key = await page.locator("#new-api-key").inputValue();
    expect(key).toMatch(/^sk_/);
    expect((await api("GET", "/directories", key)).status).toBe(200);
    await page.getByRole("button", { name: "Revoke ci" }).click();
    await page.locator("dialog[open]").getByText("stops working at once").waitFor();
    await browser.screenshot(page, "console-confirm-revoke");
    await confirm(page, "Revoke the key");
    await page.getByText("Revoked ci.").waitFor();
    expect((await api("GET", "/directories", key)).status).toBe(401);

    await page.getByRole("button", { name: "Generate a setup link" }).click();
    const link = await page.locator("#setup-link").inputValue();
    expect(link).toMatch(new RegExp(`^${server.url}/portal/launch\\?secret=portal_`));
    await page.locator('button[data-copy="setup-link"]').click();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(link);

    await page.getByLabel("Name", { exact: true }).fill("Stark Industries");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved.").waitFor();
    expect((await api("GET", `/organizations/${org.id}`, ADMIN_KEY)).json.name).toBe("Stark Industries");

    await page.getByLabel("Directory name").fill("Stark JumpCloud");
    await page.getByLabel("Identity provider").selectOption("jump cloud scim v2.0");
    await page.getByRole("button", { name: "Create the directory" }).click();
    await page.getByRole("button", { name: "Delete the directory" }).click();
    // Cancelling keeps it.
    await page.locator("dialog[open]").getByRole("button", { name: "Cancel" }).click();
    const id = page.url().split("/").pop() as string;
    expect((await api("GET", `/directories/${id}`, ADMIN_KEY)).status).toBe(200);
    await page.getByRole("button", { name: "Delete the directory" }).click();
    await confirm(page, "Delete the directory");
    const deadline = page.locator("[data-restorable-until]");
    await deadline.waitFor();
    const restorableUntil = (await api("GET", `/directories?organization_id=${org.id}&include_deleted=true`, ADMIN_KEY))
      .json.data as Json[];
    expect(await deadline.getAttribute("data-restorable-until")).toBe(restorableUntil[0]?.restorable_until);
    expect(await deadline.textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    await browser.screenshot(page, "console-directory-deleted");

    // Deleting the organization says first what goes with it, and what stops it.
    await page.goto(`${server.url}/console#/organizations/${org.id}`);
    await page.getByRole("button", { name: "Delete the organization" }).click();
    const said = await page.locator("dialog[open]").textContent();
    expect(said).toContain("1 API key");
    expect(said).toContain("1 deleted directory still restorable");
    await confirm(page, "Delete the organization");
    expect(await page.getByRole("alert").textContent()).toContain("restorable");
    expect((await api("GET", `/organizations/${org.id}`, ADMIN_KEY)).status).toBe(200);

    await page.goto(`${server.url}/console#/directories/${id}`);
    await page.getByRole("button", { name: "Restore the directory" }).click();
    await page.getByRole("heading", { name: "SCIM" }).waitFor();
    expect((await api("GET", `/directories/${id}`, ADMIN_KEY)).json.deleted_at).toBeNull();
    await page.close();
  }, 60_000);

  it("follows new events without a reload, filtered by type", async () => {
    const org = await orgWithKey("Wayne");
    const made = await api("POST", "/directories", org.key, { name: "Wayne Okta", type: "okta scim v2.0" });
    const base = (made.json.scim as Json).base_url as string;
    const token = (made.json.scim as Json).token as string;
    const page = await signIn(ADMIN_KEY);
    await page.goto(`${server.url}/console#/events?type=dsync.user.created&organization_id=${org.id}`);
    await page.getByRole("heading", { name: "Events" }).waitFor();
    expect(await page.locator("[data-events] li").count()).toBe(0);
    expect((await scim(base, token, "POST", "/Users", scimUser("bruce@wayne.test", "Bruce", "Wayne"))).status).toBe(
      201,
    );
    expect(
      (
        await scim(base, token, "POST", "/Groups", {
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
          displayName: "Bats",
        })
      ).status,
    ).toBe(201);
    await page.locator('[data-events] li[data-event="dsync.user.created"]', { hasText: "bruce@wayne.test" }).waitFor();
    expect(
      (await scim(base, token, "POST", "/Users", scimUser("alfred@wayne.test", "Alfred", "Pennyworth"))).status,
    ).toBe(201);
    await page.locator("[data-events] li", { hasText: "alfred@wayne.test" }).waitFor();
    // Newest first; the group's event is not of the chosen type.
    expect(await page.locator("[data-events] li").allTextContents()).toEqual([
      expect.stringContaining("alfred@wayne.test"),
      expect.stringContaining("bruce@wayne.test"),
    ]);
    await browser.screenshot(page, "console-events");
    await page.close();
  });

  it("creates a webhook endpoint (secret shown once), shows its deliveries with each attempt, retries one and disables it", async () => {
    let answer = 500;
    const receiver: Server = createServer((request, response) => {
      request.resume();
      request.on("end", () =>
        response.writeHead(answer, { "content-type": "text/plain" }).end(answer === 200 ? "ok" : "receiver down"),
      );
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    try {
      const org = await orgWithKey("Tyrell");
      const page = await signIn(org.key);
      await page.getByRole("link", { name: "Webhooks" }).click();
      await page.getByLabel("URL").fill(hookUrl);
      await page.getByRole("button", { name: "Create the endpoint" }).click();
      const secret = await page.locator("#webhook-secret").inputValue();
      expect(secret).toMatch(/^whsec_/);
      const endpointId = page.url().split("/").pop() as string;

      await api("POST", "/directories", org.key, { name: "Tyrell Okta", type: "okta scim v2.0" });
      const failed = page.locator("tbody tr", { hasText: "500" });
      for (let i = 0; i < 80 && (await failed.count()) === 0; i++) {
        await page.waitForTimeout(250);
        await page.getByRole("button", { name: "Refresh" }).click();
      }
      await failed.first().locator("summary").click();
      expect(await failed.first().textContent()).toContain("receiver down");
      answer = 200;
      await failed.first().getByRole("button", { name: "Retry now" }).click();
      await page.getByText("queued to be sent now").waitFor();
      const deliveries = async () =>
        (await api("GET", `/webhook_endpoints/${endpointId}/deliveries`, org.key)).json.data as Json[];
      for (let i = 0; i < 80 && !(await deliveries()).some((d) => d.state === "succeeded"); i++)
        await new Promise((r) => setTimeout(r, 250));
      await page.getByRole("button", { name: "Refresh" }).click();
      await page.locator("tbody tr", { hasText: "succeeded" }).first().waitFor();
      await browser.screenshot(page, "console-webhook-deliveries");

      await page.getByRole("button", { name: "Disable" }).click();
      await confirm(page, "Disable");
      await page.getByRole("button", { name: "Enable" }).waitFor();
      expect((await api("GET", `/webhook_endpoints/${endpointId}`, org.key)).json.enabled).toBe(false);
      await page.close();
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, 60_000);

  it("syncs a CSV directory and confirms a run the mass-removal guard held", async () => {
    const org = await orgWithKey("Cyberdyne");
    const made = await api("POST", "/directories", org.key, { name: "HR export", type: "csv", connector: {} });
    const page = await signIn(ADMIN_KEY);
    await page.goto(`${server.url}/console#/directories/${made.json.id}`);
    const rows = [
      "username,email,first_name,last_name",
      ...["ada", "bob", "cy", "dee", "eve"].map((u) => `${u},${u}@cyberdyne.test,${u},Test`),
    ];
    await page.getByLabel("CSV rows").fill(rows.join("\n"));
    await page.getByRole("button", { name: "Upload and sync" }).click();
    await page.locator("[data-sync-history] tr", { hasText: "5 users created" }).waitFor({ timeout: 20_000 });
    // The run's end refreshes the page: counts and state as the API now has them.
    await page.locator("[data-counts]", { hasText: "5 active users, 0 inactive users" }).waitFor();
    expect(await page.locator("h1 .badge").textContent()).toBe("Linked");
    await page.getByLabel("CSV rows").fill(rows.slice(0, 2).join("\n"));
    await page.getByRole("button", { name: "Upload and sync" }).click();
    const held = page.getByRole("button", { name: "Confirm and remove 4 users" });
    await held.waitFor({ timeout: 20_000 });
    // What confirming would do, before it is done.
    const planned = page.locator("[data-sync-history] details.changes").first();
    await planned.locator("summary").click();
    expect(await planned.textContent()).toContain("eve");
    await browser.screenshot(page, "console-held-run");
    await held.click();
    await confirm(page, "Confirm the run");
    await page.locator("[data-counts]", { hasText: "1 active user, 4 inactive users" }).waitFor({ timeout: 20_000 });
    expect(((await api("GET", `/directories/${made.json.id}`, ADMIN_KEY)).json.metadata as Json).users).toEqual({
      active: 1,
      inactive: 4,
    });
    await page.close();
  }, 60_000);

  it("fits a phone-sized screen and works from the keyboard", async () => {
    const org = await orgWithKey("Soylent");
    const made = await api("POST", "/directories", org.key, { name: "Soylent OneLogin", type: "onelogin scim v2.0" });
    const scimInfo = made.json.scim as Json;
    expect(
      (
        await scim(
          scimInfo.base_url as string,
          scimInfo.token as string,
          "POST",
          "/Users",
          scimUser("sol@soylent.test", "Sol", "Roth"),
        )
      ).status,
    ).toBe(201);
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/console`);
    // Keyboard only: the key field has focus, Enter signs in.
    await page.getByLabel("Admin key or organization API key").waitFor();
    await browser.screenshot(page, "console-sign-in-phone");
    await page.keyboard.type(ADMIN_KEY);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Organizations" }).waitFor();
    const overflow = () => page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`${server.url}/console#/directories/${made.json.id}/requests`);
    await page.getByRole("heading", { name: /SCIM requests of/ }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`${server.url}/console#/directories`);
    await page.getByRole("heading", { name: "Directories" }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`${server.url}/console#/directories/${made.json.id}`);
    await page.locator("#scim-base-url").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    const copy = await page.locator('button[data-copy="scim-base-url"]').boundingBox();
    expect(copy && copy.x + copy.width).toBeLessThanOrEqual(390);
    await browser.screenshot(page, "console-phone");
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}/console#/directories`);
    await page.getByRole("heading", { name: "Directories" }).waitFor();
    await page.locator('td[data-label="Last activity"] time').first().waitFor();
    await browser.screenshot(page, "console-directories");
    await page.close();
  });
});
