import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressClassifier, Resolver } from "./guarded-lookup.js";
import { createOutboundFetch, outboundFetch } from "./outbound-fetch.js";
import { type OutboundRefusedError, outboundPolicy, refusalIn, withOutboundPolicy } from "./outbound-policy.js";
import { specialAddressKind } from "./special-addresses.js";

const deny = outboundPolicy("admin", false, "directory");
const allow = outboundPolicy("all", false, "directory");

/** Stands in for a public address: 127.0.0.2 counts as public here, the rest of 127/8 stays loopback. */
const classify: AddressClassifier = (address) => (address === "127.0.0.2" ? null : specialAddressKind(address));

/** Names a test resolves: "public.test" to the stand-in public address, "rebound.test" to 127.0.0.1. */
const resolve: Resolver = (hostname, _options, callback) => {
  const address = hostname === "public.test" ? "127.0.0.2" : hostname === "rebound.test" ? "127.0.0.1" : null;
  if (!address)
    return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), []);
  callback(null, [{ address, family: 4 }]);
};

async function refusalOf(promise: Promise<unknown>): Promise<OutboundRefusedError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TypeError);
  const refusal = refusalIn(error);
  if (!refusal) throw new Error(`not refused: ${String(error)}`);
  return refusal;
}

describe("outbound requests under the private-network guard", () => {
  let inside: Server;
  let outside: Server;
  let insidePort = 0;
  let outsidePort = 0;
  const insideHits: string[] = [];
  const guardedFetch = createOutboundFetch({ classify, resolve });

  const listen = (server: Server, host: string) =>
    new Promise<number>((done) => server.listen(0, host, () => done((server.address() as AddressInfo).port)));

  beforeAll(async () => {
    // "inside": what must stay out of a tenant's reach (a metadata service, an admin port).
    inside = createServer((req, res) => {
      insideHits.push(req.url ?? "");
      res.end("secret");
    });
    insidePort = await listen(inside, "127.0.0.1");
    // "outside": a tenant's server, which redirects wherever it likes.
    outside = createServer((req: IncomingMessage, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/to")
        return void res.writeHead(302, { location: url.searchParams.get("target") ?? "/" }).end();
      if (url.pathname === "/form") {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () =>
          res
            .writeHead(200, { "content-type": "application/json" })
            .end(JSON.stringify({ body, type: req.headers["content-type"], auth: req.headers.authorization ?? null })),
        );
        return;
      }
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ path: url.pathname, auth: req.headers.authorization ?? null }));
    });
    outsidePort = await listen(outside, "127.0.0.2");
  });

  afterAll(async () => {
    for (const server of [inside, outside]) {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });

  it("refuses a host name that resolves to 127.0.0.1 when connecting, before any byte is sent", async () => {
    const before = insideHits.length;
    const refusal = await refusalOf(outboundFetch(`http://localhost:${insidePort}/latest/meta-data`, { policy: deny }));
    expect(refusal.message).toMatch(
      /^refused: (127\.0\.0\.1|::1) is a loopback address; only a directory the admin key created or flagged private_network may reach it \(ROSTER_OUTBOUND_PRIVATE=admin\), or every one with ROSTER_OUTBOUND_PRIVATE=all$/,
    );
    expect(insideHits.length).toBe(before);
  });

  it("refuses a name whose text looks harmless but whose address is loopback (DNS rebinding)", async () => {
    const refusal = await refusalOf(guardedFetch(`http://rebound.test:${insidePort}/`, { policy: deny }));
    expect(refusal.message).toBe(
      "refused: 127.0.0.1 is a loopback address; only a directory the admin key created or flagged private_network may reach it (ROSTER_OUTBOUND_PRIVATE=admin), or every one with ROSTER_OUTBOUND_PRIVATE=all",
    );
    expect(insideHits).toEqual([]);
  });

  it("refuses IP literals, which connect without a lookup, in every form the URL parser accepts", async () => {
    for (const host of ["127.0.0.1", "2130706433", "0x7f.1", "[::ffff:127.0.0.1]"]) {
      const refusal = await refusalOf(outboundFetch(`http://${host}:${insidePort}/`, { policy: deny }));
      expect(refusal.kind).toBe("loopback");
    }
    expect(insideHits).toEqual([]);
  });

  it("reaches an address the policy allows", async () => {
    const response = await guardedFetch(`http://public.test:${outsidePort}/hello`, {
      policy: deny,
      headers: { authorization: "Bearer t" },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ path: "/hello", auth: "Bearer t" });
  });

  it("refuses a redirect to a loopback address, checked again on the hop", async () => {
    const target = encodeURIComponent(`http://127.0.0.1:${insidePort}/secret`);
    const refusal = await refusalOf(
      guardedFetch(`http://public.test:${outsidePort}/to?target=${target}`, { policy: deny }),
    );
    expect(refusal.address).toBe("127.0.0.1");
    const byName = encodeURIComponent(`http://rebound.test:${insidePort}/secret`);
    await refusalOf(guardedFetch(`http://public.test:${outsidePort}/to?target=${byName}`, { policy: deny }));
    expect(insideHits).toEqual([]);
  });

  it("follows an allowed redirect, dropping the credentials when the origin changes", async () => {
    const sameOrigin = await guardedFetch(`http://public.test:${outsidePort}/to?target=/landed`, {
      policy: deny,
      headers: { authorization: "Bearer t" },
    });
    expect(sameOrigin.redirected).toBe(true);
    expect(await sameOrigin.json()).toEqual({ path: "/landed", auth: "Bearer t" });
    const otherOrigin = encodeURIComponent(`http://127.0.0.2:${outsidePort}/landed`);
    const moved = await guardedFetch(`http://public.test:${outsidePort}/to?target=${otherOrigin}`, {
      policy: deny,
      headers: { authorization: "Bearer t" },
    });
    expect(await moved.json()).toEqual({ path: "/landed", auth: null });
  });

  it("hands a redirect back as it is under redirect: manual", async () => {
    const response = await outboundFetch(`http://127.0.0.2:${outsidePort}/to?target=/x`, {
      policy: allow,
      redirect: "manual",
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/x");
  });

  it("sends a form body with its content type, as fetch does", async () => {
    const response = await outboundFetch(`http://127.0.0.2:${outsidePort}/form`, {
      policy: allow,
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials" }),
    });
    expect(await response.json()).toEqual({
      body: "grant_type=client_credentials",
      type: "application/x-www-form-urlencoded;charset=UTF-8",
      auth: null,
    });
  });

  it("applies the policy of the enclosing withOutboundPolicy, and ROSTER_OUTBOUND_PRIVATE=all lets loopback through", async () => {
    await withOutboundPolicy(deny, () => refusalOf(outboundFetch(`http://127.0.0.1:${insidePort}/`)));
    const allowed = await withOutboundPolicy(allow, () => outboundFetch(`http://127.0.0.1:${insidePort}/ok`));
    expect(await allowed.text()).toBe("secret");
    expect(insideHits).toEqual(["/ok"]);
  });

  it("rejects with the signal's reason when it times out", async () => {
    const stalled = createServer(() => {});
    const port = await listen(stalled, "127.0.0.1");
    try {
      const error = await outboundFetch(`http://127.0.0.1:${port}/`, {
        policy: allow,
        signal: AbortSignal.timeout(100),
      }).catch((e: unknown) => e);
      expect((error as Error).name).toBe("TimeoutError");
    } finally {
      stalled.closeAllConnections();
      await new Promise((done) => stalled.close(done));
    }
  });
});
