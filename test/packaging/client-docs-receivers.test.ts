/**
 * The webhook receivers docs/client.md shows, run as written from an app that installed the packed
 * client: the Fastify and Express ones (each framework taken from this repository's own dependencies)
 * receive a real delivery from a live server, and the Next.js route handler is called with a delivery recorded
 * from that server, as a web Request. Each snippet calls `handle(event)`, which the test defines.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingHttpHeaders } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveServer, scimOf, startLiveServer } from "../../src/cli/live-test-server.js";
import { appWithPackedClient, jsBlockUnder, repositoryRoot, run } from "./packed-client.js";

const HANDLE = `const handle = async (event) => console.log("verified", event.event, event.data.email ?? "");\n`;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((listening) => probe.listen(0, "127.0.0.1", listening));
  const { port } = probe.address() as AddressInfo;
  await new Promise((closed) => probe.close(closed));
  return port;
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((later) => setTimeout(later, 20));
  }
}

describe("the webhook receivers of docs/client.md", { timeout: 120_000 }, () => {
  let app: string;
  let live: LiveServer;
  let docs: string;
  let receiver: ChildProcess | undefined;

  beforeAll(async () => {
    app = await appWithPackedClient("roster-client-docs-");
    // The app's own copies of the frameworks: links to this repository's, which resolve their dependencies there.
    for (const framework of ["fastify", "express"])
      await symlink(join(repositoryRoot, "node_modules", framework), join(app, "node_modules", framework), "dir");
    docs = await readFile(join(repositoryRoot, "docs/client.md"), "utf8");
    live = await startLiveServer();
  }, 120_000);

  afterAll(async () => {
    receiver?.kill();
    await live?.close();
    if (app) await rm(app, { recursive: true, force: true });
  });

  async function directoryWithEndpoint(name: string, url: string) {
    const org = await live.admin.organizations.create({ name });
    const directory = await live.admin.directories.create({
      organization_id: org.id,
      name: "Okta",
      type: "okta scim v2.0",
    });
    const endpoint = await live.admin.webhookEndpoints.create({
      organization_id: org.id,
      url,
      events: ["dsync.user.created"],
    });
    return { scim: scimOf(directory), secret: endpoint.secret };
  }

  it.each([
    {
      framework: "Fastify",
      listen: "await app.listen({ port: 3000 });",
      on: (port: number) => `await app.listen({ port: ${port}, host: "127.0.0.1" });`,
    },
    { framework: "Express", listen: "app.listen(3000);", on: (port: number) => `app.listen(${port}, "127.0.0.1");` },
  ])("$framework: verifies a delivery on the raw body and refuses a forged one", async ({ framework, listen, on }) => {
    const port = await freePort();
    const snippet = jsBlockUnder(docs, framework);
    expect(snippet).toContain(listen);
    const file = `${framework.toLowerCase()}-receiver.mjs`;
    await writeFile(join(app, file), HANDLE + snippet.replace(listen, on(port)));
    const { scim, secret } = await directoryWithEndpoint(framework, `http://127.0.0.1:${port}/webhooks/roster`);

    let out = "";
    receiver = spawn(process.execPath, [file], {
      cwd: app,
      env: { ...process.env, ROSTER_WEBHOOK_SECRET: secret },
      stdio: ["ignore", "pipe", "pipe"],
    });
    receiver.stdout?.on("data", (chunk) => (out += chunk));
    receiver.stderr?.on("data", (chunk) => (out += chunk));
    // A forged delivery is refused with 400, and the JSON it carries is never acted on (retried
    // until the receiver listens).
    let forged: Response | undefined;
    for (let i = 0; i < 200 && !forged && receiver.exitCode === null; i++) {
      forged = await fetch(`http://127.0.0.1:${port}/webhooks/roster`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": "event_x",
          "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
          "webhook-signature": "v1,AAAA",
        },
        body: JSON.stringify({ id: "event_x", event: "dsync.user.created", data: {}, created_at: "" }),
      }).catch(() => undefined);
      if (!forged) await new Promise((later) => setTimeout(later, 100));
    }
    expect(forged?.status).toBe(400);

    const email = `fay@${framework.toLowerCase()}.test`;
    await scim.user(email);
    await until(
      () => out.includes(`verified dsync.user.created ${email}`),
      `the ${framework} receiver to verify the delivery:\n${out}`,
    );
    expect(out).not.toMatch(/Error/);
    receiver.kill();
  });

  it("Next.js: the route handler verifies a recorded delivery, and refuses it once the body changed", async () => {
    let recorded: { headers: IncomingHttpHeaders; body: string } | null = null;
    const recorder = createHttpServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      recorded ??= { headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      res.writeHead(204).end();
    });
    await new Promise<void>((listening) => recorder.listen(0, "127.0.0.1", listening));
    try {
      const { port } = recorder.address() as AddressInfo;
      const { scim, secret } = await directoryWithEndpoint("Next", `http://127.0.0.1:${port}/webhooks/roster`);
      await scim.user("nia@next.test");
      await until(() => recorded !== null, "Roster to deliver the event");

      await mkdir(join(app, "app/webhooks/roster"), { recursive: true });
      await writeFile(join(app, "app/webhooks/roster/route.mjs"), HANDLE + jsBlockUnder(docs, "Next.js (App Router)"));
      await writeFile(join(app, "delivery.json"), JSON.stringify(recorded));
      await writeFile(
        join(app, "call-route.mjs"),
        `import { readFileSync } from "node:fs";
import { POST, runtime } from "./app/webhooks/roster/route.mjs";
const { headers, body } = JSON.parse(readFileSync("delivery.json", "utf8"));
const request = (text) => new Request("http://localhost/webhooks/roster", { method: "POST", headers: Object.entries(headers).filter(([, v]) => typeof v === "string"), body: text });
console.log("runtime", runtime);
console.log("status", (await POST(request(body))).status);
console.log("status", (await POST(request(body.replace("nia@next.test", "eve@next.test")))).status);
`,
      );
      const { stdout } = await run(process.execPath, ["call-route.mjs"], {
        cwd: app,
        env: { ...process.env, ROSTER_WEBHOOK_SECRET: secret },
      });
      expect(stdout.trim().split("\n")).toEqual([
        "runtime nodejs",
        "verified dsync.user.created nia@next.test",
        "status 204",
        "status 400",
      ]);
    } finally {
      await new Promise((closed) => recorder.close(closed));
    }
  });
});
