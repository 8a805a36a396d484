import {
  type ConnectorSource,
  type InvalidRecord,
  SourceError,
  type SourceGroup,
  type SourceItem,
  type SourceUser,
} from "../source.js";
import { type ColumnPlan, planColumns } from "./csv-columns.js";
import type { CsvField } from "./csv-config.js";
import { type CsvInput, type CsvRow, csvRows } from "./csv-rows.js";
import { type CsvUserRead, readCsvUser } from "./csv-user.js";

export type CsvSourceOptions = CsvInput & { readonly mapping?: Readonly<Record<string, CsvField>> | undefined };

/** Groups as the `groups` column names them: key (the lower-cased name) → display name and member idp ids. */
type Memberships = Map<string, { readonly name: string; readonly members: Set<string> }>;

function toInvalid(read: InvalidRecord): InvalidRecord {
  return { kind: "invalid", ref: read.ref, message: read.message };
}

/**
 * A source over a CSV file or upload (`csv`). Rows are streamed; the only state kept is
 * strings: the idp ids seen (to refuse a duplicate row) and, for `groups()`, group → member ids.
 * `groups()` reuses what a complete `users()` pass collected, and reads the file again itself
 * when `users()` has not run to its end, so the engine may call them in either order.
 */
export function createCsvSource(options: CsvSourceOptions): ConnectorSource {
  const input: CsvInput = "text" in options ? { text: options.text } : { path: options.path };
  if ("path" in input && typeof input.path !== "string")
    throw new SourceError("misconfigured", "A CSV source needs a path or an uploaded text");
  let collected: Memberships | undefined;

  /** The header's plan, then every data row read as a user. */
  async function* reads(signal: AbortSignal): AsyncGenerator<{ row: CsvRow; read: CsvUserRead }, void, undefined> {
    const rows = csvRows(input, signal);
    const header = await rows.next();
    if (header.done)
      throw new SourceError(
        "misconfigured",
        "The CSV is empty: it needs a header line such as username,email,first_name,last_name,state,groups",
      );
    const plan: ColumnPlan = planColumns(header.value.fields, options.mapping);
    for await (const row of rows) yield { row, read: readCsvUser(row, plan) };
  }

  /** Valid, first-seen users; memberships recorded into `groups` as they pass. */
  async function* validUsers(signal: AbortSignal, groups: Memberships): AsyncGenerator<SourceItem<SourceUser>> {
    const seen = new Map<string, number>();
    for await (const { row, read } of reads(signal)) {
      if (read.kind === "invalid") {
        yield toInvalid(read);
        continue;
      }
      const first = seen.get(read.user.idpId);
      if (first !== undefined) {
        yield {
          kind: "invalid",
          ref: `line ${row.line}`,
          message: `repeats the user of line ${first} ("${read.user.idpId}")`,
        };
        continue;
      }
      seen.set(read.user.idpId, row.line);
      for (const name of read.groups) {
        const key = name.toLowerCase();
        const group = groups.get(key) ?? { name, members: new Set<string>() };
        group.members.add(read.user.idpId);
        groups.set(key, group);
      }
      yield { kind: "record", record: read.user };
    }
  }

  const source: ConnectorSource = {
    supportsDelta: false,

    async check(signal) {
      // Opening the file and planning its header is the whole check: a missing column fails here.
      const rows = reads(signal);
      try {
        await rows.next();
      } finally {
        await rows.return(undefined);
      }
    },

    watermark: async () => null,

    async *users({ signal }) {
      const groups: Memberships = new Map();
      yield* validUsers(signal, groups);
      collected = groups;
    },

    async *groups({ signal }): AsyncGenerator<SourceItem<SourceGroup>> {
      let groups = collected;
      if (groups === undefined) {
        groups = new Map();
        for await (const _ of validUsers(signal, groups)) {
          // read only for the memberships
        }
      }
      for (const [key, group] of groups) {
        yield {
          kind: "record",
          record: { idpId: key, name: group.name, rawAttributes: {}, memberIdpIds: [...group.members] },
        };
      }
    },

    async findUser(username, signal) {
      const wanted = username.trim().toLowerCase();
      for await (const { read } of reads(signal)) {
        if (read.kind === "user" && read.user.username.toLowerCase() === wanted) return read.user;
        // The row exists but cannot be read: "no such user" would deactivate it.
        if (read.kind === "invalid" && read.username.toLowerCase() === wanted)
          throw new SourceError("bad_response", `${read.ref}: ${read.message}`);
      }
      return null;
    },

    close: async () => {
      collected = undefined;
    },
  };
  return Object.freeze(source);
}
