import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createTestApp, type TestApp } from "../../test/support/test-app.js";
import { createDirectoryService } from "../tenancy/directories.js";
import { createOrganizationService } from "../tenancy/organizations.js";
import { houseKeep } from "./housekeeping.js";

const DAY = 86_400_000;

describe.each(DIALECTS)("housekeeping on %s", (dialect) => {
  let t: TestApp;
  let endpointId: string;
  let directoryId: string;
  let organizationId: string;

  /** A delivery minted now (by the test clock) in `state`, last changed `changedDaysAgo` before now, with one attempt. */
  async function delivery(state: "pending" | "succeeded" | "failed", changedDaysAgo = 0): Promise<string> {
    const id = t.deps.ids("delivery");
    const now = t.clock.now();
    const changed = new Date(now.getTime() - changedDaysAgo * DAY).toISOString();
    await t.storage.db
      .insertInto("webhook_deliveries")
      .values({
        id,
        endpoint_id: endpointId,
        event_id: t.deps.ids("event"),
        event_pos: id,
        event_type: "dsync.user.created",
        state,
        attempt_count: 1,
        failures: 0,
        next_attempt_at: changed,
        give_up_at: null,
        locked_until: null,
        claim_token: null,
        last_status_code: 200,
        last_error: null,
        delivered_at: state === "succeeded" ? changed : null,
        created_at: now.toISOString(),
        updated_at: changed,
      })
      .execute();
    await t.storage.db
      .insertInto("webhook_attempts")
      .values({
        id: t.deps.ids("deliveryAttempt"),
        delivery_id: id,
        attempt: 1,
        status_code: 200,
        latency_ms: 1,
        response_excerpt: null,
        error: null,
        started_at: changed,
        finished_at: changed,
      })
      .execute();
    return id;
  }

  async function syncRun(
    state: "running" | "succeeded" | "failed" | "needs_confirmation",
    dir = directoryId,
  ): Promise<string> {
    const id = t.deps.ids("syncRun");
    const now = t.clock.now().toISOString();
    await t.storage.db
      .insertInto("sync_runs")
      .values({
        id,
        directory_id: dir,
        organization_id: organizationId,
        mode: "full",
        trigger: "manual",
        dry_run: 0,
        username: null,
        state,
        phase: state === "running" ? "users" : "done",
        started_at: now,
        heartbeat_at: now,
        finished_at: state === "running" ? null : now,
        counts: "{}",
        group_counts: "{}",
        errors: "[]",
        failure_reason: null,
        failure_message: null,
        pending_removals: 0,
        changes: null,
        confirmed_at: null,
      })
      .execute();
    return id;
  }

  const remaining = async (table: "webhook_deliveries" | "sync_runs") =>
    (await t.storage.db.selectFrom(table).select("id").orderBy("id").execute()).map((r) => r.id);
  const attempts = async () =>
    (await t.storage.db.selectFrom("webhook_attempts").select("delivery_id").orderBy("delivery_id").execute()).map(
      (r) => r.delivery_id,
    );

  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_HISTORY_DAYS: "30" });
    const org = await createOrganizationService(t.deps).create({ name: "Tidy" });
    organizationId = org.id;
    directoryId = (
      await createDirectoryService(t.deps).create(
        { organization_id: org.id, name: "tidy", type: "generic scim v2.0" },
        null,
      )
    ).id;
    endpointId = t.deps.ids("webhookEndpoint");
    const now = t.clock.now().toISOString();
    await t.storage.db
      .insertInto("webhook_endpoints")
      .values({
        id: endpointId,
        organization_id: org.id,
        url: "http://127.0.0.1:9/hook",
        events: "[]",
        secret_sealed: "x",
        enabled: 1,
        disabled_reason: null,
        disabled_at: null,
        cursor_pos: "",
        created_at: now,
        updated_at: now,
      })
      .execute();
  });
  afterAll(async () => t?.close());

  it("prunes deliveries done more than ROSTER_HISTORY_DAYS ago with their attempts, and keeps pending, recent and replayed ones", async () => {
    const oldSucceeded = await delivery("succeeded");
    await delivery("failed");
    const oldPending = await delivery("pending");
    const oldReplayedRecently = await delivery("succeeded", -25); // created 31 days before the pass, changed 6 days before it
    t.clock.advance(25 * DAY);
    const recent = await delivery("succeeded");
    t.clock.advance(6 * DAY);

    const done = await houseKeep(t.deps);
    expect(done.deliveriesPruned).toBe(2);
    expect(await remaining("webhook_deliveries")).toEqual([oldPending, oldReplayedRecently, recent]);
    expect(await attempts()).toEqual([oldPending, oldReplayedRecently, recent]);
    expect(await remaining("webhook_deliveries")).not.toContain(oldSucceeded);
    expect((await houseKeep(t.deps)).deliveriesPruned).toBe(0);
  });

  it("prunes finished sync runs started before the window, but keeps each directory's newest run and unfinished ones", async () => {
    const other = (
      await createDirectoryService(t.deps).create(
        { organization_id: organizationId, name: "other", type: "generic scim v2.0" },
        null,
      )
    ).id;
    const oldest = await syncRun("failed");
    const held = await syncRun("needs_confirmation");
    const old = await syncRun("succeeded");
    const running = await syncRun("running");
    const otherOnly = await syncRun("succeeded", other); // old, but that directory's last sync
    t.clock.advance(31 * DAY);
    const recent = await syncRun("succeeded");

    const done = await houseKeep(t.deps);
    expect(done.syncRunsPruned).toBe(2);
    expect(await remaining("sync_runs")).toEqual([held, running, otherOnly, recent].sort());
    expect(await remaining("sync_runs")).not.toContain(oldest);
    expect(await remaining("sync_runs")).not.toContain(old);
  });

  it("keeps everything with ROSTER_HISTORY_DAYS=0", async () => {
    const keeper = await createTestApp(dialect, { ROSTER_HISTORY_DAYS: "0" });
    try {
      keeper.clock.advance(-400 * DAY);
      const org = await createOrganizationService(keeper.deps).create({ name: "Keep" });
      const dir = await createDirectoryService(keeper.deps).create(
        { organization_id: org.id, name: "keep", type: "generic scim v2.0" },
        null,
      );
      const now = keeper.clock.now().toISOString();
      for (let i = 0; i < 2; i++) {
        await keeper.storage.db
          .insertInto("sync_runs")
          .values({
            id: keeper.deps.ids("syncRun"),
            directory_id: dir.id,
            organization_id: org.id,
            mode: "full",
            trigger: "manual",
            dry_run: 0,
            username: null,
            state: "succeeded",
            phase: "done",
            started_at: now,
            heartbeat_at: now,
            finished_at: now,
            counts: "{}",
            group_counts: "{}",
            errors: "[]",
            failure_reason: null,
            failure_message: null,
            pending_removals: 0,
            changes: null,
            confirmed_at: null,
          })
          .execute();
      }
      keeper.clock.advance(400 * DAY);
      expect(await houseKeep(keeper.deps)).toEqual({
        directoriesPurged: 0,
        deliveriesPruned: 0,
        syncRunsPruned: 0,
        portalPruned: 0,
        auditPruned: 0,
      });
      expect(await keeper.storage.db.selectFrom("sync_runs").select("id").execute()).toHaveLength(2);
    } finally {
      await keeper.close();
    }
  });
});
