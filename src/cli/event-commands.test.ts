import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type List, type Organization, ROSTER_EVENT_TYPES, type RosterEvent } from "../client/index.js";
import { cliAgainst } from "./cli-test-runner.js";
import { buildCli } from "./index.js";
import { type LiveServer, scimOf, startCapture, startLiveServer, waitFor } from "./live-test-server.js";

describe("roster events against a real server", () => {
  let live: LiveServer;
  let cli: ReturnType<typeof cliAgainst>;
  let org: Organization;
  let push: ReturnType<typeof scimOf>;

  beforeAll(async () => {
    live = await startLiveServer();
    cli = cliAgainst(live.url);
    org = await live.admin.organizations.create({ name: "Evented" });
    const directory = await live.admin.directories.create({
      organization_id: org.id,
      name: "IdP",
      type: "generic scim v2.0",
    });
    push = scimOf(directory);
    await push.user("ada@evented.test");
    await push.user("bob@evented.test");
  });
  afterAll(async () => live?.close());

  /** Runs `roster events tail …` in the background; `ready` resolves once it waits for new events. */
  function tail(...args: string[]) {
    const captured = startCapture();
    const done = buildCli()
      .exitOverride()
      .parseAsync(
        cli.argv(["events", "tail", "--org", org.id, "--interval-ms", "20", "--timeout-ms", "15000", ...args]),
      )
      .then(() => process.exitCode)
      .finally(() => {
        captured.restore();
        process.exitCode = undefined;
      });
    const ready = waitFor(() => captured.stderr().includes("Waiting for events"), "events tail to start");
    return { captured, done, ready };
  }

  it("lists events oldest first as a table, filtered by type and organization", async () => {
    const lines = (await cli.run("events", "list", "--org", org.id, "--events", "dsync.user.created,dsync.activated"))
      .trimEnd()
      .split("\n");
    expect(lines[0]).toMatch(/^ID {2,}EVENT {2,}CREATED {2,}SUMMARY$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[1])).toEqual([
      "dsync.activated",
      "dsync.user.created",
      "dsync.user.created",
    ]);
    expect(lines[2]).toMatch(/ada@evented\.test \(active\)$/);
  });

  it("pages with --limit and --after, hinting at the next page, and prints JSON", async () => {
    const all = await cli.json<List<RosterEvent>>("events", "list", "--org", org.id, "--limit", "100");
    expect(all.data.map((e) => e.event)).toEqual([
      "dsync.activated",
      "dsync.token.created",
      "dsync.user.created",
      "dsync.user.created",
    ]);
    const first = await cli.run("events", "list", "--org", org.id, "--limit", "2");
    expect(first).toContain(`More events: roster events list --org ${org.id} --limit 2 --after ${all.data[1]?.id}`);
    const rest = await cli.json<List<RosterEvent>>("events", "list", "--org", org.id, "--after", all.data[1]?.id ?? "");
    expect(rest.data.map((e) => e.id)).toEqual(all.data.slice(2).map((e) => e.id));
    expect(await cli.run("events", "list", "--org", org.id, "--after", all.data[3]?.id ?? "")).toBe(
      `No events after ${all.data[3]?.id}.\n`,
    );
  });

  it("refuses an unknown event type before calling the server", async () => {
    const { stderr, code } = await cli.exit("events", "list", "--events", "dsync.user.created,dsync.user.exploded");
    expect(stderr).toContain(`unknown event type "dsync.user.exploded"`);
    expect(code).toBe(1);
  });

  it("tails from the newest event, printing each event written meanwhile on one line", async () => {
    const run = tail("--max-events", "2");
    await run.ready;
    await push.user("late1@evented.test");
    await push.user("late2@evented.test");
    expect(await run.done).toBe(0);
    const lines = run.captured.stdout().trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}event_\w{26} {2}dsync\.user\.created {2,}late1@evented\.test \(active\)$/,
    );
    expect(lines[1]).toMatch(/late2@evented\.test \(active\)$/);
    expect(run.captured.stderr()).toMatch(
      /Waiting for events after event_\w+; Ctrl-C to stop\.\nStopped after 2 events\.\n$/,
    );
  });

  it("tails from --after as JSON lines", async () => {
    const all = (await live.admin.events.list({ organization_id: org.id, limit: 100 })).data;
    const expected = all.filter((e, i) => i > 1 && e.event === "dsync.user.created").map((e) => e.id);
    const run = tail(
      "--after",
      all[1]?.id ?? "",
      "--json",
      "--events",
      "dsync.user.created",
      "--max-events",
      String(expected.length),
    );
    await run.done;
    const printed = run.captured
      .stdout()
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as RosterEvent);
    expect(printed.map((e) => e.id)).toEqual(expected);
    expect(printed[0]).toMatchObject({ object: "event", event: "dsync.user.created" });
    expect(run.captured.stderr()).not.toContain("Stopped");
  });

  it("stops by itself after --timeout-ms when nothing comes, says so and exits 124", async () => {
    const run = tail("--timeout-ms", "200");
    expect(await run.done).toBe(124);
    expect(run.captured.stdout()).toBe("");
    expect(run.captured.stderr()).toMatch(/Stopped after 0 events: --timeout-ms 200 ended the wait\.\n$/);

    const json = tail("--timeout-ms", "200", "--json");
    expect(await json.done).toBe(124);
    expect(json.captured.stderr()).toMatch(/--timeout-ms 200 ended the wait\.\n$/);
  });

  it("stops on SIGINT and removes its signal handlers", async () => {
    const before = process.listenerCount("SIGINT");
    const run = tail();
    await run.ready;
    const handlers = process.listeners("SIGINT");
    expect(handlers).toHaveLength(before + 1);
    handlers.at(-1)?.("SIGINT");
    expect(await run.done).toBe(130);
    expect(run.captured.stdout()).toBe("");
    expect(run.captured.stderr()).toContain("Stopped after 0 events.");
    expect(process.listenerCount("SIGINT")).toBe(before);
  });

  it("types lists every event type with its meaning and data fields; --json carries each data's JSON Schema", async () => {
    const { stdout, code } = await cli.exit("events", "types");
    expect(code).toBeUndefined();
    expect(stdout).toMatch(
      /^dsync\.activated\n {2}A directory was created or restored.*\n {2}data: object, id, external_key, organization_id, /,
    );
    expect(stdout).toMatch(/\ndsync\.group\.user_added\n {2}.*\n {2}data: directory_id, user, group\n/);
    const listed = await cli.json<List<{ event: string; data_schema: { type: string } }>>("events", "types");
    expect(listed.data.map((t) => t.event)).toEqual([...ROSTER_EVENT_TYPES]);
    expect(listed.data[0]?.data_schema.type).toBe("object");
  });
});
