import { abortable } from "./backoff.js";

/**
 * Spaces request starts evenly so a run stays under a per-minute quota (Google's default for the
 * Directory API is 2,400 queries per minute per user per project) rather than meet its 403s.
 * Requests running at once (read-ahead) each take the next free slot.
 */
export function createRequestPacer(perMinute: number): (signal: AbortSignal) => Promise<void> {
  const spacingMs = 60_000 / perMinute;
  let nextSlot = 0;
  return async (signal) => {
    const now = Date.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + spacingMs;
    await abortable(slot - now, signal);
  };
}
