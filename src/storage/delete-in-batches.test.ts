import { describe, expect, it } from "vitest";
import { DELETE_BATCH, deleteInBatches } from "./delete-in-batches.js";

describe("deleting in batches", () => {
  it("deletes everything picked, a batch at a time, and stops at the first short batch", async () => {
    const rows = Array.from({ length: DELETE_BATCH * 2 + 7 }, (_, i) => `row${i}`);
    const batches: number[] = [];
    const total = await deleteInBatches(
      async (limit) => rows.slice(0, limit),
      async (ids) => {
        batches.push(ids.length);
        rows.splice(0, ids.length);
        return ids.length;
      },
    );
    expect(total).toBe(DELETE_BATCH * 2 + 7);
    expect(batches).toEqual([DELETE_BATCH, DELETE_BATCH, 7]);
    expect(rows).toEqual([]);
  });

  it("counts what was really deleted, and asks nothing of remove when nothing is picked", async () => {
    let removes = 0;
    expect(
      await deleteInBatches(
        async () => [],
        async () => ++removes,
      ),
    ).toBe(0);
    expect(removes).toBe(0);
    expect(
      await deleteInBatches(
        async () => ["a", "b"],
        async () => 1,
      ),
    ).toBe(1);
  });
});
