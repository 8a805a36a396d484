// Test support (not used at runtime): a real Roster on loopback with a temp SQLite file, SCIM
// pushes over fetch as an IdP sends them, and stdout/stderr capture for running the CLI in-process.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRosterClient, type Directory, type RosterClient } from "../client/index.js";
import { loadConfig } from "../config.js";
import type { ConnectorKinds } from "../connectors/connector-kind.js";
import { type RunningServer, startServer } from "../server/start.js";

export const TEST_ADMIN_KEY = "roster_admin_testkey_0123456789abcdefghijklmnopqrstuv";
const SECRET_KEY = "test-only-secret-key-0123456789abcdefghijklmnop";

export interface LiveServer {
  readonly server: RunningServer;
  readonly url: string;
  /** A client with the admin key. */
  readonly admin: RosterClient;
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 with a fresh SQLite file and ROSTER_SECRET_KEY set (webhook
 * endpoints and pull directories need it); `connectorKinds` replaces the registry's (e.g. an in-memory source).
 */
export async function startLiveServer(options: { readonly connectorKinds?: ConnectorKinds } = {}): Promise<LiveServer> {
  const dir = await mkdtemp(join(tmpdir(), "roster-live-"));
  const env = {
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: `sqlite:${join(dir, "roster.sqlite")}`,
    ROSTER_ADMIN_KEY: TEST_ADMIN_KEY,
    ROSTER_SECRET_KEY: SECRET_KEY,
    LOG_LEVEL: "silent",
    // Receivers and stand-ins listen on loopback.
    ROSTER_OUTBOUND_PRIVATE: "all",
  };
  const server = await startServer(loadConfig(env), options);
  return {
    server,
    url: server.url,
    admin: createRosterClient({ baseUrl: server.url, apiKey: TEST_ADMIN_KEY }),
    async close() {
      // An aborted request can leave a connection the client opened but never used; Node counts
      // it as busy (no request yet is not "idle"), so a graceful close would wait for it. Tests
      // have nothing in flight here: cut every connection, also one accepted while closing.
      const cut = setInterval(() => server.app.server.closeAllConnections(), 50);
      server.app.server.closeAllConnections();
      try {
        await server.close();
      } finally {
        clearInterval(cut);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const SCHEMA = {
  user: "urn:ietf:params:scim:schemas:core:2.0:User",
  group: "urn:ietf:params:scim:schemas:core:2.0:Group",
  patch: "urn:ietf:params:scim:api:messages:2.0:PatchOp",
} as const;

/** A SCIM client bound to one ingest directory, by the base URL and token its create answer carried. */
export function scimOf(directory: Directory) {
  const base = directory.scim?.base_url;
  const token = directory.scim?.token;
  if (!base || !token)
    throw new Error(`directory ${directory.id} has no SCIM base URL and token: use the create answer`);
  async function send(method: "POST" | "PATCH", path: string, body: unknown): Promise<{ id: string }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`SCIM ${method} ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as { id: string };
  }
  return {
    /** Creates a user (userName = its work address); returns its id. */
    async user(userName: string, extra: Record<string, unknown> = {}): Promise<string> {
      return (
        await send("POST", "/Users", {
          schemas: [SCHEMA.user],
          userName,
          emails: [{ value: userName, type: "work", primary: true }],
          ...extra,
        })
      ).id;
    },
    /** Creates a group with these members; returns its id. */
    async group(
      displayName: string,
      memberIds: readonly string[] = [],
      extra: Record<string, unknown> = {},
    ): Promise<string> {
      return (
        await send("POST", "/Groups", {
          schemas: [SCHEMA.group],
          displayName,
          members: memberIds.map((value) => ({ value })),
          ...extra,
        })
      ).id;
    },
    /** Deactivates or reactivates a user. */
    async setActive(userId: string, active: boolean): Promise<void> {
      await send("PATCH", `/Users/${userId}`, {
        schemas: [SCHEMA.patch],
        Operations: [{ op: "replace", value: { active } }],
      });
    },
  };
}

/** An organization with one ingest directory holding ada, bob (inactive) and cy; ada and bob in Engineering, cy in Sales. */
export async function seedDirectory(admin: RosterClient, name: string) {
  const org = await admin.organizations.create({ name });
  const directory = await admin.directories.create({
    organization_id: org.id,
    name: `${name} IdP`,
    type: "okta scim v2.0",
    deactivated_members: "keep",
  });
  const scim = scimOf(directory);
  const domain = `${name.toLowerCase().replace(/\W+/g, "")}.test`;
  const ada = await scim.user(`ada@${domain}`, {
    externalId: "idp-ada",
    name: { givenName: "Ada", familyName: "Lovelace" },
    title: "Engineer",
  });
  const bob = await scim.user(`bob@${domain}`, { externalId: "idp-bob" });
  const cy = await scim.user(`cy@${domain}`, { externalId: "idp-cy" });
  const engineering = await scim.group("Engineering", [ada, bob], { externalId: "idp-eng" });
  const sales = await scim.group("Sales", [cy]);
  await scim.setActive(bob, false);
  return { org, directory, scim, domain, users: { ada, bob, cy }, groups: { engineering, sales } };
}

export interface Captured {
  stdout(): string;
  stderr(): string;
  restore(): void;
}

/** Captures process.stdout/stderr writes from now until restore(); readable while it runs. */
export function startCapture(): Captured {
  const out = { stdout: "", stderr: "" };
  const original = { stdout: process.stdout.write, stderr: process.stderr.write };
  const collect = (key: "stdout" | "stderr") =>
    ((chunk: string | Uint8Array) => {
      out[key] += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = collect("stdout");
  process.stderr.write = collect("stderr");
  return {
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    restore() {
      process.stdout.write = original.stdout;
      process.stderr.write = original.stderr;
    },
  };
}

/** Runs `fn` with output captured; the real streams come back even if it throws. */
export async function capture(fn: () => Promise<unknown>): Promise<{ stdout: string; stderr: string }> {
  const captured = startCapture();
  try {
    await fn();
  } finally {
    captured.restore();
  }
  return { stdout: captured.stdout(), stderr: captured.stderr() };
}

/** Polls `condition` every 20 ms; fails after `timeoutMs` naming `what`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
