import { createHmac } from "node:crypto";
import { type IncomingHttpHeaders, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Storage } from "../storage/connect.js";

/** One request a test receiver got. */
export interface Receipt {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly webhookId: string;
  /** What the receiver answered; 0 when it did not. */
  readonly status: number;
}

export interface TestReceiver {
  /** `http://127.0.0.1:<port>`; endpoints add a path to tell themselves apart. */
  readonly url: string;
  readonly receipts: Receipt[];
  /** Decides the answer to each request: a status (default 200), a status and a body, or null: never answer. */
  respond: (path: string, seen: number) => number | { readonly status: number; readonly body: string } | null;
  /** Stops listening; requests already being answered finish first, so none is half-delivered. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A real HTTP receiver on 127.0.0.1 (tests use real HTTP, never a mock), recording every request. */
export async function startTestReceiver(): Promise<TestReceiver> {
  const receipts: Receipt[] = [];
  let server: Server | null = null;
  let port = 0;
  const receiver: TestReceiver = {
    url: "",
    receipts,
    respond: () => 200,
    async stop() {
      const current = server;
      server = null;
      if (!current) return;
      // Keep-alive sockets turn idle once their answer is out: close them as they do.
      const sweep = setInterval(() => current.closeIdleConnections(), 5);
      await new Promise<void>((resolve) => current.close(() => resolve()));
      clearInterval(sweep);
    },
    async restart() {
      await listen();
    },
    /** Stops at once, cutting requests that were never answered. */
    async close() {
      server?.closeAllConnections();
      await receiver.stop();
    },
  };

  async function listen(): Promise<void> {
    const next = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const path = req.url ?? "/";
        const answer = receiver.respond(path, receipts.filter((r) => r.path === path).length);
        const status = answer === null ? 0 : typeof answer === "number" ? answer : answer.status;
        const webhookId = String(req.headers["webhook-id"] ?? "");
        receipts.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), webhookId, status });
        if (answer === null) return;
        const text = typeof answer === "number" ? (status < 300 ? "ok" : `failing with ${status}`) : answer.body;
        res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(text);
      });
    });
    await new Promise<void>((resolve, reject) => next.once("error", reject).listen(port, "127.0.0.1", resolve));
    port = (next.address() as AddressInfo).port;
    server = next;
  }

  await listen();
  Object.assign(receiver, { url: `http://127.0.0.1:${port}` });
  return receiver;
}

/** Polls `condition` every 20 ms; fails after `timeoutMs` with `what` in the message. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Checks a Standard Webhooks signature as a receiver would, with node:crypto only. */
export function verifyStandardSignature(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const signed = `${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`;
  const expected = createHmac("sha256", key).update(signed).digest("base64");
  return String(headers["webhook-signature"] ?? "")
    .split(" ")
    .some((entry) => entry === `v1,${expected}`);
}

/**
 * Checks `WorkOS-Signature` the way @workos-inc/node's `webhooks.constructEvent` does: split on
 * ",", then on "=", HMAC-SHA256 hex of "t.payload" keyed by the secret string, where payload is
 * the parsed body serialized again with JSON.stringify (what the SDK does with an object).
 */
export function verifyWorkosSignature(
  secret: string,
  header: string,
  parsedBody: unknown,
): { ok: boolean; timestampMs: number } {
  const [t, v1] = header.split(",");
  const timestamp = t?.split("=")[1] ?? "";
  const hash = v1?.split("=")[1] ?? "";
  const expected = createHmac("sha256", secret)
    .update(`${timestamp}.${JSON.stringify(parsedBody)}`)
    .digest("hex");
  return { ok: expected === hash, timestampMs: Number.parseInt(timestamp, 10) };
}

/**
 * Waits until no stored event is held back. On PostgreSQL an event is served only once every
 * older transaction of the cluster has ended, and other test files write concurrently.
 */
export async function settleEvents(storage: Pick<Storage, "db" | "caps">): Promise<void> {
  const settled = storage.caps.eventsSettled;
  if (!settled) return;
  await waitUntil(
    async () =>
      !(await storage.db
        .selectFrom("events")
        .select("seq")
        .where((eb) => eb.not(settled))
        .limit(1)
        .executeTakeFirst()),
    "events to settle",
    10_000,
  );
}
