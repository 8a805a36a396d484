import { describe, expect, it } from "vitest";
import type { GroupDraft } from "./group-entry.js";
import { groupsAffectedSince } from "./group-reader.js";

function drafts(groups: Record<string, { stamp?: string; members?: string[] }>): Map<string, GroupDraft> {
  return new Map(
    Object.entries(groups).map(([idpId, g]) => [
      idpId,
      {
        idpId,
        name: idpId,
        rawAttributes: g.stamp === undefined ? {} : { modifyTimestamp: g.stamp },
        memberDns: g.members ?? [],
        memberUids: [],
        moreRanges: [],
      },
    ]),
  );
}

const OLD = "20240101000000Z";
const NEW = "20261123120000Z";
const SINCE = "20261123110000Z";

describe("groups a delta run passes on", () => {
  it("a group modified since then and every group nesting it, at any depth; nothing else", () => {
    const graph = drafts({
      leaf: { stamp: NEW, members: ["uid=a"] },
      mid: { stamp: OLD, members: ["leaf", "uid=b"] },
      top: { stamp: OLD, members: ["mid"] },
      sibling: { stamp: OLD, members: ["uid=a"] },
      nestsSibling: { stamp: OLD, members: ["sibling"] },
    });
    expect([...groupsAffectedSince(graph, SINCE)].sort()).toEqual(["leaf", "mid", "top"]);
  });

  it("ends on nesting cycles", () => {
    const graph = drafts({
      a: { stamp: NEW, members: ["b"] },
      b: { stamp: OLD, members: ["a"] },
      c: { stamp: OLD, members: ["b"] },
    });
    expect([...groupsAffectedSince(graph, SINCE)].sort()).toEqual(["a", "b", "c"]);
  });

  it("a group without a readable modifyTimestamp always goes on; the bound is inclusive; fractions and zones count", () => {
    const graph = drafts({
      none: {},
      garbled: { stamp: "yesterday" },
      exact: { stamp: SINCE },
      offset: { stamp: "20261123113000+0100" }, // 10:30Z: before
      fraction: { stamp: "20261123110000.5Z" },
    });
    expect([...groupsAffectedSince(graph, SINCE)].sort()).toEqual(["exact", "fraction", "garbled", "none"]);
  });
});
