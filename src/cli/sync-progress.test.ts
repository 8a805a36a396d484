import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { SyncRun } from "../client/index.js";
import { createSyncProgress, usersRead } from "./sync-progress.js";

/** A stream that says it is a terminal, keeping what was drawn (escape codes removed). */
function fakeTerminal() {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
  let drawn = "";
  stream.on("data", (chunk: Buffer) => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences
    drawn += chunk.toString("utf8").replace(/\u001b(\[[?\d;]*[A-Za-z]|[78])/g, "\n");
  });
  return { stream, lines: () => drawn.split("\n").filter((l) => l.trim() !== "") };
}

function runAt(phase: SyncRun["phase"], partial: Partial<SyncRun["counts"]>): SyncRun {
  const counts = { created: 0, updated: 0, deactivated: 0, deleted: 0, unchanged: 0, failed: 0, ...partial };
  return {
    object: "directory_sync_run",
    id: "sync_1",
    directory_id: "directory_1",
    organization_id: "org_1",
    mode: "full",
    trigger: "manual",
    dry_run: false,
    username: null,
    state: "running",
    phase,
    started_at: "2026-01-01T00:00:00.000Z",
    finished_at: null,
    counts,
    group_counts: { created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 },
    // As the server derives it (src/sync/run-object.ts).
    progress: {
      users_seen: counts.created + counts.updated + counts.unchanged + counts.failed,
      users_written: 0,
      groups_seen: 0,
      groups_written: 0,
    },
    errors: [],
    failure: null,
    pending_removals: 0,
    pending_membership_removals: 0,
    changes: null,
    confirmed_at: null,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("the sync progress bar", () => {
  it("counts the users read: created, updated, unchanged and failed, not the removed", () => {
    expect(
      usersRead(runAt("removals", { created: 1, updated: 2, unchanged: 3, failed: 4, deactivated: 5, deleted: 6 })),
    ).toBe(10);
  });

  it("measures users read against the directory's count as an estimate, with the phase and counts", async () => {
    const terminal = fakeTerminal();
    const progress = createSyncProgress(terminal.stream, 40);
    progress.update(runAt("users", { created: 2, unchanged: 8 }));
    progress.update(runAt("removals", { created: 2, unchanged: 18, deactivated: 3, deleted: 1 }));
    progress.stop();
    await settle();
    const lines = terminal.lines();
    expect(lines).toContain(
      "Syncing ██████░░░░░░░░░░░░░░░░░░ 10/~40 users | users | created 2 · updated 0 · deactivated 0 · unchanged 8 · failed 0",
    );
    expect(lines).toContain(
      "Syncing ████████████░░░░░░░░░░░░ 20/~40 users | removals | created 2 · updated 0 · deactivated 3 · deleted 1 · unchanged 18 · failed 0",
    );
  });

  it("raises the estimate when the source holds more users than the directory had", async () => {
    const terminal = fakeTerminal();
    const progress = createSyncProgress(terminal.stream, 5);
    progress.update(runAt("users", { created: 12 }));
    progress.stop();
    await settle();
    expect(terminal.lines().some((l) => l.startsWith("Syncing ████████████████████████ 12/~12 users | users"))).toBe(
      true,
    );
  });

  it("is a spinner with the running counts when there is no estimate (a first sync)", async () => {
    const terminal = fakeTerminal();
    const progress = createSyncProgress(terminal.stream, 0);
    progress.update(runAt("connecting", {}));
    progress.update(runAt("users", { created: 7 }));
    progress.stop();
    await settle();
    const lines = terminal.lines();
    expect(lines.some((l) => /^Syncing \S 7 users read \| users \| created 7 · /.test(l))).toBe(true);
    expect(lines.join("\n")).not.toMatch(/[█░]/);
  });
});
