/**
 * The console's pull-directory pages in a real browser (Debian's Chromium through playwright-core):
 * an LDAP directory created with its connector settings against a real slapd, its connection test,
 * a sync, and the mapping editors with a preview on a synced user. Everything goes through the
 * public API; credentials never come back, on the page or in the API's answer.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../../test/support/browser.js";
import { createTestDatabase, DIALECTS, type Dialect, type TestDatabase } from "../../test/support/databases.js";
import { type SlapdServer, startSlapd } from "../../test/support/slapd.js";
import { loadConfig } from "../config.js";
import { type RunningServer, startServer } from "../server/start.js";
import { jsonRequest } from "../../test/support/json-request.js";

const ADMIN_KEY = "roster_admin_consolepull_0123456789abcdefghijklmnopqr";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/** A Google service account key file as Google issues it (a fresh RSA key; nothing is ever signed for Google). */
function serviceAccountKey(): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
  return JSON.stringify({
    type: "service_account",
    project_id: "roster-test",
    private_key_id: "k1",
    private_key: pem,
    client_email: "roster@roster-test.iam.gserviceaccount.com",
    token_uri: "https://oauth2.googleapis.com/token",
  });
}

type Json = Record<string, unknown>;

describe.each(DIALECTS)("the console's pull directories and mappings in Chromium (%s)", (dialect: Dialect) => {
  let database: TestDatabase;
  let server: RunningServer;
  let browser: TestBrowser;
  let slapd: SlapdServer;
  let org: { id: string; key: string };
  let directoryId = "";

  function api(method: string, path: string, key: string, body?: unknown) {
    return jsonRequest<Json>(server.url, key, method, path, body);
  }

  async function signIn(key: string): Promise<Page> {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/console`);
    await page.getByLabel("Admin key or organization API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    return page;
  }

  beforeAll(async () => {
    slapd = await startSlapd({ directory: { users: 4, groups: 2, membersPerGroup: 3 } });
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
    const made = await api("POST", "/organizations", ADMIN_KEY, { name: "Initrode" });
    const key = await api("POST", `/organizations/${made.json.id}/api_keys`, ADMIN_KEY, { name: "console" });
    org = { id: made.json.id as string, key: key.json.key as string };
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.drop();
    await slapd?.stop();
  });

  it("creates an LDAP directory with its connector, tests the connection in words, syncs it and lists its users; the password never comes back", async () => {
    const page = await signIn(org.key);
    await page.getByRole("heading", { name: "Initrode", level: 1 }).waitFor();
    await page.getByLabel("Directory name").fill("Initrode LDAP");
    await page.getByLabel("Identity provider").selectOption("ldap");
    // What to prepare at the provider comes with the form (the setup portal's text).
    await page.getByText("What to prepare first").click();
    await page.getByText("Create (or pick) a service account").waitFor();
    await page.getByLabel("Server URL").fill(slapd.url);
    await page.getByLabel("Bind DN").fill(slapd.readerDn);
    await page.getByLabel("Bind password").fill(slapd.readerPassword);
    await page.getByLabel("Base DN").fill(slapd.baseDn);
    await page.getByLabel("Schedule").fill("1h");
    await browser.screenshot(page, "console-new-ldap-directory");
    // Left out, a required setting is named in words before anything is sent.
    await page.getByLabel("Base DN").fill("");
    await page.getByRole("button", { name: "Create the directory" }).click();
    await page.getByRole("alert").getByText("connector.base_dn: is required").waitFor();
    expect((await api("GET", `/directories?organization_id=${org.id}`, org.key)).json.data).toEqual([]);
    await page.getByLabel("Base DN").fill(slapd.baseDn);
    await page.getByRole("button", { name: "Create the directory" }).click();
    await page.getByRole("heading", { name: /Initrode LDAP/ }).waitFor();

    const listed = ((await api("GET", `/directories?organization_id=${org.id}`, org.key)).json.data as Json[]).find(
      (d) => d.name === "Initrode LDAP",
    ) as Json;
    directoryId = listed.id as string;
    const answer = await api("GET", `/directories/${directoryId}`, org.key);
    expect(answer.json.connector).toMatchObject({
      url: slapd.url,
      bind_dn: slapd.readerDn,
      base_dn: slapd.baseDn,
      schedule: "1h",
      password_set: true,
    });
    expect(answer.json.connector).not.toHaveProperty("password");
    expect(answer.text).not.toContain(slapd.readerPassword);

    // The connector card: the password only as "set", its input empty.
    const card = page.locator("form.connector-card");
    await card.locator('[data-secret-state="password"]', { hasText: "set" }).waitFor();
    expect(await card.getByLabel(/Bind password/).inputValue()).toBe("");
    expect(await card.getByLabel("Server URL").inputValue()).toBe(slapd.url);
    expect(await page.content()).not.toContain(slapd.readerPassword);

    await card.getByRole("button", { name: "Test connection" }).click();
    const report = page.locator('[data-test-ok="true"]');
    await report.waitFor({ timeout: 20_000 });
    expect(await report.textContent()).toContain("Every check passed");
    expect(await report.locator("li").count()).toBeGreaterThan(0);
    expect(await report.locator("li.check-failed").count()).toBe(0);
    expect(await report.textContent()).toMatch(/passed\./);
    await report.scrollIntoViewIfNeeded();
    await browser.screenshot(page, "console-connector-test");

    await page.getByRole("button", { name: "Sync now", exact: true }).click();
    await page.locator("[data-counts]", { hasText: "4 active users" }).waitFor({ timeout: 30_000 });
    await page.getByRole("link", { name: "Users", exact: true }).click();
    await page.getByRole("link", { name: "user1", exact: true }).waitFor();
    expect(await page.locator("tbody tr").count()).toBe(4);
    await page.close();
  }, 90_000);

  it("says in words which check fails after the password is replaced with a wrong one, and keeps the password write-only", async () => {
    const page = await signIn(org.key);
    await page.goto(`${server.url}/console#/directories/${directoryId}`);
    const card = page.locator("form.connector-card");
    await card.getByLabel(/Bind password/).fill("not-the-password");
    await card.getByRole("button", { name: "Save the connector settings" }).click();
    await card.getByText("Saved. Test the connection").waitFor();
    await card.getByRole("button", { name: "Test connection" }).click();
    const report = page.locator('[data-test-ok="false"]');
    await report.waitFor({ timeout: 20_000 });
    expect(await report.locator("li.check-failed").count()).toBeGreaterThan(0);
    expect(await report.textContent()).toContain("failed.");
    expect(await page.content()).not.toContain("not-the-password");
    await browser.screenshot(page, "console-connector-test-failed");
    // Put the right one back: only the password is sent, the other settings stay as they were.
    await card.getByLabel(/Bind password/).fill(slapd.readerPassword);
    await card.getByRole("button", { name: "Save the connector settings" }).click();
    await card.getByText("Saved. Test the connection").waitFor();
    await card.getByRole("button", { name: "Test connection" }).click();
    await page.locator('[data-test-ok="true"]').waitFor({ timeout: 20_000 });
    const answer = await api("GET", `/directories/${directoryId}`, org.key);
    expect(answer.json.connector).toMatchObject({ url: slapd.url, schedule: "1h", password_set: true });
    expect(answer.text).not.toContain(slapd.readerPassword);
    await page.close();
  }, 60_000);

  it("sets the LDAP attribute names the form once left to the API (names, title, group name, the active attribute and its format, extra), and they take effect on the next sync", async () => {
    const page = await signIn(org.key);
    await page.goto(`${server.url}/console#/directories/${directoryId}`);
    const card = page.locator("form.connector-card");
    await card.getByText("More settings").click();
    await card.getByLabel("First name attribute").fill("uid");
    await card.getByLabel("Last name attribute").fill("sn");
    await card.getByLabel("Job title attribute").fill("employeeNumber");
    await card.getByLabel("Group name attribute").fill("cn");
    await card.getByLabel("Active attribute", { exact: true }).fill("nsAccountLock");
    await card.getByLabel("The active attribute's format").selectOption("inverted_boolean");
    await card.getByLabel("More attributes for raw_attributes").fill("cn, mail");
    await card.getByRole("button", { name: "Save the connector settings" }).click();
    await card.getByText("Saved. Test the connection").waitFor();
    const answer = await api("GET", `/directories/${directoryId}`, org.key);
    expect(answer.json.connector).toMatchObject({
      url: slapd.url,
      password_set: true,
      attributes: {
        first_name: "uid",
        last_name: "sn",
        job_title: "employeeNumber",
        group_name: "cn",
        active: { attribute: "nsAccountLock", format: "inverted_boolean" },
        extra: ["cn", "mail"],
      },
    });
    // An organization key sees whether the admin let the connector reach private addresses, and cannot change it.
    expect(await card.locator("input[name=private_network]").count()).toBe(0);

    await page.getByRole("button", { name: "Sync now", exact: true }).click();
    await expect
      .poll(
        async () =>
          ((await api("GET", `/directory_users?directory=${directoryId}&limit=10`, org.key)).json.data as Json[]).find(
            (u) => u.username === "user1",
          ),
        { timeout: 30_000 },
      )
      .toMatchObject({ first_name: "user1", job_title: "1", state: "active" });

    // A name alone (the API's short form) comes back in the fields, and an unrelated save keeps it so.
    expect(
      (
        await api("PATCH", `/directories/${directoryId}`, org.key, {
          connector: { attributes: { active: "userAccountControl", first_name: "uid" } },
        })
      ).status,
    ).toBe(200);
    await page.reload();
    await card.getByText("More settings").click();
    expect(await card.getByLabel("Active attribute", { exact: true }).inputValue()).toBe("userAccountControl");
    expect(await card.getByLabel("The active attribute's format").inputValue()).toBe("");
    await card.getByLabel("Schedule").fill("2h");
    await card.getByRole("button", { name: "Save the connector settings" }).click();
    await card.getByText("Saved. Test the connection").waitFor();
    expect((await api("GET", `/directories/${directoryId}`, org.key)).json.connector).toMatchObject({
      schedule: "2h",
      attributes: { active: "userAccountControl", first_name: "uid" },
    });
    // A format without an attribute is named before anything is sent.
    await card.getByText("More settings").click();
    await card.getByLabel("Active attribute", { exact: true }).fill("");
    await card.getByLabel("The active attribute's format").selectOption("boolean");
    await card.getByRole("button", { name: "Save the connector settings" }).click();
    await card
      .getByRole("alert")
      .getByText("connector.attributes.active.attribute: is required with a format")
      .waitFor();
    // Back to the defaults (and the users as they were) for the tests after this one.
    expect(
      (await api("PATCH", `/directories/${directoryId}`, org.key, { connector: { attributes: null, schedule: "1h" } }))
        .status,
    ).toBe(200);
    expect((await api("POST", `/directories/${directoryId}/sync`, org.key)).status).toBe(202);
    await expect
      .poll(
        async () =>
          ((await api("GET", `/directory_users?directory=${directoryId}&limit=10`, org.key)).json.data as Json[]).find(
            (u) => u.username === "user1",
          )?.first_name,
        { timeout: 30_000 },
      )
      .toBe("Given1");
    await page.close();
  }, 60_000);

  it("lets the admin key, and only it, give or take a pull directory's leave to reach private addresses, from the connector card and the new-directory form", async () => {
    expect((await api("GET", `/directories/${directoryId}`, org.key)).json.private_network).toBe(false);
    const page = await signIn(ADMIN_KEY);
    await page.goto(`${server.url}/console#/directories/${directoryId}`);
    const card = page.locator("form.connector-card");
    const leave = card.getByLabel("May reach private addresses (loopback, private networks, link-local)");
    expect(await leave.isChecked()).toBe(false);
    await leave.check();
    await card.getByRole("button", { name: "Save the connector settings" }).click();
    await card.getByText("Saved. Test the connection").waitFor();
    expect((await api("GET", `/directories/${directoryId}`, org.key)).json.private_network).toBe(true);
    await page.reload();
    expect(await leave.isChecked()).toBe(true);

    // The organization's own key sees it in words, with no control.
    const orgPage = await signIn(org.key);
    await orgPage.goto(`${server.url}/console#/directories/${directoryId}`);
    await orgPage.locator("form.connector-card [data-private-network]").waitFor();
    expect(await orgPage.locator("input[name=private_network]").count()).toBe(0);
    await orgPage.close();

    // Taken back by the admin.
    const again = await signIn(ADMIN_KEY);
    await again.goto(`${server.url}/console#/directories/${directoryId}`);
    await again
      .locator("form.connector-card")
      .getByLabel("May reach private addresses (loopback, private networks, link-local)")
      .uncheck();
    await again.locator("form.connector-card").getByRole("button", { name: "Save the connector settings" }).click();
    await again.locator("form.connector-card").getByText("Saved. Test the connection").waitFor();
    expect((await api("GET", `/directories/${directoryId}`, org.key)).json.private_network).toBe(false);

    // A new pull directory: ticked by default for the admin (the API's default for its key); unticked, it is made without.
    await again.goto(`${server.url}/console#/organizations/${org.id}`);
    await again.getByLabel("Directory name").fill("Initrode CSV, public only");
    await again.getByLabel("Identity provider").selectOption("csv");
    const newLeave = again
      .locator("form.new-directory")
      .getByLabel("May reach private addresses (loopback, private networks, link-local)");
    expect(await newLeave.isChecked()).toBe(true);
    await newLeave.uncheck();
    await again.getByRole("button", { name: "Create the directory" }).click();
    await again.getByRole("heading", { name: /Initrode CSV, public only/ }).waitFor();
    const made = (
      (await api("GET", `/directories?organization_id=${org.id}&limit=100`, org.key)).json.data as Json[]
    ).find((d) => d.name === "Initrode CSV, public only");
    expect(made?.private_network).toBe(false);
    await again.close();
    await page.close();
  }, 60_000);

  it("previews an attribute mapping on a synced user, shows an invalid one's error in words, saves, and can put the previous mapping back", async () => {
    const page = await signIn(org.key);
    await page.goto(`${server.url}/console#/directories/${directoryId}`);
    const card = page.locator("form.mapping-card");
    await card.getByLabel("Custom attribute name").first().fill("employee_number");
    await card.getByLabel("Source attribute path").first().fill("employeeNumber");
    await card.getByRole("button", { name: "Add a rule" }).click();
    await card.getByLabel("Group (name, id or idp_id)").fill("group0");
    await card.getByLabel("Role slug").fill("admin");
    // The user is found by a search on its name.
    await card.getByLabel("Find a user to preview on").fill("Surname1");
    await expect
      .poll(() => card.getByLabel("Preview on", { exact: true }).locator("option").allTextContents())
      .toEqual(["user1@example.test (Given1 Surname1)"]);
    await card.getByRole("button", { name: "Preview on this user" }).click();
    await card.locator('[data-attribute="employee_number"]', { hasText: "1" }).waitFor();
    expect(await card.locator("[data-role]").textContent()).toBe("admin");
    await browser.screenshot(page, "console-mapping-preview");
    // Nothing saved yet.
    const users = (await api("GET", `/directory_users?directory=${directoryId}&limit=10`, org.key)).json.data as Json[];
    const user1 = users.find((u) => u.username === "user1") ?? users.find((u) => u.email === "user1@example.test");
    expect(user1?.custom_attributes).toEqual({});

    // An invalid name: the API's error in words, on its row.
    await card.getByLabel("Custom attribute name").first().fill("1st number");
    await card.getByRole("button", { name: "Preview on this user" }).click();
    await card.getByRole("alert").getByText("Please correct the form").waitFor();
    const rowError = card.locator(".mapping-row.invalid .row-error");
    expect(await rowError.textContent()).toContain("names start with a letter");
    expect(await card.locator(".error-box").textContent()).toContain(
      "attribute_mapping.1st number: names start with a letter",
    );
    await browser.screenshot(page, "console-mapping-error");

    await card.getByLabel("Custom attribute name").first().fill("employee_number");
    await card.getByRole("button", { name: "Save the mappings" }).click();
    await card.getByText("Saved, and applied to every user.").waitFor();
    const saved = await api("GET", `/directory_users/${user1?.id}`, org.key);
    expect(saved.json).toMatchObject({ custom_attributes: { employee_number: "1" }, role: { slug: "admin" } });

    // Undo: the previous (empty) mapping back in the editors, then saved again.
    await card.getByRole("button", { name: "put the previous mapping back in the editors" }).click();
    expect(await card.getByLabel("Custom attribute name").first().inputValue()).toBe("");
    await card.getByRole("button", { name: "Save the mappings" }).click();
    await card.getByText("Saved, and applied to every user.").waitFor();
    expect((await api("GET", `/directory_users/${user1?.id}`, org.key)).json).toMatchObject({
      custom_attributes: {},
      role: null,
    });

    // The connector and mapping cards fit a phone's width too.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.locator("form.mapping-card").waitFor();
    expect(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")).toBeLessThanOrEqual(0);
    await page.close();
  }, 60_000);

  it("pulls from a SCIM server on loopback (this Roster's own SCIM base), tests it, syncs, and previews an enterprise-extension mapping", async () => {
    // The upstream: a push directory, filled over SCIM, read back through its SCIM base like any other server.
    const upstream = await api("POST", "/directories", ADMIN_KEY, {
      organization_id: org.id,
      name: "Upstream Okta",
      type: "okta scim v2.0",
    });
    const scim = upstream.json.scim as Json;
    for (const [name, department] of [
      ["ada", "Engineering"],
      ["grace", "Research"],
    ]) {
      const res = await fetch(`${scim.base_url}/Users`, {
        method: "POST",
        headers: { authorization: `Bearer ${scim.token}`, "content-type": "application/scim+json" },
        body: JSON.stringify({
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
          userName: `${name}@initrode.test`,
          active: true,
          [ENTERPRISE]: { department },
        }),
      });
      expect(res.status).toBe(201);
    }
    const page = await signIn(org.key);
    await page.getByRole("heading", { name: "Initrode", level: 1 }).waitFor();
    await page.getByLabel("Directory name").fill("Upstream pulled");
    await page.getByLabel("Identity provider").selectOption("scim pull");
    await page.getByLabel("SCIM base URL").fill(scim.base_url as string);
    await page.getByLabel("Bearer token").fill(scim.token as string);
    await page.getByRole("button", { name: "Create the directory" }).click();
    await page.getByRole("heading", { name: /Upstream pulled/ }).waitFor();
    const card = page.locator("form.connector-card");
    await card.locator('[data-secret-state="token"]', { hasText: "set" }).waitFor();
    expect(await page.content()).not.toContain(scim.token as string);
    await card.getByRole("button", { name: "Test connection" }).click();
    await page.locator('[data-test-ok="true"]').waitFor({ timeout: 20_000 });
    await page.getByRole("button", { name: "Sync now", exact: true }).click();
    await page.locator("[data-counts]", { hasText: "2 active users" }).waitFor({ timeout: 30_000 });

    const mapping = page.locator("form.mapping-card");
    await mapping.getByLabel("Custom attribute name").first().fill("department");
    await mapping.getByLabel("Source attribute path").first().fill(`${ENTERPRISE}:department`);
    await mapping.getByLabel("Preview on", { exact: true }).selectOption({ label: "grace@initrode.test" });
    await mapping.getByRole("button", { name: "Preview on this user" }).click();
    await mapping.locator('[data-attribute="department"]', { hasText: "Research" }).waitFor();
    await page.close();
  }, 60_000);

  it("creates a directory of every other pull kind from the form, its credential stored but never shown back", async () => {
    const kinds: [string, Record<string, string>, string][] = [
      ["okta api", { "Okta org URL": "https://initrode.okta.test", "API token": "00okta-token-do-not-show" }, "token"],
      [
        "entra id",
        {
          "Directory (tenant) ID": "initrode.onmicrosoft.com",
          "Application (client) ID": "3c9e1b2a-0000-4000-8000-000000000001",
          "Client secret (its Value)": "entra~secret~do-not-show",
          "Only members of these groups": "Sales, EMEA\nEngineering",
        },
        "client_secret",
      ],
      [
        "google workspace",
        {
          "Service account key (the JSON file's text)": serviceAccountKey(),
          "Administrator to act as": "admin@initrode.test",
        },
        "service_account_key",
      ],
      ["csv", { "Column names": "Login = username\nMail = email" }, ""],
    ];
    const page = await signIn(org.key);
    for (const [type, values, secretKey] of kinds) {
      await page.goto(`${server.url}/console#/organizations/${org.id}`);
      await page.getByLabel("Directory name").fill(`Initrode ${type}`);
      await page.getByLabel("Identity provider").selectOption(type);
      for (const [label, value] of Object.entries(values)) await page.getByLabel(label, { exact: true }).fill(value);
      await page.getByRole("button", { name: "Create the directory" }).click();
      await page.getByRole("heading", { name: new RegExp(`Initrode ${type}`) }).waitFor();
      const made = (
        (await api("GET", `/directories?organization_id=${org.id}&limit=100`, org.key)).json.data as Json[]
      ).find((d) => d.name === `Initrode ${type}`) as Json;
      const answer = await api("GET", `/directories/${made.id}`, org.key);
      expect(made.type).toBe(type);
      if (secretKey) {
        const given = Object.entries(values).find(([label]) => /token|secret|key/i.test(label))?.[1] as string;
        // For the key file, a line of its private key: the part that must never come back.
        const secret =
          type === "google workspace" ? ((JSON.parse(given).private_key as string).split("\n")[5] as string) : given;
        expect(answer.json.connector).toMatchObject({ [`${secretKey}_set`]: true });
        expect(answer.json.connector).not.toHaveProperty(secretKey);
        expect(answer.text).not.toContain(secret);
        await page.locator(`[data-secret-state="${secretKey}"]`, { hasText: "set" }).waitFor();
        expect(await page.content()).not.toContain(secret);
        if (type === "entra id") {
          // One group a line: a display name may hold a comma.
          expect((answer.json.connector as Json).group_filter).toEqual(["Sales, EMEA", "Engineering"]);
          expect(
            await page.locator("form.connector-card").getByLabel("Only members of these groups").inputValue(),
          ).toBe("Sales, EMEA\nEngineering");
        }
        if (type === "google workspace") {
          // The scopes to delegate, as the setup portal words them.
          await page.locator("form.connector-card").getByText("What to prepare first").click();
          await page.getByText("admin.directory.group.member.readonly").waitFor();
          await browser.screenshot(page, "console-google-connector");
        }
      } else {
        expect(answer.json.connector).toEqual({ mapping: { Login: "username", Mail: "email" } });
        expect(await page.locator("form.connector-card").getByLabel("Column names").inputValue()).toBe(
          "Login = username\nMail = email",
        );
      }
    }
    await page.close();
  }, 60_000);
});
