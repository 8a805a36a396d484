import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OutgoingRequest, type SendOutcome, startRunSender } from "./http-send.js";

describe("sending webhook requests", () => {
  let server: Server;
  let base = "";
  const seen: string[] = [];
  const sender = startRunSender();
  /** A run of one request. */
  const sendWebhook = async (
    r: OutgoingRequest & { timeoutMs: number; signal: AbortSignal },
  ): Promise<SendOutcome | undefined> =>
    (await sender.sendRun([r], { timeoutMs: r.timeoutMs, budgetMs: 60_000, signal: r.signal }))[0]?.outcome;
  beforeAll(async () => {
    // /hang never answers; /moved redirects; anything else answers 204.
    server = createServer((req, res) => {
      seen.push(req.url ?? "");
      if (req.url === "/hang") return;
      if (req.url === "/moved") return void res.writeHead(302, { location: "/elsewhere" }).end();
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await sender.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const request = (path: string, signal = new AbortController().signal, timeoutMs = 10_000) => ({
    url: `${base}${path}`,
    body: "{}",
    headers: {},
    allowPrivate: true,
    timeoutMs,
    signal,
  });

  it("counts a 2xx without a body as delivered", async () => {
    expect(await sendWebhook(request("/ok"))).toMatchObject({ kind: "delivered", status: 204, excerpt: null });
  });

  it("reuses one kept-alive connection for requests one after another", async () => {
    const before = await new Promise<number>((resolve) => server.getConnections((_, n) => resolve(n)));
    for (let i = 0; i < 5; i++) expect(await sendWebhook(request("/ok"))).toMatchObject({ kind: "delivered" });
    const after = await new Promise<number>((resolve) => server.getConnections((_, n) => resolve(n)));
    expect(after - before).toBeLessThanOrEqual(1);
  });

  it("refuses a special address unless the request may reach it: an IP literal before connecting, a name on its resolved address", async () => {
    const port = new URL(base).port;
    const before = seen.length;
    for (const url of [`http://127.0.0.1:${port}/guarded`, `http://2130706433:${port}/guarded`]) {
      const outcome = await sendWebhook({ ...request("/"), url, allowPrivate: false });
      expect(outcome).toMatchObject({
        kind: "failed",
        status: null,
        error:
          "refused: 127.0.0.1 is a loopback address; only an endpoint the admin key created or flagged private_network may reach it (ROSTER_OUTBOUND_PRIVATE=admin), or every one with ROSTER_OUTBOUND_PRIVATE=all",
      });
    }
    // IPv6 literals leading to an IPv4 address (NAT64, IPv4-compatible, IPv4-translated) are judged by that address.
    for (const [host, kind] of [
      ["64:ff9b::7f00:1", "loopback"],
      ["64:ff9b:1::a00:5", "private"],
      ["::7f00:1", "loopback"],
      ["::ffff:0:a9fe:a9fe", "link-local"],
    ] as const) {
      const outcome = await sendWebhook({
        ...request("/"),
        url: `http://[${host}]:${port}/guarded`,
        allowPrivate: false,
      });
      expect(outcome).toMatchObject({
        kind: "failed",
        status: null,
        error: expect.stringMatching(new RegExp(`^refused: ${host.replaceAll(".", "\\.")} is an? ${kind} address;`)),
      });
    }
    const byName = await sendWebhook({ ...request("/"), url: `http://localhost:${port}/guarded`, allowPrivate: false });
    expect(byName).toMatchObject({
      kind: "failed",
      error: expect.stringMatching(/^refused: (127\.0\.0\.1|::1) is a loopback address/),
    });
    expect(seen.length).toBe(before);
  });

  it("does not follow redirects: a receiver must answer itself", async () => {
    expect(await sendWebhook(request("/moved"))).toMatchObject({ kind: "failed", status: 302, error: "HTTP 302" });
  });

  it("gives up on a silent receiver after the timeout", async () => {
    const started = Date.now();
    const outcome = await sendWebhook(request("/hang", undefined, 200));
    expect(outcome).toMatchObject({ kind: "failed", status: null, error: "timed out after 200 ms" });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("stops at once on shutdown, and says it was interrupted rather than failed", async () => {
    const controller = new AbortController();
    const pending = sendWebhook(request("/hang", controller.signal));
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ kind: "interrupted" });
  });

  it("names a refused connection", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await sendWebhook({ ...request("/"), url: `http://127.0.0.1:${port}/` });
    expect(outcome).toMatchObject({ kind: "failed", status: null });
    expect(outcome?.kind === "failed" && outcome.error).toMatch(/ECONNREFUSED/);
  });

  it("sends a run in order, one at a time, and stops after the first request not delivered", async () => {
    seen.length = 0;
    const paths = ["/ok?1", "/ok?2", "/moved", "/ok?3"];
    const sent = await sender.sendRun(
      paths.map((p) => request(p)),
      { timeoutMs: 10_000, budgetMs: 60_000, signal: new AbortController().signal },
    );
    expect(sent.map((s) => s.outcome.kind)).toEqual(["delivered", "delivered", "failed"]);
    expect(seen).toEqual(paths.slice(0, 3));
    expect(sent.map((s) => s.offsetMs)).toEqual([...sent.map((s) => s.offsetMs)].sort((a, b) => a - b));
  });

  it("starts no request that could outlast the run's budget (the claim's lease)", async () => {
    const sent = await sender.sendRun([request("/ok")], {
      timeoutMs: 10_000,
      budgetMs: 9_999,
      signal: new AbortController().signal,
    });
    expect(sent).toEqual([]);
  });
});
