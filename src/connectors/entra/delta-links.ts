import { SourceError } from "../source.js";

/**
 * A directory's place in Graph's change tracking: the `@odata.deltaLink` of `/users/delta` and of
 * `/groups/delta`, kept together as the directory's delta watermark (a JSON text). The links are
 * opaque state tokens, not credentials: a token is needed to use them.
 */
export interface DeltaLinks {
  readonly users: string;
  readonly groups: string;
}

export function encodeDeltaLinks(links: DeltaLinks): string {
  return JSON.stringify({ users: links.users, groups: links.groups });
}

/** The links of a watermark written by `encodeDeltaLinks`; anything else is refused (the next full run writes a good one). */
export function decodeDeltaLinks(watermark: string): DeltaLinks {
  let parsed: unknown;
  try {
    parsed = JSON.parse(watermark);
  } catch {
    parsed = null;
  }
  const { users, groups } = (typeof parsed === "object" && parsed !== null ? parsed : {}) as {
    users?: unknown;
    groups?: unknown;
  };
  if (typeof users !== "string" || typeof groups !== "string") {
    throw new SourceError(
      "misconfigured",
      "the stored delta watermark is not an entra id one (users and groups delta links); run a full sync",
    );
  }
  return { users, groups };
}
