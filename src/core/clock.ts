/** Injected so tests can control time; every stored time is ISO-8601 UTC text. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = Object.freeze({ now: () => new Date() });

export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}
