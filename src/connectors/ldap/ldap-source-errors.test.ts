import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freeLoopbackPort, type SlapdServer, slapdConnector, startSlapd } from "../../../test/support/slapd.js";
import { type ConnectorSource, SourceError } from "../source.js";
import { parseLdapConfig } from "./ldap-config.js";
import { createLdapSource } from "./ldap-source.js";

let server: SlapdServer;
let silent: Server;
const silentSockets = new Set<Socket>();
const opened: ConnectorSource[] = [];

function source(overrides: Record<string, unknown> = {}): ConnectorSource {
  const parsed = parseLdapConfig(slapdConnector(server, overrides));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const created = createLdapSource(parsed.value);
  opened.push(created);
  return created;
}

const failure = (reason: string) => expect.objectContaining({ name: "SourceError", reason });
const signal = () => AbortSignal.timeout(20_000);

beforeAll(async () => {
  server = await startSlapd({ directory: { users: 300, groups: 0, membersPerGroup: 0 } });
  // accepts connections and never says a word: what a hung server or a black-holing proxy looks like
  silent = createServer((socket) => {
    silentSockets.add(socket);
    socket.on("close", () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  await server?.stop();
});

const silentUrl = () => {
  const address = silent.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  return `ldap://127.0.0.1:${address.port}`;
};

describe("LDAP source: failures", () => {
  it("a wrong password is invalid_credentials, before any read", async () => {
    const error = await source({ password: "wrong" })
      .check(signal())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ reason: "invalid_credentials", message: expect.stringContaining("bind_dn") });
  });

  it("a port nobody listens on is unreachable", async () => {
    const port = await freeLoopbackPort();
    await expect(source({ url: `ldap://127.0.0.1:${port}` }).check(signal())).rejects.toEqual(failure("unreachable"));
  });

  it("a server that accepts and never answers is a timeout, within timeout_ms", async () => {
    const started = Date.now();
    await expect(source({ url: silentUrl(), timeout_ms: 300 }).check(signal())).rejects.toEqual(failure("timeout"));
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("StartTLS against a server that does not offer it fails clearly instead of binding in clear text", async () => {
    const error = await source({ tls: { starttls: true } })
      .check(signal())
      .catch((e: unknown) => e);
    expect(error).toEqual(failure("misconfigured"));
    expect((error as Error).message).toContain("does not offer StartTLS");
  });

  it("a base_dn that does not exist is misconfigured", async () => {
    const error = await source({ base_dn: "ou=nowhere,dc=example,dc=test" })
      .check(signal())
      .catch((e: unknown) => e);
    expect(error).toEqual(failure("misconfigured"));
    expect((error as Error).message).toContain("base_dn");
  });

  it("aborting a read mid-stream rejects with the abort reason, and the next read connects again", async () => {
    const s = source({ page_size: 20 });
    const controller = new AbortController();
    const iterator = s.users({ signal: controller.signal })[Symbol.asyncIterator]();
    await iterator.next();
    const reason = new Error("run cancelled");
    controller.abort(reason);
    for (let i = 0; i < 30; i++) {
      const step = await iterator.next().catch((e: unknown) => e);
      if (step === reason) break;
      if (i === 29) throw new Error("the stream kept going after abort");
    }
    let count = 0;
    for await (const _ of s.users({ signal: signal() })) count += 1;
    expect(count).toBe(300);
  });

  it("aborting while the server is silent returns at once", async () => {
    const controller = new AbortController();
    const pending = source({ url: silentUrl(), timeout_ms: 60_000 }).check(controller.signal);
    setTimeout(() => controller.abort(new Error("stop")), 100);
    const started = Date.now();
    await expect(pending).rejects.toThrow("stop");
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
