import { createReadStream } from "node:fs";
import { type FileHandle, mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { SourceItem } from "../connectors/source.js";
import { messageOf } from "./engine-context.js";

/** Bytes gathered before one write: few system calls, little memory. */
const FLUSH_AT = 256 * 1024;

/** The key a record is known by in the source, for an error about it. */
type RefOf<T> = (record: T) => string;

/**
 * What a run read from its source, kept on disk as JSON lines so the run can read it again: a run
 * that plans before it writes (the mass-removal guard) applies exactly what it planned, without
 * asking the source twice (an LDAP server may have changed meanwhile) or holding it all in memory.
 */
export interface SourceSpool {
  /** The private folder its files are in. */
  readonly folder: string;
  /** Passes `items` through, keeping each one under `name`. */
  keep<T>(name: string, items: AsyncIterable<SourceItem<T>>, refOf: RefOf<T>): AsyncIterable<SourceItem<T>>;
  /** What `keep` kept under `name`, in the same order. */
  replay<T>(name: string, signal: AbortSignal): AsyncIterable<SourceItem<T>>;
  /** Removes the files. */
  dispose(): Promise<void>;
}

/** A spool in a fresh private folder under the system's temporary directory. */
export async function createSourceSpool(): Promise<SourceSpool> {
  const folder = await mkdtemp(join(tmpdir(), "roster-sync-"));
  const file = (name: string) => join(folder, `${name.replace(/\W/g, "_")}.jsonl`);

  async function* keep<T>(
    name: string,
    items: AsyncIterable<SourceItem<T>>,
    refOf: RefOf<T>,
  ): AsyncIterable<SourceItem<T>> {
    const handle: FileHandle = await open(file(name), "w", 0o600);
    let pending = "";
    try {
      for await (const read of items) {
        let item = read;
        let line: string;
        try {
          line = JSON.stringify(item);
        } catch (error) {
          // A record JSON cannot hold (the store could not either): it fails alone, as a write would.
          item = {
            kind: "invalid",
            ref: read.kind === "record" ? refOf(read.record) : read.ref,
            message: messageOf(error),
          };
          line = JSON.stringify(item);
        }
        pending += `${line}\n`;
        if (pending.length >= FLUSH_AT) {
          await handle.write(pending);
          pending = "";
        }
        yield item;
      }
      if (pending.length > 0) await handle.write(pending);
    } finally {
      await handle.close();
    }
  }

  async function* replay<T>(name: string, signal: AbortSignal): AsyncIterable<SourceItem<T>> {
    const lines = createInterface({
      input: createReadStream(file(name), { encoding: "utf8", signal }),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) {
      if (line.length > 0) yield JSON.parse(line) as SourceItem<T>;
    }
  }

  return Object.freeze({ folder, keep, replay, dispose: () => rm(folder, { recursive: true, force: true }) });
}
