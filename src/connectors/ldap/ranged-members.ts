import type { EntryValues } from "./entry-values.js";
import { parseRange } from "./group-entry.js";

// A bound on round trips for one attribute (AD slices are 1,500 or 5,000 values: 10M members).
const MAX_SLICES = 10_000;

/**
 * Reads the rest of a range-retrieved attribute (Active Directory, MS-ADTS §3.1.1.3.1.3.3):
 * asks for `member;range=<next>-*` until the server answers with a slice ending in `*`.
 * `readSlice` reads the group entry with just that attribute description.
 */
export async function readRemainingSlices(
  attribute: string,
  next: number,
  readSlice: (description: string) => Promise<EntryValues | null>,
  onValues: (values: string[]) => void,
): Promise<void> {
  let start = next;
  for (let slice = 0; slice < MAX_SLICES; slice++) {
    const entry = await readSlice(`${attribute};range=${start}-*`);
    if (entry === null) return;
    let end: number | null | undefined;
    for (const name of entry.names()) {
      const range = parseRange(name);
      if (range === null || range.attribute.toLowerCase() !== attribute.toLowerCase()) continue;
      onValues(entry.strings(name));
      end = range.end;
    }
    // no slice in the answer (the list shrank meanwhile) or the last one: done
    if (end === undefined || end === null || end < start) return;
    start = end + 1;
  }
}
