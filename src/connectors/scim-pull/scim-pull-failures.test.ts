/** Upstreams that misbehave: unreachable, silent, HTML, rate limited, never-ending, odd resources. */
import { afterEach, describe, expect, it } from "vitest";
import { SourceError, type SourceItem } from "../source.js";
import { createScimPullSource, type ScimPullOptions } from "./scim-pull-source.js";
import {
  closedPort,
  type FakeHandler,
  type FakeUpstream,
  listOf,
  startFakeUpstream,
  userResource,
} from "./upstream-test-support.js";

const signal = () => AbortSignal.timeout(10_000);
let upstream: FakeUpstream | undefined;

afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

async function fake(
  handler: FakeHandler,
  options: ScimPullOptions = {},
  config: { timeout_ms?: number; page_size?: number } = {},
) {
  upstream = await startFakeUpstream(handler);
  return createScimPullSource({ base_url: upstream.baseUrl, token: "t0ken", ...config }, options);
}

async function collect<T>(items: AsyncIterable<SourceItem<T>>): Promise<SourceItem<T>[]> {
  const out: SourceItem<T>[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function failureOf(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SourceError)) throw new Error(`expected a SourceError, got ${String(error)}`);
  return error;
}

describe("scim pull against a misbehaving upstream", () => {
  it("reports a closed port as unreachable", async () => {
    const port = await closedPort();
    const source = createScimPullSource({ base_url: `http://127.0.0.1:${port}/scim/v2`, token: "t" });
    const error = await failureOf(source.check(signal()));
    expect(error.reason).toBe("unreachable");
    expect(error.message).toMatch(/refused/);
  });

  it("reports an unresolvable host as unreachable", async () => {
    const source = createScimPullSource({
      base_url: "http://roster-upstream.invalid/scim/v2",
      token: "t",
      timeout_ms: 5000,
    });
    expect((await failureOf(source.check(signal()))).reason).toBe("unreachable");
  });

  it("reports a server that never answers as a timeout", async () => {
    const source = await fake(() => "hang", {}, { timeout_ms: 200 });
    const error = await failureOf(source.check(signal()));
    expect(error.reason).toBe("timeout");
    expect(error.message).toMatch(/did not answer within 200 ms/);
  });

  it("lets a cancelled run end with the run's own abort reason, not a source failure", async () => {
    const source = await fake(() => "hang", { pagination: "index" });
    const controller = new AbortController();
    const reading = collect(source.users({ signal: controller.signal }));
    setTimeout(() => controller.abort(new Error("run cancelled")), 50);
    await expect(reading).rejects.toThrow("run cancelled");
  });

  it("reports an HTML page as a bad response, naming the request and the media type", async () => {
    const source = await fake((url) =>
      url.pathname.endsWith("/ServiceProviderConfig")
        ? { status: 404, body: "nope" }
        : { headers: { "content-type": "text/html; charset=utf-8" }, body: "<html>Sign in</html>" },
    );
    const error = await failureOf(source.check(signal()));
    expect(error.reason).toBe("bad_response");
    expect(error.message).toBe(`GET ${upstream?.baseUrl}/Users returned text/html, expected SCIM JSON`);
  });

  it("reports JSON that is not a ListResponse, and JSON that does not parse, as bad responses", async () => {
    const shapeless = await fake(() => ({ body: { hello: "world" } }));
    expect(await failureOf(shapeless.check(signal()))).toMatchObject({
      reason: "bad_response",
      message: expect.stringMatching(/not a SCIM ListResponse/),
    });
    await upstream?.close();
    const broken = await fake(() => ({ headers: { "content-type": "application/scim+json" }, body: "{not json" }));
    expect(await failureOf(broken.check(signal()))).toMatchObject({
      reason: "bad_response",
      message: expect.stringMatching(/not JSON/),
    });
  });

  it("reports 403 as invalid credentials", async () => {
    const source = await fake(() => ({ status: 403, body: { detail: "forbidden" } }));
    expect((await failureOf(source.check(signal()))).reason).toBe("invalid_credentials");
  });

  it("retries a 503 and a 429 as Retry-After says, then reads", async () => {
    let calls = 0;
    const source = await fake(
      () => {
        calls += 1;
        if (calls === 1) return { status: 503, headers: { "retry-after": "0" }, body: "busy" };
        if (calls === 2) return { status: 429, headers: { "retry-after": "0" }, body: "slow down" };
        return { body: listOf([userResource("u1", "ada")]) };
      },
      { pagination: "index" },
    );
    const items = await collect(source.users({ signal: signal() }));
    expect(items).toHaveLength(1);
    expect(calls).toBe(3);
  });

  it("gives up after its bounded retries", async () => {
    const source = await fake(() => ({ status: 429, headers: { "retry-after": "3600" }, body: "slow down" }), {
      pagination: "index",
      retries: 1,
      maxRetryWaitMs: 10,
    });
    const error = await failureOf(collect(source.users({ signal: signal() })));
    expect(error.message).toMatch(/answered 429/);
    expect(upstream?.requests).toHaveLength(2);
  });

  it("uses cursors when the ServiceProviderConfig offers them (RFC 9865)", async () => {
    const source = await fake((url) => {
      if (url.pathname.endsWith("/ServiceProviderConfig"))
        return { body: { pagination: { cursor: true, index: true } } };
      const cursor = url.searchParams.get("cursor");
      if (cursor === "") return { body: listOf([userResource("u1", "ada")], { nextCursor: "c2" }) };
      if (cursor === "c2") return { body: listOf([userResource("u2", "grace")]) };
      return { status: 400, body: { detail: "startIndex paging is off" } };
    });
    await source.check(signal());
    const items = await collect(source.users({ signal: signal() }));
    expect(items.map((i) => (i.kind === "record" ? i.record.idpId : i.ref))).toEqual(["u1", "u2"]);
  });

  it("stops an upstream that ignores startIndex", async () => {
    const source = await fake(
      () => ({ body: listOf([userResource("u1", "ada"), userResource("u2", "grace")], { totalResults: 50 }) }),
      { pagination: "index" },
      { page_size: 2 },
    );
    const error = await failureOf(collect(source.users({ signal: signal() })));
    expect(error).toMatchObject({
      reason: "bad_response",
      message: expect.stringMatching(/does not honour startIndex/),
    });
  });

  it("stops an upstream that repeats a cursor", async () => {
    let n = 0;
    const source = await fake(
      () => ({ body: listOf([userResource(`u${++n}`, `user${n}`)], { nextCursor: n > 2 ? "same" : `c${n}` }) }),
      { pagination: "cursor" },
    );
    const error = await failureOf(collect(source.users({ signal: signal() })));
    expect(error).toMatchObject({
      reason: "bad_response",
      message: expect.stringMatching(/nextCursor it had returned before/),
    });
  });

  it("stops after its page bound", async () => {
    let n = 0;
    const source = await fake(
      () => ({ body: listOf([userResource(`u${++n}`, `user${n}`)], { totalResults: 1_000_000 }) }),
      { pagination: "index", maxPages: 5 },
    );
    const error = await failureOf(collect(source.users({ signal: signal() })));
    expect(error.message).toMatch(/after 5 pages/);
  });

  it("yields a resource it cannot normalize as one invalid record and reads on", async () => {
    const source = await fake(
      () => ({
        body: listOf([
          userResource("u1", "ada"),
          userResource("u2", ""),
          { userName: "no-id" },
          userResource("u4", "bob", { active: "maybe" }),
        ]),
      }),
      { pagination: "index" },
    );
    const items = await collect(source.users({ signal: signal() }));
    expect(items).toEqual([
      expect.objectContaining({ kind: "record" }),
      { kind: "invalid", ref: "u2", message: "userName is required and must be a non-empty string" },
      { kind: "invalid", ref: "Users #3", message: "the resource has no id" },
      { kind: "invalid", ref: "u4", message: "active must be a boolean" },
    ]);
  });

  it("fetches a group alone when the list left its members out, and flattens nested groups", async () => {
    const groups: Record<string, Record<string, unknown>> = {
      g1: { id: "g1", displayName: "Big", members: [{ value: "u1" }, { value: "g2", type: "Group" }] },
      g2: { id: "g2", displayName: "Nested", members: [{ value: "u2" }, { value: "g3", type: "Group" }] },
      g3: {
        id: "g3",
        displayName: "Loop",
        members: [{ value: "u3" }, { value: "g1", type: "Group" }, { value: "u1" }],
      },
    };
    const source = await fake(
      (url) => {
        const one = /\/Groups\/(\w+)$/.exec(url.pathname);
        if (one?.[1]) return groups[one[1]] ? { body: groups[one[1]] } : { status: 404, body: { detail: "gone" } };
        // The list leaves out every group's members, as some upstreams do for large groups.
        return {
          body: listOf([
            ...Object.values(groups).map(({ members: _, ...g }) => g),
            { id: "g9", displayName: "Deleted meanwhile" },
          ]),
        };
      },
      { pagination: "index" },
    );
    const items = await collect(source.groups({ signal: signal() }));
    const members = Object.fromEntries(
      items.map((i) =>
        i.kind === "record" ? [i.record.idpId, [...i.record.memberIdpIds].sort()] : [i.ref, i.message],
      ),
    );
    expect(members).toEqual({ g1: ["u1", "u2", "u3"], g2: ["u1", "u2", "u3"], g3: ["u1", "u2", "u3"] });
    expect(upstream?.requests).toContain("/scim/v2/Groups/g9");
  });

  it("sends findUser's filter with quotes and backslashes escaped as a JSON string", async () => {
    const source = await fake(() => ({ body: listOf([userResource("u1", 'a"b\\c')]) }));
    const found = await source.findUser('A"B\\C', signal());
    expect(found?.idpId).toBe("u1");
    const query = new URL(`http://x${upstream?.requests[0]}`).searchParams.get("filter");
    expect(query).toBe('userName eq "A\\"B\\\\C"');
  });

  it("refuses to call an unreadable user absent in findUser", async () => {
    const source = await fake(() => ({ body: listOf([userResource("u1", "ada", { emails: "not-a-list" })]) }));
    expect(await failureOf(source.findUser("ada", signal()))).toMatchObject({
      reason: "bad_response",
      message: expect.stringMatching(/u1 cannot be read/),
    });
  });
});
