/**
 * The operator console in Chromium against a real Roster on loopback: finding users and groups,
 * replaying webhook deliveries, following a sync run and discarding a held one, and each
 * directory's last activity. Everything the pages show comes through the public API.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../../test/support/browser.js";
import { createTestDatabase, DIALECTS, type Dialect, type TestDatabase } from "../../test/support/databases.js";
import { loadConfig } from "../config.js";
import { type RunningServer, startServer } from "../server/start.js";
import { openStorage, type Storage } from "../storage/connect.js";
import { jsonRequest } from "../../test/support/json-request.js";

const ADMIN_KEY = "roster_admin_consolepeople_0123456789abcdefghijklmnop";
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

type Json = Record<string, unknown>;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** "2026-12-05T13:10" (what a datetime-local field takes), in UTC. */
function minuteField(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

describe.each(DIALECTS)("the console's people, deliveries and sync runs in Chromium (%s)", (dialect: Dialect) => {
  let database: TestDatabase;
  let server: RunningServer;
  let browser: TestBrowser;
  let storage: Storage;
  /** The first test's directory of 28 users, which the mapping preview's search looks through. */
  let peopleDirectoryId = "";

  function api(method: string, path: string, body?: unknown, key = ADMIN_KEY) {
    return jsonRequest<Json>(server.url, key, method, path, body);
  }

  async function scim(base: string, token: string, method: string, path: string, body?: unknown): Promise<Json> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/scim+json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
    const text = await res.text();
    return text ? (JSON.parse(text) as Json) : {};
  }

  async function organization(name: string): Promise<string> {
    const org = await api("POST", "/organizations", { name });
    expect(org.status).toBe(201);
    return org.json.id as string;
  }

  async function signIn(width = 1280): Promise<Page> {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${server.url}/console`);
    await page.getByLabel("Admin key or organization API key").fill(ADMIN_KEY);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    return page;
  }

  const dialog = (page: Page) => page.locator("dialog[open]");
  const overflow = (page: Page) => page.evaluate("document.documentElement.scrollWidth - window.innerWidth");

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
    // The test's own connection: only to put a delivery's next retry far off, as hours of failures would.
    storage = openStorage(database.config);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await storage?.close();
    await server?.close();
    await database?.drop();
  });

  it("finds users by name, email or username, filters by state, pages both ways, and shows a user's groups, roles and attributes and a group's members", async () => {
    const orgId = await organization("Analytical Engines");
    const made = await api("POST", "/directories", {
      organization_id: orgId,
      name: "Engines Okta",
      type: "okta scim v2.0",
    });
    const { base_url: base, token } = made.json.scim as { base_url: string; token: string };
    const directoryId = made.json.id as string;
    peopleDirectoryId = directoryId;
    const mapped = await api("PATCH", `/directories/${directoryId}`, {
      attribute_mapping: { department: `${ENTERPRISE}:department` },
      role_mapping: [{ group: "Engineering", role: "engineer", priority: 10 }],
    });
    expect(mapped.status).toBe(200);

    const user = (userName: string, given: string, family: string, email: string, extra: Json = {}) => ({
      schemas: [USER_SCHEMA, ENTERPRISE],
      userName,
      name: { givenName: given, familyName: family },
      emails: [{ primary: true, type: "work", value: email }],
      active: true,
      ...extra,
    });
    const ada = await scim(
      base,
      token,
      "POST",
      "/Users",
      user("ada", "Ada", "Lovelace", "countess@engines.test", { [ENTERPRISE]: { department: "Analytics" } }),
    );
    await scim(base, token, "POST", "/Users", user("grace", "Grace", "Hopper", "grace@navy.test", { active: false }));
    const testers: string[] = [];
    for (let i = 0; i < 26; i++)
      testers.push(
        (
          await scim(
            base,
            token,
            "POST",
            "/Users",
            user(`tester${String(i).padStart(2, "0")}`, "Test", `Person ${i}`, `t${i}@engines.test`),
          )
        ).id as string,
      );
    await scim(base, token, "POST", "/Groups", {
      schemas: [GROUP_SCHEMA],
      displayName: "Engineering",
      members: [ada.id, ...testers].map((value) => ({ value })),
    });
    await scim(base, token, "POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "Sales" });

    const page = await signIn();
    await page.goto(`${server.url}/console#/directories/${directoryId}/users`);
    const rows = page.locator("[data-users] tbody tr");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(25);

    // A family name, from the keyboard: type, Enter.
    await page.getByLabel("Search by name, email or username").fill("LOVE");
    await page.keyboard.press("Enter");
    await page.waitForURL(/search=LOVE/);
    await expect.poll(() => rows.locator("td:first-child").allTextContents()).toEqual(["ada"]);
    await browser.screenshot(page, "console-users-search");
    // An email address, and a username.
    await page.getByLabel("Search by name, email or username").fill("navy.test");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect.poll(() => rows.locator("td:first-child").allTextContents()).toEqual(["grace"]);
    await page.getByRole("link", { name: "Active", exact: true }).click();
    await page.getByText("No active user matches “navy.test”.").waitFor();
    await page.getByRole("link", { name: "Inactive", exact: true }).click();
    await expect.poll(() => rows.locator("td:first-child").allTextContents()).toEqual(["grace"]);
    expect(page.url()).toContain("state=inactive");
    await page.getByRole("button", { name: "Clear" }).click();
    await expect.poll(() => rows.locator("td:first-child").allTextContents()).toEqual(["grace"]);
    await page.getByRole("link", { name: "All", exact: true }).click();
    // The page re-renders with every user before the search is typed: typed earlier, into the
    // inactive list's box, it would be lost with that box.
    await expect.poll(() => rows.count()).toBe(25);
    await page.getByLabel("Search by name, email or username").fill("tester2");
    await page.keyboard.press("Enter");
    await expect
      .poll(() => rows.locator("td:first-child").allTextContents())
      .toEqual(["tester25", "tester24", "tester23", "tester22", "tester21", "tester20"]);

    // Cursor pages: 28 users are 25 and 3; Previous comes back to the same first page.
    await page.getByRole("button", { name: "Clear" }).click();
    await expect.poll(() => rows.count()).toBe(25);
    const first = await rows.locator("td:first-child").allTextContents();
    await page.getByRole("link", { name: "Next →" }).click();
    await expect.poll(() => rows.locator("td:first-child").allTextContents()).toEqual(["tester00", "grace", "ada"]);
    await page.getByRole("link", { name: "← Previous" }).click();
    await expect.poll(() => rows.locator("td:first-child").allTextContents()).toEqual(first);

    // A user's page: groups (linked), the role the mapping gives, custom and raw attributes.
    await page.goto(`${server.url}/console#/users/${ada.id}`);
    await page.getByRole("heading", { name: /^ada/ }).waitFor();
    expect(await page.locator("[data-user-groups] li").allTextContents()).toEqual(["Engineering"]);
    expect(await page.locator("dd", { hasText: "engineer" }).count()).toBe(1);
    expect(await page.locator("pre.json").first().textContent()).toContain('"department": "Analytics"');
    expect(await page.locator("pre.json").nth(1).textContent()).toContain('"familyName": "Lovelace"');
    await browser.screenshot(page, "console-user");

    // The group's page pages its 27 members.
    await page.locator("[data-user-groups] a", { hasText: "Engineering" }).click();
    await page.getByRole("heading", { name: "Engineering" }).waitFor();
    const members = page.locator("section.card tbody tr");
    expect(await members.count()).toBe(25);
    await page.getByRole("link", { name: "Next →" }).click();
    await expect.poll(() => members.count()).toBe(2);
    await browser.screenshot(page, "console-group-members");

    // Groups are searched by name.
    await page.goto(`${server.url}/console#/directories/${directoryId}/groups`);
    await page.getByLabel("Search by name").fill("sal");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("[data-groups] tbody tr td:first-child").allTextContents()).toEqual(["Sales"]);

    // A phone's width: the search and the list fit.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/console#/directories/${directoryId}/users?search=tester`);
    await rows.first().waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.close();
  }, 120_000);

  it("finds the mapping preview's user by a search on name, email or username, past the first page of users", async () => {
    const page = await signIn();
    await page.goto(`${server.url}/console#/directories/${peopleDirectoryId}`);
    const card = page.locator("form.mapping-card");
    const choices = () => card.getByLabel("Preview on", { exact: true }).locator("option").allTextContents();
    // Without a search, the newest 25 of 28 users: ada, the first one made, is not among them.
    await expect.poll(async () => (await choices()).length).toBe(26);
    expect((await choices()).at(-1)).toBe("More than 25 match: search to narrow");
    expect((await choices()).some((c) => c.includes("Lovelace"))).toBe(false);

    await card.getByLabel("Find a user to preview on").fill("lovelace");
    await expect.poll(choices).toEqual(["countess@engines.test (Ada Lovelace)"]);
    await card.getByRole("button", { name: "Preview on this user" }).click();
    await card.locator('[data-attribute="department"]', { hasText: "Analytics" }).waitFor();
    expect(await card.locator("[data-role]").textContent()).toBe("engineer");
    expect(await card.locator("h3", { hasText: "saved mapping and these edits" }).textContent()).toContain(
      "countess@engines.test",
    );
    await browser.screenshot(page, "console-mapping-preview-search");

    // An email's domain, then a username, with Enter (which searches and saves nothing).
    await card.getByLabel("Find a user to preview on").fill("navy.test");
    await expect.poll(choices).toEqual(["grace@navy.test (Grace Hopper)"]);
    await card.getByLabel("Find a user to preview on").fill("tester07");
    await card.getByLabel("Find a user to preview on").press("Enter");
    await expect.poll(choices).toEqual(["t7@engines.test (Test Person 7)"]);
    expect(await card.getByText("Saved, and applied").count()).toBe(0);
    await card.getByLabel("Find a user to preview on").fill("nobody-by-that-name");
    await expect.poll(choices).toEqual(['No user matches "nobody-by-that-name"']);
    await card.getByRole("button", { name: "Preview on this user" }).click();
    await card.getByText("Pick a user to preview on").waitFor();
    await page.close();
  }, 60_000);

  it("replays one delivery, and after a confirmation saying how many, every failed (then every succeeded) delivery of a time range: the receiver gets each again and the log shows the new attempt", async () => {
    let accepting = false;
    const received: string[] = [];
    const receiver = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        received.push(String(request.headers["webhook-id"]));
        response
          .writeHead(accepting ? 200 : 500, { "content-type": "text/plain" })
          .end(accepting ? "ok" : "receiver down");
      });
    });
    const receiverUrl = await listen(receiver);
    try {
      const started = Date.now();
      const orgId = await organization("Replay Corp");
      const endpoint = await api("POST", "/webhook_endpoints", { url: `${receiverUrl}/hooks`, organization_id: orgId });
      expect(endpoint.status).toBe(201);
      const endpointId = endpoint.json.id as string;
      await api("POST", "/directories", { organization_id: orgId, name: "Replay Okta", type: "okta scim v2.0" });
      const deliveries = async () =>
        (await api("GET", `/webhook_endpoints/${endpointId}/deliveries?limit=100`)).json.data as Json[];
      // dsync.activated is refused; dsync.token.created waits behind it (one endpoint's events go in order).
      await expect
        .poll(async () => (await deliveries()).map((d) => d.last_status_code ?? null).sort(), { timeout: 20_000 })
        .toEqual([500, null]);
      // Its next retry far off, as after hours of failures: only a replay sends it now.
      await storage.db
        .updateTable("webhook_deliveries")
        .set({ next_attempt_at: new Date(Date.now() + 86_400_000).toISOString() })
        .where("endpoint_id", "=", endpointId)
        .where("failures", ">", 0)
        .execute();
      const before = received.length;
      accepting = true;

      const page = await signIn();
      await page.goto(`${server.url}/console#/webhooks/${endpointId}`);
      await page.getByRole("heading", { name: "Replay deliveries" }).waitFor();

      // A range before it was created has nothing to replay: said at once, nothing asked.
      await page.getByLabel("Until (UTC)").fill(minuteField(started - 3_600_000));
      await page.getByRole("button", { name: "Replay failed deliveries" }).click();
      await page.getByText("No failed delivery in that range: nothing to replay.").waitFor();
      expect(await dialog(page).count()).toBe(0);
      await page.waitForTimeout(500);
      expect(received.length).toBe(before);

      // A range that ends before it starts: the API's refusal, in words.
      await page.getByLabel("From (UTC)").fill(minuteField(started));
      await page.getByRole("button", { name: "Replay failed deliveries" }).click();
      const refusal = page.locator("form.replay [role=alert]");
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain("Please correct the form");
      expect(await refusal.textContent()).toContain("until: is earlier than since");

      // Cancelling sends nothing.
      await page.getByLabel("From (UTC)").fill(minuteField(started - 60_000));
      await page.getByLabel("Until (UTC)").fill(minuteField(Date.now() + 120_000));
      await page.getByRole("button", { name: "Replay failed deliveries" }).click();
      await dialog(page).getByRole("button", { name: "Cancel" }).click();
      expect(await dialog(page).count()).toBe(0);

      await page.getByRole("button", { name: "Replay failed deliveries" }).click();
      expect(await dialog(page).getByRole("heading").textContent()).toBe("Replay 1 failed delivery?");
      expect(await dialog(page).textContent()).toContain(
        `created from ${minuteField(started - 60_000).replace("T", " ")}:00 UTC`,
      );
      await dialog(page).getByRole("button", { name: "Replay" }).click();
      await page.getByText("1 delivery queued to be sent now.").waitFor();
      await browser.screenshot(page, "console-webhook-replay");
      // The replayed one is delivered now, and the one waiting behind it follows.
      await expect
        .poll(async () => (await deliveries()).map((d) => d.state), { timeout: 20_000 })
        .toEqual(["succeeded", "succeeded"]);
      expect(received.length - before).toBe(2);
      await page.getByRole("button", { name: "Show the delivery log" }).click();
      const replayed = page.locator("tbody tr", { hasText: "2 attempts" });
      await replayed.waitFor();
      expect(await replayed.textContent()).toContain("succeeded");
      await replayed.locator("summary").click();
      expect(await replayed.locator("li").allTextContents()).toEqual([
        expect.stringMatching(/: 500 in/),
        expect.stringMatching(/: 200 in/),
      ]);
      await browser.screenshot(page, "console-webhook-replayed");

      // One delivery sent again: asked first, since the receiver has it already.
      const one = (await deliveries()).find((d) => d.attempt_count === 2) as Json;
      await replayed.getByRole("button", { name: "Send again" }).click();
      expect(await dialog(page).textContent()).toContain("same webhook-id");
      await dialog(page).getByRole("button", { name: "Send again" }).click();
      await page.getByText("queued to be sent now. Refresh to see the attempt.").waitFor();
      await expect.poll(() => received.filter((id) => id === one.event_id).length, { timeout: 20_000 }).toBe(3);

      // Every succeeded delivery of the range: the confirmation counts them, then each goes out once more.
      const sentBefore = received.length;
      await page.getByLabel("Which deliveries").selectOption("succeeded");
      await page.getByRole("button", { name: "Replay succeeded deliveries" }).click();
      expect(await dialog(page).getByRole("heading").textContent()).toBe("Replay 2 succeeded deliveries?");
      expect(await dialog(page).textContent()).toContain("The receiver has them already");
      await browser.screenshot(page, "console-webhook-replay-succeeded");
      await dialog(page).getByRole("button", { name: "Cancel" }).click();
      await page.waitForTimeout(300);
      expect(received.length).toBe(sentBefore);
      await page.getByRole("button", { name: "Replay succeeded deliveries" }).click();
      await dialog(page).getByRole("button", { name: "Replay" }).click();
      await page.getByText("2 deliveries queued to be sent now.").waitFor();
      await expect.poll(() => received.length - sentBefore, { timeout: 20_000 }).toBe(2);
      expect(received.slice(sentBefore).sort()).toEqual((await deliveries()).map((d) => d.event_id).sort());

      // The replay form fits a phone.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByRole("button", { name: "Refresh" }).click();
      await page.getByRole("heading", { name: "Replay deliveries" }).waitFor();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.close();
    } finally {
      await close(receiver);
    }
  }, 120_000);

  it("shows a running sync's progress, a dry run's changes as a diff, and discards a held run, leaving the users as they were", async () => {
    // A SCIM server to pull from; a page can be held back to keep a run running.
    let people = Array.from({ length: 60 }, (_, i) => ({ id: `u${i}`, email: `user${i}@pull.test` }));
    let hold: Promise<void> | null = null;
    let release = () => {};
    const resource = (p: { id: string; email: string }) => ({
      schemas: [USER_SCHEMA],
      id: p.id,
      userName: `user${p.id.slice(1)}`,
      active: true,
      emails: [{ value: p.email, primary: true }],
    });
    const upstream = createServer((request: IncomingMessage, response: ServerResponse) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const answer = (status: number, body?: unknown) =>
        response
          .writeHead(status, { "content-type": "application/scim+json" })
          .end(body === undefined ? undefined : JSON.stringify(body));
      const list = (items: unknown[], total: number) =>
        answer(200, {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
          totalResults: total,
          Resources: items,
        });
      if (url.pathname.endsWith("/Groups")) return list([], 0);
      if (!url.pathname.endsWith("/Users")) return answer(404, { status: "404" });
      const start = Number(url.searchParams.get("startIndex") ?? "1");
      const count = Number(url.searchParams.get("count") ?? "50");
      const serve = () => list(people.slice(start - 1, start - 1 + count).map(resource), people.length);
      if (start > 1 && hold) void hold.then(serve);
      else serve();
    });
    const upstreamUrl = await listen(upstream);
    try {
      const orgId = await organization("Pullman");
      const made = await api("POST", "/directories", {
        organization_id: orgId,
        name: "Upstream SCIM",
        type: "scim pull",
        connector: { base_url: `${upstreamUrl}/scim/v2`, token: "upstream-token-0123456789", page_size: 50 },
      });
      expect(made.status, JSON.stringify(made.json)).toBe(201);
      const directoryId = made.json.id as string;
      const runs = async () => (await api("GET", `/directories/${directoryId}/syncs?limit=10`)).json.data as Json[];

      const page = await signIn();
      await page.goto(`${server.url}/console#/directories/${directoryId}`);
      await page.getByRole("heading", { name: "Recent runs" }).waitFor();

      // The second page is held: the run stays running after its first 50 users, and the page says so.
      hold = new Promise((resolve) => (release = resolve));
      await page.getByRole("button", { name: "Sync now", exact: true }).click();
      const progress = page.locator("[data-sync-history] [data-progress]");
      await progress.filter({ hasText: "50 users read, 50 written" }).waitFor({ timeout: 30_000 });
      expect(
        await page.locator("[data-sync-history] tbody tr").first().locator('td[data-label="State"]').textContent(),
      ).toBe("running");
      expect((await runs())[0]).toMatchObject({ state: "running", progress: { users_seen: 50, users_written: 50 } });
      await browser.screenshot(page, "console-sync-progress");
      hold = null;
      release();
      // When it ends, the page shows the directory's new counts.
      await page.locator("[data-counts]", { hasText: "60 active users" }).waitFor({ timeout: 30_000 });
      expect(await progress.count()).toBe(0);

      // A dry run: one new user, one changed email, one gone; its planned changes read as a diff.
      people = [
        ...people.slice(0, 59).map((p) => (p.id === "u1" ? { ...p, email: "renamed@pull.test" } : p)),
        { id: "u60", email: "user60@pull.test" },
      ];
      await page.getByRole("button", { name: "Dry run", exact: true }).click();
      // Waits for the finished dry run's line: while it runs, the page may show a partial one.
      const planned = page
        .locator("[data-sync-history] details.changes", {
          has: page.locator("summary", { hasText: "3 planned changes" }),
        })
        .first();
      await planned.waitFor({ timeout: 30_000 });
      expect(await planned.locator("summary").textContent()).toBe(
        "3 planned changes: 1 create, 1 update, 1 deactivate",
      );
      await planned.locator("summary").click();
      expect(await planned.locator("li").allTextContents()).toEqual([
        "+create user user60",
        "~update user user1: email, emails, raw_attributes",
        "−deactivate user user59",
      ]);
      await browser.screenshot(page, "console-dry-run-diff");
      expect((await api("GET", `/directories/${directoryId}`)).json.metadata).toEqual({
        users: { active: 60, inactive: 0 },
        groups: 0,
      });

      // Half the users gone: the guard holds the run; discarding it (asked first) changes nobody.
      people = people.slice(0, 30);
      await page.getByRole("button", { name: "Sync now", exact: true }).click();
      const discard = page.getByRole("button", { name: "Discard the run" });
      await discard.waitFor({ timeout: 30_000 });
      expect(await page.getByRole("button", { name: /^Confirm and remove \d+ users$/ }).count()).toBe(1);
      await discard.click();
      expect(await dialog(page).textContent()).toContain("None of its changes are applied");
      await dialog(page).getByRole("button", { name: "Cancel" }).click();
      expect((await runs())[0]?.state).toBe("needs_confirmation");
      await discard.click();
      await dialog(page).getByRole("button", { name: "Discard the run" }).click();
      await page.getByText("Discarded: nothing it held was applied.").waitFor();
      expect(
        await page.locator("[data-sync-history] tbody tr").first().locator('td[data-label="State"]').textContent(),
      ).toBe("discarded");
      expect(await discard.count()).toBe(0);
      expect((await runs())[0]).toMatchObject({ state: "failed", failure: { reason: "discarded" } });
      expect((await api("GET", `/directories/${directoryId}`)).json.metadata).toEqual({
        users: { active: 60, inactive: 0 },
        groups: 0,
      });
      await browser.screenshot(page, "console-discarded-run");
      // The runs, their diffs and their buttons fit a phone.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator("[data-sync-history] details.changes summary").first().click();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.setViewportSize({ width: 1280, height: 900 });

      // Last activity on the list comes with the directory object: no request per row.
      const perRow: string[] = [];
      page.on("request", (request) => {
        if (/\/(syncs|scim_requests)\b/.test(request.url())) perRow.push(request.url());
      });
      await page.goto(`${server.url}/console#/directories?organization_id=${orgId}`);
      const cell = page.locator('td[data-label="Last activity"] time');
      await cell.waitFor();
      const directory = (await api("GET", `/directories/${directoryId}`)).json;
      expect(await cell.getAttribute("datetime")).toBe(directory.last_activity_at);
      expect(perRow).toEqual([]);
      await page.close();
    } finally {
      release();
      await close(upstream);
    }
  }, 120_000);
});
