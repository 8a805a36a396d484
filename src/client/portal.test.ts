import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../../test/support/databases.js";
import { loadConfig } from "../config.js";
import { type RunningServer, startServer } from "../server/start.js";
import { createRosterClient, RosterApiError } from "./index.js";

const ADMIN_KEY = "roster_admin_clientportal_0123456789abcdefghijklmnopqrs";

describe.each(DIALECTS)("roster/client portal.generateLink on %s", (dialect) => {
  let database: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const url = database.config.kind === "sqlite" ? `sqlite:${database.config.file}` : database.config.url;
    server = await startServer(
      loadConfig({ PORT: "0", HOST: "127.0.0.1", DATABASE_URL: url, ROSTER_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: "silent" }),
    );
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it("makes a setup link with the organization's key, which opens once", async () => {
    const admin = createRosterClient({ baseUrl: server.url, apiKey: ADMIN_KEY });
    const org = await admin.organizations.create({ name: "Acme" });
    const { key } = await admin.apiKeys.create(org.id);
    const roster = createRosterClient({ baseUrl: server.url, apiKey: key });
    const { link } = await roster.portal.generateLink({
      organization: org.id,
      intent: "dsync",
      success_url: "https://app.example/done",
    });
    expect(link.startsWith(`${server.url}/portal/launch?secret=portal_`)).toBe(true);
    expect((await fetch(link)).status).toBe(200);
    expect((await fetch(link)).status).toBe(410);
  });

  it("throws a RosterApiError with the field errors of a bad request", async () => {
    const admin = createRosterClient({ baseUrl: server.url, apiKey: ADMIN_KEY });
    const org = await admin.organizations.create({ name: "Globex" });
    const error = await admin.portal
      .generateLink({ organization: org.id, intent: "dsync", return_url: "ftp://files.example" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RosterApiError);
    expect(error).toMatchObject({
      status: 422,
      code: "validation_error",
      errors: [{ field: "return_url", code: "format" }],
    });
  });
});
