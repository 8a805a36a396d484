import type { Client } from "ldapts";
import { EntryValues } from "./entry-values.js";
import { formatGeneralizedTime, parseGeneralizedTime } from "./generalized-time.js";

/** Where the watermark's time came from, best first. */
export type ClockSource = "root_dse" | "monitor" | "local_clock";

/**
 * Entries written while the previous read ran may carry a stamp a little before the moment we
 * read the clock (slapd stamps an operation when it starts, not when it commits): start earlier.
 */
export const IN_FLIGHT_MARGIN_MS = 5_000;
/** Without a server clock, our own clock may run ahead of the server's by up to this much. */
export const CLOCK_SKEW_MARGIN_MS = 5 * 60_000;

async function readOne(client: Client, base: string, attribute: string): Promise<EntryValues | null> {
  const { searchEntries } = await client.search(base, {
    scope: "base",
    filter: "(objectClass=*)",
    attributes: [attribute, "monitorContext"],
  });
  const entry = searchEntries[0];
  return entry === undefined ? null : new EntryValues(entry);
}

/**
 * The server's current time, for the next delta run's `modifyTimestamp>=` filter. Being early only
 * re-reads a few entries; being late would lose changes, so every source errs early:
 * 1. the root DSE's `currentTime` (Active Directory and some others publish it);
 * 2. OpenLDAP's `cn=Current,cn=Time,<monitorContext>` (needs back-monitor and read access to it);
 * 3. our own clock minus CLOCK_SKEW_MARGIN_MS.
 * (The newest modifyTimestamp is not used: finding it needs a scan of every entry, or the
 * server-side sort control most servers do not enable.)
 */
export async function readServerClock(client: Client, now: () => Date): Promise<{ time: Date; source: ClockSource }> {
  const root = await readOne(client, "", "currentTime").catch(() => null);
  const rootTime = root?.first("currentTime");
  const fromRoot = rootTime ? parseGeneralizedTime(rootTime) : null;
  if (fromRoot !== null) return { time: fromRoot, source: "root_dse" };

  const monitor = root?.first("monitorContext");
  if (monitor) {
    const current = await readOne(client, `cn=Current,cn=Time,${monitor}`, "monitorTimestamp").catch(() => null);
    const stamp = current?.first("monitorTimestamp");
    const fromMonitor = stamp ? parseGeneralizedTime(stamp) : null;
    if (fromMonitor !== null) return { time: fromMonitor, source: "monitor" };
  }
  return { time: new Date(now().getTime() - CLOCK_SKEW_MARGIN_MS), source: "local_clock" };
}

/** The watermark string a delta run later passes back as `changedSince`. */
export function watermarkFrom(clock: { time: Date }): string {
  return formatGeneralizedTime(new Date(clock.time.getTime() - IN_FLIGHT_MARGIN_MS));
}
