/**
 * The client package as an application gets it: built, packed with `npm pack`, installed from the
 * tarball into an empty app (offline, no registry), then used from plain Node against a live
 * server: reading users page by page, and a webhook receiver that keeps the raw body and checks it
 * with `verifyWebhook`. It also proves the package pulls in nothing of the server's.
 */
import { spawn } from "node:child_process";
import { type AddressInfo, createServer } from "node:net";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveServer, scimOf, startLiveServer, TEST_ADMIN_KEY } from "../../src/cli/live-test-server.js";
import { appWithPackedClient, run } from "./packed-client.js";

const READ_USERS = `
import { createRosterClient, iterate } from "@rostersync/client";

const roster = createRosterClient({ baseUrl: process.env.ROSTER_URL, apiKey: process.env.ROSTER_KEY });
const emails = [];
for await (const user of iterate(roster.directoryUsers.list, { directory: process.env.DIRECTORY_ID, limit: 2 })) {
  emails.push(user.email);
}
console.log(JSON.stringify(emails.sort()));
`;

// A bare node:http receiver: the body is read as bytes and verified before any parsing.
const RECEIVER = `
import { createServer } from "node:http";
import { verifyWebhook, WebhookVerificationError } from "@rostersync/client";

const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  try {
    const event = verifyWebhook({ headers: req.headers, body: Buffer.concat(chunks), secret: process.env.ROSTER_WEBHOOK_SECRET });
    res.writeHead(204).end();
    if (event.event === "dsync.user.created") {
      console.log(JSON.stringify({ event: event.event, email: event.data.email }));
      server.close();
      server.closeAllConnections();
    }
  } catch (err) {
    res.writeHead(err instanceof WebhookVerificationError ? 400 : 500).end();
    if (err instanceof WebhookVerificationError) console.error("refused:", err.code);
  }
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
`;

describe("the @rostersync/client package", () => {
  let app: string;
  let live: LiveServer;

  beforeAll(async () => {
    app = await appWithPackedClient("roster-client-app-");
    await writeFile(join(app, "read-users.mjs"), READ_USERS);
    await writeFile(join(app, "receiver.mjs"), RECEIVER);
    live = await startLiveServer();
  }, 120_000);

  afterAll(async () => {
    await live?.close();
    if (app) await rm(app, { recursive: true, force: true });
  });

  it("installs alone: no dependency of the server comes with it", async () => {
    const installed = await readdir(join(app, "node_modules"));
    expect(installed.filter((name) => !name.startsWith("."))).toEqual(["@rostersync"]);
    expect(await readdir(join(app, "node_modules/@rostersync"))).toEqual(["client"]);
    const manifest = JSON.parse(await readFile(join(app, "node_modules/@rostersync/client/package.json"), "utf8"));
    expect(manifest.dependencies ?? {}).toEqual({});
  });

  it("ships its types and docs standing alone: no reference to documents outside the package", async () => {
    const files = (await readdir(join(app, "node_modules/@rostersync/client"), { recursive: true })).filter((f) =>
      /\.(d\.ts|js|md)$/.test(f),
    );
    expect(files).toContain("dist/client/index.d.ts");
    for (const file of files) {
      expect(await readFile(join(app, "node_modules/@rostersync/client", file), "utf8"), file).not.toMatch(
        /SPEC §|STYLE\.md/,
      );
    }
  });

  it("reads every user of a directory, page after page, from a separate app", async () => {
    const org = await live.admin.organizations.create({ name: "Packaged" });
    const directory = await live.admin.directories.create({
      organization_id: org.id,
      name: "Okta",
      type: "okta scim v2.0",
    });
    const scim = scimOf(directory);
    for (const name of ["ada", "bob", "cy"]) await scim.user(`${name}@packaged.test`);

    const { stdout } = await run(process.execPath, ["read-users.mjs"], {
      cwd: app,
      env: { ...process.env, ROSTER_URL: live.url, ROSTER_KEY: TEST_ADMIN_KEY, DIRECTORY_ID: directory.id },
    });
    expect(JSON.parse(stdout)).toEqual(["ada@packaged.test", "bob@packaged.test", "cy@packaged.test"]);
  });

  it("verifies a webhook the server signed, on the raw body", async () => {
    const org = await live.admin.organizations.create({ name: "Hooked" });
    const directory = await live.admin.directories.create({
      organization_id: org.id,
      name: "Okta",
      type: "okta scim v2.0",
    });
    const port = await freePort();
    const endpoint = await live.admin.webhookEndpoints.create({
      organization_id: org.id,
      url: `http://127.0.0.1:${port}/webhooks/roster`,
    });
    const receiver = spawn(process.execPath, ["receiver.mjs"], {
      cwd: app,
      env: { ...process.env, PORT: String(port), ROSTER_WEBHOOK_SECRET: endpoint.secret },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    receiver.stdout.on("data", (chunk) => (stdout += chunk));
    receiver.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((done) => receiver.once("exit", done));
    try {
      await waitUntil(() => stdout.includes("listening"), "the receiver to listen");
      await scimOf(directory).user("dee@hooked.test");
      // The receiver exits once it has verified the user's creation.
      expect(await exited).toBe(0);
      expect(stderr).toBe("");
      expect(stdout.trim().split("\n").at(-1)).toBe(
        JSON.stringify({ event: "dsync.user.created", email: "dee@hooked.test" }),
      );
    } finally {
      receiver.kill();
    }
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((listening) => probe.listen(0, "127.0.0.1", listening));
  const { port } = probe.address() as AddressInfo;
  await new Promise((closed) => probe.close(closed));
  return port;
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((later) => setTimeout(later, 20));
  }
}
