import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { readAhead } from "./read-ahead.js";

describe("reading ahead of the consumer", () => {
  it("keeps the items' order while up to `depth` run at once, never more", async () => {
    let running = 0;
    let most = 0;
    const work = async (n: number) => {
      running++;
      most = Math.max(most, running);
      await sleep(n % 2 === 0 ? 30 : 5);
      running--;
      return n * 10;
    };
    const results: number[] = [];
    for await (const r of readAhead([1, 2, 3, 4, 5, 6, 7], 3, AbortSignal.timeout(5000), work)) results.push(r);
    expect(results).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(most).toBe(3);
  });

  it("aborts the work still running when the consumer stops early", async () => {
    const aborted: number[] = [];
    const work = (n: number, signal: AbortSignal) =>
      new Promise<number>((resolve, reject) => {
        if (n === 1) return resolve(1);
        signal.addEventListener("abort", () => {
          aborted.push(n);
          reject(signal.reason);
        });
      });
    for await (const r of readAhead([1, 2, 3], 3, AbortSignal.timeout(5000), work)) {
      expect(r).toBe(1);
      break;
    }
    expect(aborted.sort()).toEqual([2, 3]);
  });

  it("fails with the first item's failure, in order", async () => {
    const work = async (n: number) => {
      if (n === 2) throw new Error("two failed");
      await sleep(10);
      return n;
    };
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const r of readAhead([1, 2, 3], 2, AbortSignal.timeout(5000), work)) seen.push(r);
      })(),
    ).rejects.toThrow("two failed");
    expect(seen).toEqual([1]);
  });
});
