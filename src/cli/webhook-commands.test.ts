import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRosterClient,
  type List,
  type Organization,
  verifyWebhook,
  type WebhookDelivery,
  type WebhookEndpoint,
} from "../client/index.js";
import { type Receipt, startTestReceiver, type TestReceiver } from "../webhooks/webhook-test-support.js";
import { cliAgainst } from "./cli-test-runner.js";
import { type LiveServer, scimOf, startLiveServer, waitFor } from "./live-test-server.js";

describe("roster webhooks against a real server", () => {
  let live: LiveServer;
  let cli: ReturnType<typeof cliAgainst>;
  let receiver: TestReceiver;
  let org: Organization;

  beforeAll(async () => {
    live = await startLiveServer();
    cli = cliAgainst(live.url);
    receiver = await startTestReceiver();
    org = await live.admin.organizations.create({ name: "Hooked" });
  });
  afterAll(async () => {
    await live?.close();
    await receiver?.close();
  });

  it("creates an endpoint, printing its secret once, and lists and shows it without the secret", async () => {
    const out = await cli.run(
      "webhooks",
      "create",
      "--endpoint-url",
      `${receiver.url}/created`,
      "--events",
      "dsync.user.created,dsync.user.deleted",
      "--org",
      org.id,
    );
    const id = /^Created webhook endpoint (we_\w+) for org_\w+\n/.exec(out)?.[1] ?? "";
    const secret = /\bsecret +(whsec_\S+)/.exec(out)?.[1] ?? "";
    expect(id).not.toBe("");
    expect(secret).not.toBe("");
    expect(out).toContain("shown only once");
    expect(out).toMatch(/events +dsync\.user\.created, dsync\.user\.deleted/);

    const list = await cli.run("webhooks", "list", "--org", org.id);
    expect(list).toMatch(/^ID {2,}URL {2,}STATE {2,}ORGANIZATION {2,}EVENTS\n/);
    expect(list).toMatch(
      new RegExp(`${id} +${receiver.url}/created +enabled +${org.id} +dsync\\.user\\.created, dsync\\.user\\.deleted`),
    );
    expect(list).not.toContain(secret);
    const shown = await cli.json<WebhookEndpoint>("webhooks", "get", id);
    expect(shown).toMatchObject({ id, enabled: true, organization_id: org.id });
    expect(shown).not.toHaveProperty("secret");
  });

  it("creates a global endpoint for every event type, and updates, disables and enables it", async () => {
    const created = await cli.json<WebhookEndpoint & { secret: string }>(
      "webhooks",
      "create",
      "--endpoint-url",
      `${receiver.url}/global`,
    );
    expect(created).toMatchObject({ organization_id: null, events: [] });
    expect(await cli.run("webhooks", "get", created.id)).toMatch(
      /organization +all \(global endpoint\)\n +events +all\n +state +enabled/,
    );

    const disabled = await cli.run("webhooks", "update", created.id, "--disable", "--events", "dsync.group.created");
    expect(disabled).toMatch(new RegExp(`^Updated webhook endpoint ${created.id}\\.\\n`));
    expect(disabled).toMatch(/events +dsync\.group\.created\n +state +disabled/);
    const enabled = await cli.json<WebhookEndpoint>(
      "webhooks",
      "update",
      created.id,
      "--enable",
      "--endpoint-url",
      `${receiver.url}/moved`,
      "--events",
      "",
    );
    expect(enabled).toMatchObject({ enabled: true, url: `${receiver.url}/moved`, events: [] });

    expect((await cli.exit("webhooks", "update", created.id, "--enable", "--disable")).stderr).toMatch(
      /option '--enable' cannot be used with option '--disable'/,
    );
    expect((await cli.exit("webhooks", "update", created.id)).stderr).toBe(
      "roster: nothing to change: pass --endpoint-url, --events, --enable or --disable\n",
    );
    await cli.run("webhooks", "delete", created.id);
  });

  it("shows the deliveries, retries one, and the delivered webhook verifies with the printed secret", async () => {
    const out = await cli.run(
      "webhooks",
      "create",
      "--endpoint-url",
      `${receiver.url}/log`,
      "--events",
      "dsync.user.created",
      "--org",
      org.id,
    );
    const id = /webhook endpoint (we_\w+)/.exec(out)?.[1] ?? "";
    const secret = /\bsecret +(whsec_\S+)/.exec(out)?.[1] ?? "";
    const directory = await live.admin.directories.create({
      organization_id: org.id,
      name: "IdP",
      type: "generic scim v2.0",
    });
    await scimOf(directory).user("ada@hooked.test");
    const received = () => receiver.receipts.filter((r) => r.path === "/log");
    await waitFor(() => received().length === 1, "the delivery");
    const receipt = received()[0] as Receipt;
    expect(verifyWebhook({ headers: receipt.headers, body: receipt.body, secret })).toMatchObject({
      event: "dsync.user.created",
      data: { username: "ada@hooked.test" },
    });

    await waitFor(
      async () => (await live.admin.webhookEndpoints.deliveries(id)).data[0]?.state === "succeeded",
      "the delivery to be logged",
    );
    const table = await cli.run("webhooks", "deliveries", id);
    expect(table).toMatch(/^ID {2,}EVENT {2,}EVENT ID {2,}STATE {2,}ATTEMPTS {2,}LAST {2,}UPDATED\n/);
    expect(table).toMatch(
      new RegExp(`whdel_\\w+ +dsync\\.user\\.created +${receipt.webhookId} +succeeded +1 +200 +\\d{4}-`),
    );
    const [delivery] = (await cli.json<List<WebhookDelivery>>("webhooks", "deliveries", id, "--state", "succeeded"))
      .data;
    expect(delivery?.attempts[0]).toMatchObject({ attempt: 1, status_code: 200 });

    const retried = await cli.run("webhooks", "retry", id, delivery?.id ?? "");
    expect(retried).toMatch(
      new RegExp(
        `^Delivery ${delivery?.id} \\(dsync\\.user\\.created ${receipt.webhookId}\\) queued again: state pending`,
      ),
    );
    await waitFor(() => received().length === 2, "the replay");
    expect(received()[1]?.webhookId).toBe(receipt.webhookId);
    expect(await cli.run("webhooks", "deliveries", id, "--state", "failed")).toBe(`No deliveries to ${id} yet.\n`);
  });

  it("replays the delivered deliveries of a time range through the CLI, and the SDK says when none are left", async () => {
    const created = await cli.json<WebhookEndpoint>(
      "webhooks",
      "create",
      "--endpoint-url",
      `${receiver.url}/replayed`,
      "--events",
      "dsync.user.created",
      "--org",
      org.id,
    );
    const directory = await live.admin.directories.create({
      organization_id: org.id,
      name: "Replayed IdP",
      type: "generic scim v2.0",
    });
    await scimOf(directory).user("bo@hooked.test");
    await scimOf(directory).user("cy@hooked.test");
    const received = () => receiver.receipts.filter((r) => r.path === "/replayed").map((r) => r.webhookId);
    await waitFor(
      async () => (await live.admin.webhookEndpoints.deliveries(created.id, { state: "succeeded" })).data.length === 2,
      "both deliveries",
    );
    const first = received();

    const none = await cli.run("webhooks", "replay", created.id, "--until", "2000-01-01");
    expect(none).toBe(`Queued 0 failed deliveries of ${created.id} again; the worker sends them oldest first.
`);
    const counted = await cli.run(
      "webhooks",
      "replay",
      created.id,
      "--status",
      "succeeded",
      "--since",
      "2000-01-01T00:00:00Z",
      "--dry-run",
    );
    expect(counted).toBe(`Would queue 2 succeeded deliveries of ${created.id} again (dry run: nothing sent).
`);
    expect(await cli.json("webhooks", "replay", created.id, "--status", "succeeded", "--dry-run")).toEqual({
      object: "webhook_replay",
      endpoint_id: created.id,
      replayed: 0,
      has_more: false,
      dry_run: true,
      matched: 2,
    });
    expect(received()).toEqual(first);
    const out = await cli.run(
      "webhooks",
      "replay",
      created.id,
      "--status",
      "succeeded",
      "--since",
      "2000-01-01T00:00:00Z",
    );
    expect(out).toBe(`Queued 2 succeeded deliveries of ${created.id} again; the worker sends them oldest first.
`);
    await waitFor(() => received().length === 4, "the replayed deliveries");
    expect(received()).toEqual([...first, ...first]);

    const sdk = await live.admin.webhookEndpoints.replayDeliveries(created.id, { status: "failed" });
    expect(sdk).toEqual({
      object: "webhook_replay",
      endpoint_id: created.id,
      replayed: 0,
      has_more: false,
      dry_run: false,
    });
    const bad = await cli.exit("webhooks", "replay", created.id, "--since", "not a time");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/since is not an ISO-8601 date or date-time/);
  });

  it("deletes an endpoint, after which it is not found", async () => {
    const created = await cli.json<WebhookEndpoint>(
      "webhooks",
      "create",
      "--endpoint-url",
      `${receiver.url}/doomed`,
      "--org",
      org.id,
    );
    expect(await cli.run("webhooks", "delete", created.id)).toBe(`Deleted webhook endpoint ${created.id}.\n`);
    const gone = await cli.exit("webhooks", "get", created.id);
    expect(gone.stderr).toMatch(new RegExp(`^roster: .*${created.id}.* \\(404 not_found\\)\\n$`));
    expect(gone.code).toBe(1);
    expect((await cli.exit("webhooks", "create", "--endpoint-url", "ftp://nope", "--org", org.id)).stderr).toMatch(
      /^roster: .*\(422 validation_error\)/,
    );
  });

  it("test sends one signed webhook.test event that verifyWebhook accepts, records nothing, and exits 1 when the receiver refuses", async () => {
    const created = await cli.json<WebhookEndpoint & { secret: string }>(
      "webhooks",
      "create",
      "--endpoint-url",
      `${receiver.url}/tested`,
      "--org",
      org.id,
    );
    const before = receiver.receipts.length;
    const ok = await cli.exit("webhooks", "test", created.id);
    expect(ok.code).toBeUndefined();
    expect(ok.stdout).toMatch(
      new RegExp(
        `^Test event delivered to ${receiver.url}/tested\n {2}event +event_\\w+ \\(webhook\\.test\\)\n {2}status +200\n`,
      ),
    );
    const receipt = receiver.receipts[before] as Receipt;
    expect(receiver.receipts).toHaveLength(before + 1);
    const verified = verifyWebhook({ headers: receipt.headers, body: receipt.body, secret: created.secret });
    expect(verified).toMatchObject({ event: "webhook.test", data: { webhook_endpoint_id: created.id } });
    expect((await live.admin.webhookEndpoints.deliveries(created.id)).data).toEqual([]);
    expect(
      (await live.admin.events.list({ events: undefined, organization_id: org.id, limit: 100 })).data.map((e) => e.id),
    ).not.toContain(verified.id);

    receiver.respond = (path) => (path === "/tested" ? { status: 500, body: "boom" } : 200);
    try {
      const refused = await cli.exit("webhooks", "test", created.id, "--json");
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.stdout)).toMatchObject({
        object: "webhook_test",
        delivered: false,
        status_code: 500,
        response_excerpt: "boom",
        error: "The receiver answered 500",
      });
    } finally {
      receiver.respond = () => 200;
    }

    const elsewhere = await live.admin.organizations.create({ name: "Other" });
    const key = await live.admin.apiKeys.create(elsewhere.id, { name: "other" });
    const foreign = createRosterClient({ baseUrl: live.url, apiKey: key.key });
    await expect(foreign.webhookEndpoints.test(created.id)).rejects.toMatchObject({ status: 404, code: "not_found" });
    expect(receiver.receipts).toHaveLength(before + 2);
  });
});
