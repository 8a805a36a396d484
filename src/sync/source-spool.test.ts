import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { SourceItem } from "../connectors/source.js";
import { createSourceSpool } from "./source-spool.js";

interface Rec {
  readonly id: string;
  readonly raw: Record<string, unknown>;
}

async function* items(list: readonly SourceItem<Rec>[]): AsyncIterable<SourceItem<Rec>> {
  yield* list;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("source spool", () => {
  it("replays what it kept, in order, records and invalid ones alike, and many more than one write holds", async () => {
    const spool = await createSourceSpool();
    try {
      const list: SourceItem<Rec>[] = Array.from({ length: 5000 }, (_, i) => ({
        kind: "record",
        record: { id: `u${i}`, raw: { note: "x".repeat(100), n: i, nested: [{ a: null }] } },
      }));
      list.splice(10, 0, { kind: "invalid", ref: "line 12", message: "no username" });
      expect(await collect(spool.keep("users", items(list), (r) => r.id))).toEqual(list);
      expect(await collect(spool.replay("users", new AbortController().signal))).toEqual(list);
    } finally {
      await spool.dispose();
    }
  });

  it("turns a record JSON cannot hold into an invalid one, the same on both passes", async () => {
    const spool = await createSourceSpool();
    try {
      const list: SourceItem<Rec>[] = [
        { kind: "record", record: { id: "ok", raw: {} } },
        { kind: "record", record: { id: "big", raw: { n: 10n } } },
      ];
      const read = await collect(spool.keep("users", items(list), (r) => r.id));
      expect(read[1]).toEqual({ kind: "invalid", ref: "big", message: expect.stringContaining("BigInt") });
      expect(await collect(spool.replay("users", new AbortController().signal))).toEqual(read);
    } finally {
      await spool.dispose();
    }
  });

  it("keeps its files private and leaves nothing behind once disposed", async () => {
    const spool = await createSourceSpool();
    await collect(spool.keep("groups", items([{ kind: "record", record: { id: "g", raw: {} } }]), (r) => r.id));
    expect(((await stat(spool.folder)).mode & 0o077).toString(8)).toBe("0");
    await spool.dispose();
    expect(existsSync(spool.folder)).toBe(false);
  });
});
