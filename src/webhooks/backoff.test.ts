import { describe, expect, it } from "vitest";
import { RETRY_WINDOW_MS, retryDelayMs } from "./backoff.js";

describe("retry backoff", () => {
  it("doubles from 5 s up to 4 h, with jitter of ±25 %", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, () => 0.5))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(30, () => 0.5)).toBe(4 * 3_600_000);
    expect(retryDelayMs(1, () => 0)).toBe(3_750);
    expect(retryDelayMs(1, () => 0.999_999)).toBeLessThanOrEqual(6_250);
  });

  it("spreads about 30 attempts over the 3-day window", () => {
    let elapsed = 0;
    let attempts = 1;
    while (elapsed + retryDelayMs(attempts, () => 0.5) <= RETRY_WINDOW_MS)
      elapsed += retryDelayMs(attempts++, () => 0.5);
    expect(attempts).toBeGreaterThan(20);
    expect(attempts).toBeLessThan(40);
  });
});
