import { describe, expect, it } from "vitest";
import { createIdGenerator, isIdOf } from "./ids.js";

describe("prefixed ids", () => {
  it("are well-formed, strictly increasing and unique even within one millisecond", () => {
    const next = createIdGenerator(() => 1_700_000_000_000);
    const ids = Array.from({ length: 20_000 }, () => next("user"));
    expect(ids.every((id) => isIdOf("user", id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it("sort by creation time across milliseconds", () => {
    let now = 1_700_000_000_000;
    const next = createIdGenerator(() => now);
    const first = next("event");
    now += 1;
    expect(next("event") > first).toBe(true);
    expect(isIdOf("directory", first)).toBe(false);
  });
});
