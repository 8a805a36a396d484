/**
 * The setup portal in a real browser (Debian's Chromium through playwright-core) against a real
 * Roster listening on loopback: what the customer's IT admin sees, from the link to `linked`.
 */
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../../test/support/browser.js";
import { createTestDatabase, DIALECTS, type Dialect, type TestDatabase } from "../../test/support/databases.js";
import { startOktaStandin } from "../../test/support/okta-standin.js";
import { loadConfig } from "../config.js";
import { type RunningServer, startServer } from "../server/start.js";
import { jsonRequest } from "../../test/support/json-request.js";

const ADMIN_KEY = "roster_admin_portalbrowser_0123456789abcdefghijklmnopq";
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

type Json = Record<string, unknown>;

describe.each(DIALECTS)("the setup portal in Chromium (%s)", (dialect: Dialect) => {
  let database: TestDatabase;
  let server: RunningServer;
  let browser: TestBrowser;
  let acme: { id: string; key: string };
  let globex: { id: string; key: string };

  function api(method: string, path: string, key: string, body?: unknown) {
    return jsonRequest<Json>(server.url, key, method, path, body);
  }

  async function orgWithKey(name: string): Promise<{ id: string; key: string }> {
    const org = await api("POST", "/organizations", ADMIN_KEY, { name });
    const key = await api("POST", `/organizations/${org.json.id}/api_keys`, ADMIN_KEY, { name: "app" });
    return { id: org.json.id as string, key: key.json.key as string };
  }

  async function setupLink(org: { id: string; key: string }, extra: Json = {}): Promise<string> {
    const res = await api("POST", "/portal/generate_link", org.key, {
      organization: org.id,
      intent: "dsync",
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.json.link as string;
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

  /** Opens a link in a new tab and follows it to the portal's first page. */
  async function openPortal(link: string): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(link);
    await page.waitForURL(`${server.url}/portal`);
    return page;
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
    acme = await orgWithKey("Acme");
    globex = await orgWithKey("Globex");
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.drop();
  });

  it("takes the IT admin from the link to a linked directory: token shown once and copied, the IdP's requests and first user appear live", async () => {
    const link = await setupLink(acme, {
      success_url: "https://app.example/dsync-done",
      return_url: "https://app.example/settings",
    });
    const page = await openPortal(link);
    await expect(page.getByRole("heading", { name: "Connect your directory" }).isVisible()).resolves.toBe(true);
    expect(await page.locator(".subtitle").textContent()).toBe("Directory setup for Acme");
    expect(await page.getByRole("link", { name: "Back to the application" }).getAttribute("href")).toBe(
      "https://app.example/settings",
    );
    await browser.screenshot(page, "portal-choose-idp");

    await page.getByRole("link", { name: /^Okta\s*Okta pushes/ }).click();
    await page.getByLabel("Directory name").fill("Okta – employees");
    await page.getByRole("button", { name: "Create the directory" }).click();
    await page.getByRole("heading", { name: "Okta – employees" }).waitFor();

    const base = await page.locator("#scim-base-url").inputValue();
    const token = await page.locator("#scim-token").inputValue();
    expect(token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    const listed = await api("GET", "/directories", acme.key);
    const directory = (listed.json.data as Json[]).find((d) => d.name === "Okta – employees") as Json;
    expect(base).toBe(`${server.url}/scim/v2/${directory.id}`);
    expect(directory.state).toBe("unlinked");
    await page.locator('button[data-copy="scim-token"]').click();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(token);
    await expect(page.locator(".badge").first().textContent()).resolves.toBe("Waiting for the first request");
    expect(await page.locator(".guide").textContent()).toContain("SCIM connector base URL");
    await browser.screenshot(page, "portal-token-once");

    // The IdP first tries a stale token, then a filter Roster cannot parse, then the right token.
    expect((await scim(base, "scim_an-old-token", "GET", "/Users?count=1")).status).toBe(401);
    await page.locator('[data-activity="last-error"]', { hasText: "token Roster does not accept" }).waitFor();
    expect((await api("GET", `/directories/${directory.id}`, acme.key)).json.state).toBe("unlinked");
    expect(
      (await scim(base, token, "GET", `/Users?filter=${encodeURIComponent('userName eq "unterminated')}`)).status,
    ).toBe(400);
    await page.locator('[data-activity="last-error"]', { hasText: "search Roster could not understand" }).waitFor();
    await page.locator(".badge", { hasText: "Linked" }).first().waitFor();
    const created = await scim(base, token, "POST", "/Users", {
      schemas: [USER_SCHEMA],
      userName: "ada@acme.test",
      name: { givenName: "Ada", familyName: "Lovelace" },
      emails: [{ primary: true, type: "work", value: "ada@acme.test" }],
      active: true,
    });
    expect(created.status).toBe(201);
    await page.locator('[data-activity="users"] li', { hasText: "ada@acme.test" }).waitFor();
    await page.locator('[data-activity="requests"] li', { hasText: "created a user" }).waitFor();
    expect(await page.locator('[data-activity="counts"]').textContent()).toBe(
      "1 active user, 0 inactive users, 0 groups",
    );
    expect(await page.locator('[data-activity="waiting"]').isHidden()).toBe(true);
    expect((await api("GET", `/directories/${directory.id}`, acme.key)).json.state).toBe("linked");
    await browser.screenshot(page, "portal-linked");

    // Coming back: the token is not shown again; rotating it shows a new one once, and the old one stops working.
    await page.getByRole("link", { name: "Go to the directory's page" }).click();
    await page.getByRole("heading", { name: "Health" }).waitFor();
    expect(await page.content()).not.toContain(token);
    expect(await page.locator(".done a").getAttribute("href")).toBe("https://app.example/dsync-done");
    await browser.screenshot(page, "portal-directory-health");
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Rotate the token" }).click();
    await page.getByRole("heading", { name: "Your new SCIM credentials" }).waitFor();
    const rotated = await page.locator("#scim-token").inputValue();
    expect(rotated).not.toBe(token);
    expect((await scim(base, token, "GET", "/Users")).status).toBe(401);
    expect((await scim(base, rotated, "GET", "/Users")).status).toBe(200);
    await page.close();
  });

  it("says a link was already used when it is opened a second time", async () => {
    const link = await setupLink(acme);
    await (await openPortal(link)).close();
    const page = await browser.context.newPage();
    const response = await page.goto(link);
    expect(response?.status()).toBe(410);
    expect(await page.getByRole("heading").first().textContent()).toBe("This setup link has already been used");
    await page.close();
  });

  it("says a link has expired when it was not opened within five minutes", async () => {
    const link = await setupLink(acme);
    // The server runs on the real clock: the link is made older instead.
    await server.storage.db
      .updateTable("portal_links")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("opened_at", "is", null)
      .execute();
    const page = await browser.context.newPage();
    const response = await page.goto(link);
    expect(response?.status()).toBe(410);
    expect(await page.getByRole("heading").first().textContent()).toBe("This setup link has expired");
    expect(await page.content()).not.toMatch(/Error|stack|\.ts:\d+/);
    await browser.screenshot(page, "portal-link-expired");
    await page.close();
  });

  it("keeps a portal session to its own organization: another organization's directory is not found, the API stays closed", async () => {
    const theirs = await api("POST", "/directories", globex.key, { name: "Globex Entra", type: "azure scim v2.0" });
    const page = await openPortal(await setupLink(acme));
    const response = await page.goto(`${server.url}/portal/directories/${theirs.json.id}`);
    expect(response?.status()).toBe(404);
    expect(await page.content()).not.toContain("Globex Entra");
    const calls = await page.evaluate(async (id) => {
      const activity = await fetch(`/portal/directories/${id}/activity`);
      const apiList = await fetch("/directories");
      return [activity.status, apiList.status];
    }, theirs.json.id as string);
    expect(calls).toEqual([404, 401]);
    await page.close();
  });

  it("refuses a form posted without the session's CSRF token", async () => {
    const page = await openPortal(await setupLink(globex));
    const before = (await api("GET", "/directories?limit=100", globex.key)).json.data as Json[];
    const status = await page.evaluate(async () => {
      const res = await fetch("/portal/directories", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "idp=okta&name=Forged",
      });
      return res.status;
    });
    expect(status).toBe(403);
    expect((await api("GET", "/directories?limit=100", globex.key)).json.data).toEqual(before);
    // The same form with the page's token goes through.
    await page.goto(`${server.url}/portal/setup/scim`);
    await page.getByRole("button", { name: "Create the directory" }).click();
    await page.locator("#scim-token").waitFor();
    expect(((await api("GET", "/directories?limit=100", globex.key)).json.data as Json[]).length).toBe(
      before.length + 1,
    );
    await page.close();
  });
  it("sets up a CSV directory: an upload syncs it and links it; a run the mass-removal guard holds is confirmed on the page", async () => {
    const page = await openPortal(await setupLink(globex));
    await page.getByRole("link", { name: /^CSV file/ }).click();
    await page.getByLabel("Directory name").fill("HR export");
    await page.getByRole("button", { name: "Create the directory" }).click();
    await page.getByRole("heading", { name: "HR export" }).waitFor();
    const rows = [
      "username,email,first_name,last_name,groups",
      ...["ada", "bob", "cy", "dee", "eve"].map((u) => `${u},${u}@globex.test,${u},Test,Staff`),
    ];
    await page.getByLabel("or paste the rows").fill(rows.join("\n"));
    await page.getByRole("button", { name: "Upload and sync" }).click();
    await page.locator('[data-activity="run"]', { hasText: "5 users created" }).waitFor();
    await page.locator('[data-activity="groups"] li', { hasText: "Staff" }).waitFor();
    await expect(page.locator(".badge").first().textContent()).resolves.toBe("Linked");

    // Four of five gone at once is more than the guard's 20 %: the run waits for a person.
    await page.getByLabel("or paste the rows").fill(rows.slice(0, 2).join("\n"));
    await page.getByRole("button", { name: "Upload and sync" }).click();
    const confirm = page.getByRole("button", { name: "Confirm and remove 4 users" });
    await confirm.waitFor();
    expect(await page.locator('[data-activity="run"]').textContent()).toContain("stopped before removing 4 users");
    await browser.screenshot(page, "portal-csv-held-run");
    page.once("dialog", (dialog) => void dialog.accept());
    await confirm.click();
    await page
      .locator('[data-activity="counts"]', { hasText: "1 active user, 4 inactive users" })
      .waitFor({ timeout: 20_000 });
    const dirs = (await api("GET", "/directories?limit=100", globex.key)).json.data as Json[];
    expect(dirs.find((d) => d.name === "HR export")).toMatchObject({
      state: "linked",
      metadata: { users: { active: 1, inactive: 4 } },
    });
    await page.close();
  }, 90_000);
  it("sets up Okta read through its API with a service app and its app groups: the steps, the key pasted, the box ticked, Sync now brings the users in", async () => {
    const okta = await startOktaStandin();
    try {
      const people = ["ada", "bob", "cy"].map(
        (name) => okta.addUser({ login: `${name}@globex.test`, firstName: name, lastName: "Okta" }).id,
      );
      okta.addGroup("AD Admins", people.slice(0, 1), "APP_GROUP");
      const app = okta.addServiceApp();
      const page = await openPortal(await setupLink(globex));
      await page.getByRole("link", { name: /^Okta \(read by Roster\)/ }).click();
      await page.getByRole("heading", { name: "Before you start" }).waitFor();
      expect(await page.locator("section.card ol").textContent()).toContain("okta.groups.read");
      await page.getByLabel("Directory name").fill("Globex Okta");
      await page.getByLabel("Okta org URL").fill(okta.orgUrl);
      await page.getByLabel("Service app Client ID (optional)").fill(app.clientId);
      await page.getByLabel("Service app private key (optional)").fill(app.privatePem);
      await page.getByLabel("Also read app groups").check();
      await page.getByRole("button", { name: "Create the directory" }).click();
      await page.getByRole("heading", { name: "Globex Okta" }).waitFor();
      expect(await page.content()).not.toContain(app.privatePem.split("\n")[1]);
      await page.getByRole("button", { name: "Sync now" }).click();
      await page.locator('[data-activity="run"]', { hasText: "3 users created" }).waitFor({ timeout: 30_000 });
      expect(okta.tokenAnswers).toContain("issued DPoP");
      const dirs = (await api("GET", "/directories?limit=100", globex.key)).json.data as Json[];
      const directory = dirs.find((d) => d.name === "Globex Okta") as Json;
      expect(directory).toMatchObject({
        type: "okta api",
        connector: { client_id: app.clientId, private_key_set: true, include_app_groups: true },
      });
      const groups = (await api("GET", `/directory_groups?directory=${directory.id}`, globex.key)).json.data as Json[];
      expect(groups.map((g) => g.name)).toEqual(["AD Admins"]);
      await page.close();
    } finally {
      await okta.close();
    }
  }, 90_000);
  it("sets up Entra ID read through Microsoft Graph for chosen groups: one group a line becomes group_filter; unticked, Okta's app groups stay off", async () => {
    const page = await openPortal(await setupLink(globex));
    await page.getByRole("link", { name: /^Microsoft Entra ID \(read by Roster\)/ }).click();
    await page.getByLabel("Directory name").fill("Globex Entra");
    await page.getByLabel("Directory (tenant) ID").fill("globex.onmicrosoft.com");
    await page.getByLabel("Application (client) ID").fill("5f0c3f8e-1d2b-4c6a-9e7f-0a1b2c3d4e5f");
    await page.getByLabel("Client secret value").fill("Qq8~portal-test-secret");
    const groups = page.getByLabel("Only these groups (optional)");
    await groups.fill("Engineering\n0b5d3b4e-5a1c-4f0e-9d7a-2f4c1e8b6a90\nSales, EMEA");
    await browser.screenshot(page, "portal-entra-pull-setup");
    // Blank lines and spaces around an entry, as pasted, are left out.
    await groups.fill("Engineering\n\n  0b5d3b4e-5a1c-4f0e-9d7a-2f4c1e8b6a90  \nSales, EMEA\n");
    await page.getByRole("button", { name: "Create the directory" }).click();
    await page.getByRole("heading", { name: "Globex Entra" }).waitFor();
    const dirs = (await api("GET", "/directories?limit=100", globex.key)).json.data as Json[];
    expect(dirs.find((d) => d.name === "Globex Entra")).toMatchObject({
      type: "entra id",
      connector: {
        tenant_id: "globex.onmicrosoft.com",
        client_secret_set: true,
        group_filter: ["Engineering", "0b5d3b4e-5a1c-4f0e-9d7a-2f4c1e8b6a90", "Sales, EMEA"],
      },
    });
    // The Okta form's box left unticked: the setting is left out (Okta's own groups only).
    await page.goto(`${server.url}/portal/setup/okta-api`);
    await page.getByLabel("Directory name").fill("Globex Okta tokens");
    await page.getByLabel("Okta org URL").fill("https://globex.okta.com");
    await page.getByLabel("API token").fill("00portal-test-token");
    expect(await page.getByLabel("Also read app groups").isChecked()).toBe(false);
    await page.getByRole("button", { name: "Create the directory" }).click();
    await page.getByRole("heading", { name: "Globex Okta tokens" }).waitFor();
    const okta = ((await api("GET", "/directories?limit=100", globex.key)).json.data as Json[]).find(
      (d) => d.name === "Globex Okta tokens",
    );
    expect(okta?.connector).toEqual({ org_url: "https://globex.okta.com", token_set: true });
    await page.close();
  }, 60_000);

  it("fits a phone-sized screen: no page is wider than the screen, and the copy buttons stay in reach", async () => {
    const page = await openPortal(await setupLink(acme));
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = () => page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`${server.url}/portal/setup/entra`);
    await page.getByRole("button", { name: "Create the directory" }).click();
    await page.locator("#scim-token").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    const copy = await page.locator('button[data-copy="scim-token"]').boundingBox();
    expect(copy && copy.x + copy.width).toBeLessThanOrEqual(390);
    await browser.screenshot(page, "portal-phone");
    await page.close();
  });
});
