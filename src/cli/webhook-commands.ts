import { type Command, Option } from "@commander-js/extra-typings";
import type { UpdateWebhookEndpointInput } from "../client/index.js";
import { ConfigError } from "../config.js";
import { commandLine } from "./command-line.js";
import { connect, withConnection } from "./connection.js";
import { parseEventTypes, parseLimit } from "./option-parsers.js";
import { emit, printLine, printMoreHint } from "./output.js";
import {
  printCreatedEndpoint,
  printDeliveries,
  printEndpoint,
  printEndpoints,
  printRetried,
  printTested,
} from "./webhook-output.js";
import { wholeList } from "./whole-list.js";

function registerCreate(webhooks: Command): void {
  withConnection(
    webhooks
      .command("create")
      .description("Create a webhook endpoint; prints its signing secret (shown only once)")
      // Not `--url`: on every command that names the Roster server (ROSTER_URL).
      .requiredOption("--endpoint-url <url>", "where to POST events (http or https)")
      .option("--events <types>", "only these event types, comma-separated (default: all)", parseEventTypes)
      .option("--org <id>", "the owning organization (admin key; leave out for a global endpoint)"),
  ).action(async (options) => {
    const created = await connect(options).webhookEndpoints.create({
      url: options.endpointUrl,
      events: options.events,
      organization_id: options.org,
    });
    emit(options, created, printCreatedEndpoint);
  });
}

function registerRead(webhooks: Command): void {
  withConnection(
    webhooks
      .command("list")
      .description("List webhook endpoints, newest first")
      .option("--org <id>", "only this organization's endpoints (admin key)")
      .option("--limit <n>", "page size, 1 to 100", parseLimit)
      .option("--after <cursor>", "the page after this id (from a previous list)")
      .option("--all", "follow every page and print them as one list"),
  ).action(async (options) => {
    const client = connect(options);
    const params = { organization_id: options.org, limit: options.limit, after: options.after };
    const page = options.all
      ? await wholeList(client.webhookEndpoints.list, params)
      : await client.webhookEndpoints.list(params);
    emit(options, page, (p) => {
      printEndpoints(p.data);
      printMoreHint(
        p.list_metadata.after,
        commandLine("roster webhooks list", [
          ["--org", options.org],
          ["--limit", options.limit],
        ]),
      );
    });
  });

  withConnection(
    webhooks
      .command("get")
      .description("Show one webhook endpoint (never its secret)")
      .argument("<id>", "endpoint id (we_…)"),
  ).action(async (id, options) => {
    emit(options, await connect(options).webhookEndpoints.get(id), printEndpoint);
  });
}

function registerUpdate(webhooks: Command): void {
  withConnection(
    webhooks
      .command("update")
      .description("Change an endpoint's URL or event types, or enable/disable it")
      .argument("<id>", "endpoint id (we_…)")
      .option("--endpoint-url <url>", "the new URL events are POSTed to")
      .option("--events <types>", 'the new event types, comma-separated ("" for all)', parseEventTypes)
      .addOption(
        new Option("--enable", "enable it: deliveries that gave up are queued again first").conflicts("disable"),
      )
      .addOption(new Option("--disable", "stop sending to it; events written meanwhile wait")),
  ).action(async (id, options) => {
    const input: UpdateWebhookEndpointInput = {
      url: options.endpointUrl,
      events: options.events,
      enabled: options.enable ? true : options.disable ? false : undefined,
    };
    if (Object.values(input).every((value) => value === undefined))
      throw new ConfigError("nothing to change: pass --endpoint-url, --events, --enable or --disable");
    emit(options, await connect(options).webhookEndpoints.update(id, input), (e) => {
      printLine(`Updated webhook endpoint ${e.id}.`);
      printEndpoint(e);
    });
  });

  withConnection(
    webhooks
      .command("delete")
      .description("Delete an endpoint with its delivery log")
      .argument("<id>", "endpoint id (we_…)"),
  ).action(async (id, options) => {
    await connect(options).webhookEndpoints.delete(id);
    emit(options, { object: "webhook_endpoint", id, deleted: true }, () =>
      printLine(`Deleted webhook endpoint ${id}.`),
    );
  });
}

function registerDeliveries(webhooks: Command): void {
  withConnection(
    webhooks
      .command("deliveries")
      .description("Show an endpoint's delivery log, newest first")
      .argument("<id>", "endpoint id (we_…)")
      .addOption(
        new Option("--state <state>", "only deliveries in this state").choices([
          "pending",
          "succeeded",
          "failed",
        ] as const),
      )
      .option("--event <id>", "only the delivery of this event (event_…)")
      .option("--limit <n>", "page size, 1 to 100", parseLimit)
      .option("--after <cursor>", "the page after this id (from a previous list)")
      .option("--all", "follow every page and print them as one list"),
  ).action(async (id, options) => {
    const client = connect(options);
    const list = client.webhookEndpoints.deliveries;
    const params = { state: options.state, event_id: options.event, limit: options.limit, after: options.after };
    const page = options.all ? await wholeList((p: typeof params) => list(id, p), params) : await list(id, params);
    emit(options, page, (p) => {
      printDeliveries(id, p.data);
      const again = commandLine(`roster webhooks deliveries ${id}`, [
        ["--state", options.state],
        ["--event", options.event],
        ["--limit", options.limit],
      ]);
      printMoreHint(p.list_metadata.after, again);
    });
  });

  withConnection(
    webhooks
      .command("retry")
      .description("Send a delivery again now, whatever its state")
      .argument("<endpointId>", "endpoint id (we_…)")
      .argument("<deliveryId>", "delivery id (whdel_…)"),
  ).action(async (endpointId, deliveryId, options) => {
    emit(options, await connect(options).webhookEndpoints.retryDelivery(endpointId, deliveryId), printRetried);
  });

  withConnection(
    webhooks
      .command("replay")
      .description(
        "Send an endpoint's failed (or, with --status succeeded, delivered) deliveries of a time range again, oldest first",
      )
      .argument("<endpointId>", "endpoint id (we_…)")
      .addOption(
        new Option("--status <status>", "which deliveries")
          .choices(["failed", "succeeded"] as const)
          .default("failed" as const),
      )
      .option("--since <time>", "ISO-8601: deliveries created at or after it")
      .option("--until <time>", "ISO-8601: deliveries created before it")
      .option("--dry-run", "only count the deliveries it would send again; send none"),
  ).action(async (endpointId, options) => {
    const client = connect(options);
    const input = {
      status: options.status,
      ...(options.since ? { since: options.since } : {}),
      ...(options.until ? { until: options.until } : {}),
    };
    if (options.dryRun) {
      const counted = await client.webhookEndpoints.replayDeliveries(endpointId, { ...input, dry_run: true });
      emit(options, counted, (r) =>
        printLine(
          `Would queue ${r.matched ?? 0} ${options.status} deliver${r.matched === 1 ? "y" : "ies"} of ${endpointId} again (dry run: nothing sent).`,
        ),
      );
      return;
    }
    // One request replays at most 1,000: ask again until none are left, so the command does the whole range.
    let replayed = 0;
    for (let rounds = 0; rounds < 1000; rounds++) {
      const result = await client.webhookEndpoints.replayDeliveries(endpointId, input);
      replayed += result.replayed;
      if (!result.has_more) break;
    }
    emit(
      options,
      { object: "webhook_replay", endpoint_id: endpointId, replayed, has_more: false, dry_run: false },
      (r) =>
        printLine(
          `Queued ${r.replayed} ${options.status} deliver${r.replayed === 1 ? "y" : "ies"} of ${endpointId} again; the worker sends them oldest first.`,
        ),
    );
  });
}

function registerTest(webhooks: Command): void {
  withConnection(
    webhooks
      .command("test")
      .description(
        "Send one signed test event (webhook.test) to an endpoint now and show how it answered; exits 1 unless it answered 2xx",
      )
      .argument("<id>", "endpoint id (we_…)"),
  ).action(async (id, options) => {
    const tested = await connect(options).webhookEndpoints.test(id);
    emit(options, tested, printTested);
    if (!tested.delivered) process.exitCode = 1;
  });
}

/** `roster webhooks …`: webhook endpoints and their delivery log, over HTTP through the client SDK. */
export function registerWebhookCommands(program: Command): void {
  const webhooks = program.command("webhooks").description("Manage webhook endpoints and their deliveries");
  registerCreate(webhooks);
  registerRead(webhooks);
  registerUpdate(webhooks);
  registerDeliveries(webhooks);
  registerTest(webhooks);
}
