import type { ConnectorKind } from "../../src/connectors/connector-kind.js";
import {
  type ConnectorSource,
  type SourceGroup,
  type SourceItem,
  SourceError,
  type SourceRemoval,
  type SourceUser,
} from "../../src/connectors/source.js";

/**
 * A source over data the test holds and changes between runs: exercises the sync engine without a
 * real server (the real connectors have their own tests against slapd, a live Roster and CSV files).
 */
export interface MemoryData {
  users: SourceUser[];
  groups: SourceGroup[];
  invalidUsers: { ref: string; message: string }[];
  /** Thrown by `check()`: a wrong password, an unreachable host. */
  failWith: SourceError | null;
  /** Delta runs: the users reported changed since the last watermark. */
  changedUsernames: string[] | null;
  watermark: string;
  /** Delta runs: what the source reports deleted (as Graph's `@removed`). */
  removed: SourceRemoval[];
  /** Resolved before the first user is yielded: lets a test hold a run while it looks at it. */
  gate: Promise<void> | null;
  /** Resolved before the user after the first `after` is yielded: lets a test look at a run halfway. */
  midGate: { readonly after: number; readonly gate: Promise<void> } | null;
  /** Configs the connector was opened with. */
  opened: Record<string, unknown>[];
}

export function memoryData(): MemoryData {
  return {
    users: [],
    groups: [],
    invalidUsers: [],
    failWith: null,
    changedUsernames: null,
    watermark: "w1",
    removed: [],
    gate: null,
    midGate: null,
    opened: [],
  };
}

export function sourceUser(username: string, overrides: Partial<SourceUser> = {}): SourceUser {
  return {
    username,
    idpId: `uid=${username}`,
    active: true,
    emails: [{ value: `${username}@example.com`, type: "work", primary: true }],
    firstName: username,
    lastName: "Tester",
    jobTitle: null,
    rawAttributes: { uid: username },
    ...overrides,
  };
}

export function sourceGroup(name: string, members: readonly string[]): SourceGroup {
  return { name, idpId: `cn=${name}`, rawAttributes: { cn: name }, memberIdpIds: members.map((m) => `uid=${m}`) };
}

export function memoryConnector(data: MemoryData): ConnectorKind {
  return {
    secretKeys: ["password"],
    validate(config) {
      if (config.host !== undefined && typeof config.host !== "string")
        return [{ field: "connector.host", code: "invalid_type", message: "must be a string" }];
      return [];
    },
    open(config): ConnectorSource {
      data.opened.push({ ...config });
      return {
        supportsDelta: true,
        async check() {
          if (data.failWith) throw data.failWith;
        },
        async watermark() {
          return data.watermark;
        },
        async *users({ changedSince }): AsyncIterable<SourceItem<SourceUser>> {
          if (data.gate) await data.gate;
          for (const invalid of data.invalidUsers) yield { kind: "invalid", ...invalid };
          const changed = changedSince && data.changedUsernames ? new Set(data.changedUsernames) : null;
          let yielded = 0;
          for (const user of data.users) {
            if (changed && !changed.has(user.username)) continue;
            if (data.midGate && yielded === data.midGate.after) await data.midGate.gate;
            yielded++;
            yield { kind: "record", record: user };
          }
        },
        async *groups(): AsyncIterable<SourceItem<SourceGroup>> {
          for (const group of data.groups) yield { kind: "record", record: group };
        },
        async *removals(): AsyncIterable<SourceRemoval> {
          yield* data.removed;
        },
        async findUser(username) {
          return data.users.find((u) => u.username.toLowerCase() === username.toLowerCase()) ?? null;
        },
        async close() {},
      };
    },
  };
}

export { SourceError };
