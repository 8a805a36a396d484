/**
 * Every console page at a phone's width (390 px) and a laptop's (1280 px), in Chromium, filled with
 * the long values real directories have (long names, emails, URLs, SCIM paths): nothing may stick
 * out of the screen. Tables scroll inside their own box or turn into cards; forms fit. A screenshot
 * of each page at both widths is kept (.tmp/screenshots, `console-page-*`).
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

const ADMIN_KEY = "roster_admin_consolephone_0123456789abcdefghijklmnop";
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
const WIDTHS = [390, 1280] as const;
const LONG_EMAIL = "maximilian.alexander.featherstonehaugh-worthington@subsidiary.international-holdings.example";

type Json = Record<string, unknown>;

/**
 * The elements that reach past the viewport's right (or left) edge and are not inside a box that
 * scrolls or clips them: what a person on that screen cannot see without scrolling the whole page.
 */
const OUTSIDE = `(() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "") + (el.getAttribute("name") ? "[name=" + el.getAttribute("name") + "]" : "");
  const out = [];
  // On a phone, no box should need sideways scrolling either (a table there is one card per row).
  if (width < 640) {
    for (const el of document.querySelectorAll("body *")) {
      if (el.closest("dialog:not([open])") || el.matches("pre, pre *, textarea")) continue;
      if (/(auto|scroll)/.test(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1) out.push(name(el) + " scrolls sideways: " + el.scrollWidth + " in " + el.clientWidth);
    }
  }
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || el.closest("dialog:not([open])")) continue;
    if (box.right <= width + 0.5 && box.left >= -0.5) continue;
    if (clipped(el)) continue;
    out.push(name(el) + " " + Math.round(box.left) + ".." + Math.round(box.right) + " (" + (el.textContent || "").trim().slice(0, 40) + ")");
  }
  return out;
})()`;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

describe.each(DIALECTS)("every console page on a phone and a laptop in Chromium (%s)", (dialect: Dialect) => {
  let database: TestDatabase;
  let server: RunningServer;
  let browser: TestBrowser;
  let receiver: Server;
  const ids: Record<string, string> = {};

  async function api(method: string, path: string, body?: unknown, type = "application/json"): Promise<Json> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { "content-type": type }) },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
    return text ? (JSON.parse(text) as Json) : {};
  }

  async function scim(base: string, token: string, path: string, body: unknown): Promise<Json> {
    const res = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Json;
  }

  /** Waits (in beforeAll, where expect.poll is not offered) for the directory's latest run to reach `state`. */
  async function settled(directoryId: string, state: string): Promise<void> {
    for (
      const deadline = Date.now() + 30_000;
      Date.now() < deadline;
      await new Promise((resolve) => setTimeout(resolve, 100))
    ) {
      if ((await api("GET", `/directories/${directoryId}/sync`)).state === state) return;
    }
    throw new Error(`the run of ${directoryId} never reached ${state}`);
  }

  /** An organization, a SCIM directory with users, groups and a refused request, a held CSV run, an Entra ID connector, a webhook with deliveries. */
  async function seed(): Promise<void> {
    const org = await api("POST", "/organizations", {
      name: "Featherstonehaugh International Holdings and Subsidiaries of the Northern Hemisphere",
      domains: ["international-holdings.example", "subsidiary.international-holdings.example"],
    });
    ids.org = org.id as string;
    await api("POST", `/organizations/${ids.org}/api_keys`, {
      name: "provisioning service for the northern hemisphere subsidiaries",
    });

    const push = await api("POST", "/directories", {
      organization_id: ids.org,
      name: "Okta production tenant for every subsidiary",
      type: "okta scim v2.0",
    });
    ids.push = push.id as string;
    const { base_url: base, token } = push.scim as { base_url: string; token: string };
    const users: string[] = [];
    for (let i = 0; i < 3; i++) {
      const email = i === 0 ? LONG_EMAIL : `person${i}@international-holdings.example`;
      const made = await scim(base, token, "/Users", {
        schemas: [USER_SCHEMA],
        userName: email,
        name: { givenName: "Maximilian Alexander", familyName: `Featherstonehaugh-Worthington ${i}` },
        emails: [{ primary: true, value: email }],
        title: "Principal Infrastructure Reliability Engineer",
        active: true,
      });
      users.push(made.id as string);
    }
    ids.user = users[0] as string;
    ids.group = (
      await scim(base, token, "/Groups", {
        schemas: [GROUP_SCHEMA],
        displayName: "Northern Hemisphere Infrastructure Reliability Engineering",
        members: users.map((value) => ({ value })),
      })
    ).id as string;
    // A refused request for the log: a filter the SCIM server does not parse.
    await fetch(
      `${base}/Users?filter=${encodeURIComponent(`userName eq "${LONG_EMAIL}" and (emails[type eq "work" and value co "subsidiary"] or`)}`,
      { headers: { authorization: `Bearer ${token}` } },
    );

    const csv = await api("POST", "/directories", {
      organization_id: ids.org,
      name: "Human resources export of every subsidiary",
      type: "csv",
      connector: { schedule: "1h" },
    });
    ids.csv = csv.id as string;
    const rows = Array.from(
      { length: 6 },
      (_, i) =>
        `hr${i},${i === 0 ? LONG_EMAIL.replace("maximilian", "hr") : `hr${i}@international-holdings.example`},Hr,Person ${i},active,Northern Hemisphere Payroll and Benefits`,
    );
    await api(
      "POST",
      `/directories/${ids.csv}/csv`,
      ["username,email,first_name,last_name,state,groups", ...rows].join("\n"),
      "text/csv",
    );
    await settled(ids.csv, "succeeded");
    await api(
      "POST",
      `/directories/${ids.csv}/csv`,
      ["username,email,first_name,last_name,state,groups", ...rows.slice(0, 2)].join("\n"),
      "text/csv",
    );
    await settled(ids.csv, "needs_confirmation");

    // Made last, so its few deliveries fit on the log's first page.
    ids.endpoint = (
      await api("POST", "/webhook_endpoints", {
        url: `${await listen(receiver)}/webhooks/roster/directory-sync/receiver/with/a/rather/long/path`,
        organization_id: ids.org,
      })
    ).id as string;
    ids.entra = (
      await api("POST", "/directories", {
        organization_id: ids.org,
        name: "Microsoft Entra ID",
        type: "entra id",
        connector: {
          tenant_id: "featherstonehaugh-holdings.onmicrosoft.com",
          client_id: "3c9e1b2a-0000-4000-8000-000000000001",
          client_secret: "entra~secret",
          group_filter: ["Northern Hemisphere Infrastructure Reliability Engineering"],
        },
      })
    ).id as string;
    await scim(base, token, "/Users", {
      schemas: [USER_SCHEMA],
      userName: `late.${LONG_EMAIL}`,
      emails: [{ primary: true, value: `late.${LONG_EMAIL}` }],
      active: true,
    });
    // The receiver refuses the first delivery: its attempt, with the answer's excerpt, is in the log.
    for (
      const deadline = Date.now() + 30_000;
      Date.now() < deadline;
      await new Promise((resolve) => setTimeout(resolve, 100))
    ) {
      const deliveries = (await api("GET", `/webhook_endpoints/${ids.endpoint}/deliveries?limit=1&order=asc`))
        .data as Json[];
      if (deliveries.some((d) => d.attempt_count !== 0)) break;
    }
  }

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      request.resume();
      request.on("end", () =>
        response
          .writeHead(500, { "content-type": "text/plain" })
          .end(`receiver down: ${"the upstream load balancer answered with an error page ".repeat(4)}`),
      );
    });
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
    await seed();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.drop();
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  /** Each page: its route, and something on it that says it has loaded. */
  const pages = (): [string, string, (page: Page) => Promise<unknown>][] => [
    ["organizations", "#/organizations", (p) => p.getByRole("link", { name: /Featherstonehaugh/ }).waitFor()],
    ["organization", `#/organizations/${ids.org}`, (p) => p.getByRole("heading", { name: "Directories" }).waitFor()],
    ["directories", "#/directories", (p) => p.getByRole("link", { name: /Okta production tenant/ }).waitFor()],
    [
      "directory-scim",
      `#/directories/${ids.push}`,
      (p) =>
        p
          .locator("form.mapping-card select[name=preview-user] option", { hasText: "person1" })
          .waitFor({ state: "attached" }),
    ],
    [
      "directory-held-run",
      `#/directories/${ids.csv}`,
      (p) => p.getByRole("button", { name: "Discard the run" }).waitFor(),
    ],
    ["directory-entra", `#/directories/${ids.entra}`, (p) => p.locator("form.connector-card").waitFor()],
    ["users", `#/directories/${ids.push}/users`, (p) => p.locator("[data-users] tbody tr").first().waitFor()],
    ["groups", `#/directories/${ids.push}/groups`, (p) => p.locator("[data-groups] tbody tr").first().waitFor()],
    ["scim-log", `#/directories/${ids.push}/requests`, (p) => p.getByText("400").first().waitFor()],
    ["user", `#/users/${ids.user}`, (p) => p.locator("pre.json").first().waitFor()],
    ["group", `#/groups/${ids.group}`, (p) => p.locator("tbody tr").first().waitFor()],
    ["events", "#/events", (p) => p.locator("ol.events li").first().waitFor()],
    ["webhooks", "#/webhooks", (p) => p.getByRole("link", { name: /receiver\/with/ }).waitFor()],
    ["webhook", `#/webhooks/${ids.endpoint}`, (p) => p.locator("tbody tr details").first().waitFor()],
  ];

  it("shows the sign-in page without anything past the screen's edge", async () => {
    const page = await browser.context.newPage();
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 844 });
      await page.goto(`${server.url}/console`);
      await page.getByLabel("Admin key or organization API key").waitFor();
      await browser.screenshot(page, `console-page-sign-in-${width}`);
      expect(await page.evaluate(OUTSIDE)).toEqual([]);
    }
    await page.close();
  });

  for (const width of WIDTHS) {
    it(`fits every page at ${width} px: nothing reaches past the screen's edge, tables scroll in their own box or turn into cards`, async () => {
      await browser.context.clearCookies();
      const page = await browser.context.newPage();
      await page.setViewportSize({ width, height: 844 });
      await page.goto(`${server.url}/console`);
      await page.getByLabel("Admin key or organization API key").fill(ADMIN_KEY);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("button", { name: "Sign out" }).waitFor();
      const problems: Record<string, unknown> = {};
      for (const [name, hash, loaded] of pages()) {
        await page.goto(`${server.url}/console${hash}`);
        await loaded(page);
        // Open what a person would open: the attempts of a delivery, the planned changes of a run, more settings.
        await page.evaluate("for (const d of document.querySelectorAll('details')) d.open = true");
        await browser.screenshot(page, `console-page-${name}-${width}`);
        const outside = (await page.evaluate(OUTSIDE)) as string[];
        if (outside.length > 0) problems[name] = outside.slice(0, 5);
      }
      expect(problems).toEqual({});
      await page.close();
    }, 120_000);
  }
});
