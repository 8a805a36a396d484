import { describe, expect, it } from "vitest";
import { flattenMembers } from "./group-members.js";

describe("nested group flattening", () => {
  const groups = new Map<string, string[]>([
    ["g:a", ["u:1", "g:b"]],
    ["g:b", ["u:2", "g:c"]],
    ["g:c", ["u:3", "g:a", "u:1"]],
    ["g:empty", []],
  ]);
  const membersOf = (id: string) => groups.get(id);

  it("collects users through every level, once each, through a cycle", () => {
    expect(flattenMembers("g:a", membersOf).sort()).toEqual(["u:1", "u:2", "u:3"]);
    expect(flattenMembers("g:c", membersOf).sort()).toEqual(["u:1", "u:2", "u:3"]);
  });

  it("gives an empty group no members", () => {
    expect(flattenMembers("g:empty", membersOf)).toEqual([]);
  });

  it("handles a 100,000-member group without recursion", () => {
    const big = Array.from({ length: 100_000 }, (_, i) => `u:${i}`);
    expect(flattenMembers("g:big", (id) => (id === "g:big" ? big : undefined))).toHaveLength(100_000);
  });
});
