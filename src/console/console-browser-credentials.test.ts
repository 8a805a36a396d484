/**
 * Switching a pull directory's way in from the console (Debian's Chromium through playwright-core):
 * an Okta directory from an SSWS API token to an OAuth service app, an Entra ID directory from a
 * client secret to a certificate and back. The credential given up is removed (the PATCH sends
 * `null`), and is gone from the sealed settings in the database, not only from the API's answer;
 * the connection test then passes against the stand-ins with the new credential.
 */
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../../test/support/browser.js";
import { createTestDatabase, DIALECTS, type Dialect, type TestDatabase } from "../../test/support/databases.js";
import { type EntraStandin, makeCertificate, startEntraStandin } from "../../test/support/entra-standin.js";
import { type OktaStandin, startOktaStandin } from "../../test/support/okta-standin.js";
import { loadConfig } from "../config.js";
import { createSecretBox } from "../crypto/secret-box.js";
import { type RunningServer, startServer } from "../server/start.js";
import { openConnector } from "../sync/connector-settings.js";
import { jsonRequest } from "../../test/support/json-request.js";

const ADMIN_KEY = "roster_admin_consolecreds_0123456789abcdefghijklmnop";
const SECRET_KEY = randomBytes(32).toString("base64");

type Json = Record<string, unknown>;

describe.each(DIALECTS)(
  "removing a pull directory's credential from the console in Chromium (%s)",
  (dialect: Dialect) => {
    let database: TestDatabase;
    let server: RunningServer;
    let browser: TestBrowser;
    let okta: OktaStandin;
    let entra: EntraStandin;
    let orgId = "";

    function api(method: string, path: string, body?: unknown) {
      return jsonRequest<Json>(server.url, ADMIN_KEY, method, path, body);
    }

    /** The connector settings as sealed in the directories table, opened with the server's key. */
    async function sealed(directoryId: string): Promise<Json> {
      const row = await server.storage.db
        .selectFrom("directories")
        .select("connector")
        .where("id", "=", directoryId)
        .executeTakeFirstOrThrow();
      return openConnector(createSecretBox(SECRET_KEY), directoryId, row.connector as string);
    }

    async function openDirectory(directoryId: string): Promise<Page> {
      await browser.context.clearCookies();
      const page = await browser.context.newPage();
      await page.goto(`${server.url}/console`);
      await page.getByLabel("Admin key or organization API key").fill(ADMIN_KEY);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("button", { name: "Sign out" }).waitFor();
      await page.goto(`${server.url}/console#/directories/${directoryId}`);
      await page.locator("form.connector-card").waitFor();
      return page;
    }

    async function saveAndTest(page: Page): Promise<void> {
      const card = page.locator("form.connector-card");
      await card.getByRole("button", { name: "Save the connector settings" }).click();
      await card.getByText("Saved. Test the connection").waitFor();
      await card.getByRole("button", { name: "Test connection" }).click();
      await page.locator('[data-test-ok="true"]').waitFor({ timeout: 20_000 });
    }

    beforeAll(async () => {
      [okta, entra, database] = await Promise.all([
        startOktaStandin(),
        startEntraStandin(),
        createTestDatabase(dialect),
      ]);
      okta.addUser({ login: "ada@initech.test", email: "ada@initech.test", firstName: "Ada", lastName: "Lovelace" });
      entra.addUser({ userPrincipalName: "ada@initech.test" });
      const databaseUrl = database.config.kind === "sqlite" ? `sqlite:${database.config.file}` : database.config.url;
      server = await startServer(
        loadConfig({
          PORT: "0",
          HOST: "127.0.0.1",
          DATABASE_URL: databaseUrl,
          ROSTER_ADMIN_KEY: ADMIN_KEY,
          ROSTER_SECRET_KEY: SECRET_KEY,
          LOG_LEVEL: "silent",
          ROSTER_SYNC_THREAD: "off",
          ROSTER_OUTBOUND_PRIVATE: "all",
        }),
      );
      browser = await launchBrowser();
      orgId = (await api("POST", "/organizations", { name: "Initech" })).json.id as string;
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await database?.drop();
      await okta?.close();
      await entra?.close();
    });

    it("switches an Okta directory from an API token to a service app: the token is removed from the sealed settings", async () => {
      const made = await api("POST", "/directories", {
        organization_id: orgId,
        name: "Initech Okta",
        type: "okta api",
        connector: { org_url: okta.orgUrl, token: okta.token },
      });
      expect(made.status, made.text).toBe(201);
      const id = made.json.id as string;
      const app = okta.addServiceApp();
      const page = await openDirectory(id);
      const card = page.locator("form.connector-card");
      await card.locator('[data-secret-state="token"]', { hasText: "set" }).waitFor();
      // A credential not set has nothing to remove; one that is set offers it.
      expect(await card.locator('[data-remove-secret="private_key"]').count()).toBe(0);

      await card.getByLabel("Remove the API token (to use a service app instead)").check();
      expect(await card.getByLabel(/^API token/).isDisabled()).toBe(true);
      await card.getByLabel("Service app Client ID").fill(app.clientId);
      await card.getByLabel(/^Service app private key/).fill(app.privatePem);
      await browser.screenshot(page, "console-connector-remove-credential");
      await saveAndTest(page);
      await card.locator('[data-secret-state="private_key"]', { hasText: "set" }).waitFor();
      expect(await card.locator('[data-secret-state="token"]').textContent()).toBe("not set");

      const stored = await sealed(id);
      expect(stored).not.toHaveProperty("token");
      expect(stored).toMatchObject({
        org_url: okta.orgUrl,
        client_id: app.clientId,
        private_key: app.privatePem.trim(),
      });
      const answer = await api("GET", `/directories/${id}`);
      expect(answer.json.connector).toEqual({ org_url: okta.orgUrl, client_id: app.clientId, private_key_set: true });
      expect(okta.tokenAnswers).toContain("issued DPoP");
      await page.close();
    }, 60_000);

    it("switches an Entra ID directory from a client secret to a certificate and back, each time removing the other from the sealed settings", async () => {
      const made = await api("POST", "/directories", {
        organization_id: orgId,
        name: "Initech Entra",
        type: "entra id",
        connector: entra.connector,
      });
      expect(made.status, made.text).toBe(201);
      const id = made.json.id as string;
      const cert = makeCertificate("roster-console");
      entra.addCertificate(cert.certificate);
      const page = await openDirectory(id);
      const card = page.locator("form.connector-card");

      // Removing the secret alone leaves no way in: the API's words, and nothing changes.
      await card.getByLabel("Remove the client secret (to use a certificate instead)").check();
      await card.getByRole("button", { name: "Save the connector settings" }).click();
      await card
        .getByRole("alert")
        .getByText(/connector\.client_secret: is required/)
        .waitFor();
      expect(await sealed(id)).toMatchObject({ client_secret: entra.connector.client_secret });

      await card.getByLabel("Certificate (PEM)", { exact: true }).fill(cert.certificate);
      await card.getByLabel(/^Certificate's private key/).fill(cert.privateKey);
      await saveAndTest(page);
      await card.locator('[data-secret-state="private_key"]', { hasText: "set" }).waitFor();
      let stored = await sealed(id);
      expect(stored).not.toHaveProperty("client_secret");
      expect(stored).toMatchObject({ certificate: cert.certificate.trim(), private_key: cert.privateKey.trim() });
      expect((await api("GET", `/directories/${id}`)).json.connector).not.toHaveProperty("client_secret_set");

      // And back: the private key removed, the certificate emptied, a client secret typed.
      await card.getByLabel("Remove the certificate's private key (to use a client secret instead)").check();
      await card.getByLabel("Certificate (PEM)", { exact: true }).fill("");
      await card.getByLabel(/^Client secret/).fill(entra.connector.client_secret);
      await saveAndTest(page);
      await card.locator('[data-secret-state="client_secret"]', { hasText: "set" }).waitFor();
      stored = await sealed(id);
      expect(stored).not.toHaveProperty("private_key");
      expect(stored).not.toHaveProperty("certificate");
      expect(stored).toMatchObject({ client_secret: entra.connector.client_secret });
      const answer = await api("GET", `/directories/${id}`);
      expect(answer.json.connector).toMatchObject({ client_secret_set: true });
      expect(answer.json.connector).not.toHaveProperty("private_key_set");
      expect(answer.text).not.toContain(entra.connector.client_secret);
      await page.close();
    }, 60_000);
  },
);
