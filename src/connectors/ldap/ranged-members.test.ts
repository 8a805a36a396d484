import { describe, expect, it } from "vitest";
import { EntryValues } from "./entry-values.js";
import { parseLdapConfig } from "./ldap-config.js";
import { toGroupDraft } from "./group-entry.js";
import { readRemainingSlices } from "./ranged-members.js";

// Active Directory answers a 3,200-member group in slices of 1,500 (MS-ADTS range retrieval).
const ALL = Array.from({ length: 3200 }, (_, i) => `CN=User ${i},OU=Staff,DC=corp,DC=test`);

function slice(start: number): { name: string; values: string[] } {
  const end = Math.min(start + 1500, ALL.length) - 1;
  return { name: `member;range=${start}-${end === ALL.length - 1 ? "*" : end}`, values: ALL.slice(start, end + 1) };
}

describe("AD range retrieval of large member lists", () => {
  it("reads every slice after the first until the one ending in *", async () => {
    const parsed = parseLdapConfig({ url: "ldap://x", bind_dn: "cn=a", password: "p", base_dn: "dc=x" });
    if (!parsed.ok) throw new Error("config");
    const first = slice(0);
    const draft = toGroupDraft(
      { dn: "CN=Big,OU=Groups,DC=corp,DC=test", cn: "Big", [first.name]: first.values },
      parsed.value.attributes,
    );
    if ("kind" in draft) throw new Error("invalid");
    expect(draft.memberDns).toHaveLength(1500);
    expect(draft.moreRanges).toEqual([{ attribute: "member", next: 1500 }]);

    const asked: string[] = [];
    await readRemainingSlices(
      "member",
      1500,
      async (description) => {
        asked.push(description);
        const start = Number(/range=(\d+)-/.exec(description)?.[1]);
        const s = slice(start);
        return new EntryValues({ dn: "CN=Big,OU=Groups,DC=corp,DC=test", [s.name]: s.values });
      },
      (values) => draft.memberDns.push(...values),
    );
    expect(asked).toEqual(["member;range=1500-*", "member;range=3000-*"]);
    expect(draft.memberDns).toHaveLength(3200);
  });
});
