/** How long a failing delivery is retried before its endpoint is disabled (~3 days). */
export const RETRY_WINDOW_MS = 3 * 24 * 60 * 60 * 1000;

const FIRST_DELAY_MS = 5_000;
const MAX_DELAY_MS = 4 * 60 * 60 * 1000;

/**
 * Delay before the retry that follows the `failures`-th failure: 5 s doubling up to 4 h, times a
 * jitter in [0.75, 1.25) so receivers that failed together do not get retried together. That is
 * about 30 attempts over the 3-day window.
 */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential * (0.75 + random() * 0.5));
}
