import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Receipt, wallNow } from "./wall-clock.js";

// A receiver in its own process: the parent runs autocannon, whose busy event loop would
// otherwise stamp deliveries late and answer the worker late (and the worker sends one
// delivery at a time per endpoint, so a slow answer would also slow delivery down).
let fresh: Receipt[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const at = wallNow();
    // Answer first, as a receiver that queues its work would.
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        event: string;
        created_at: string;
        data?: { username?: string };
      };
      fresh.push({
        id: String(req.headers["webhook-id"] ?? ""),
        path: req.url ?? "",
        event: body.event,
        at,
        createdAt: Date.parse(body.created_at),
        username: body.data?.username ?? "",
      });
    } catch {
      fresh.push({
        id: String(req.headers["webhook-id"] ?? ""),
        path: req.url ?? "",
        event: "unparsable",
        at,
        createdAt: Number.NaN,
        username: "",
      });
    }
  });
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
process.send?.({ type: "ready", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/roster-hook` });

process.on("message", (message: { type?: string; id?: number }) => {
  if (message.type === "take") {
    // Hands over what arrived since the last take.
    const receipts = fresh;
    fresh = [];
    process.send?.({ type: "receipts", id: message.id, receipts });
  } else if (message.type === "stop") {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
