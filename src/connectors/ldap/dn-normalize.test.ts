import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeDn } from "./dn-normalize.js";

describe("DN normalization", () => {
  it("lower-cases and drops the spaces around separators", () => {
    expect(normalizeDn("UID=Ann , OU=People,  DC=Example,DC=test")).toBe("uid=ann,ou=people,dc=example,dc=test");
    expect(normalizeDn("cn = Ann + uid = a1 ,dc=x")).toBe("cn=ann+uid=a1,dc=x");
  });

  it("keeps spaces inside values and writes escapes one way", () => {
    expect(normalizeDn("CN=Smith\\, John,OU=People")).toBe("cn=smith\\, john,ou=people");
    expect(normalizeDn("CN=Smith\\2C John,OU=People")).toBe("cn=smith\\, john,ou=people");
    expect(normalizeDn("cn=\\41nn")).toBe("cn=ann");
    expect(normalizeDn("cn=a\\ b")).toBe("cn=a b");
    expect(normalizeDn("cn=\\ lead and trail\\ ,dc=x")).toBe("cn=\\ lead and trail\\ ,dc=x");
    expect(normalizeDn("cn=\\#hash")).toBe("cn=\\#hash");
    expect(normalizeDn("cn=J\\C3\\BCrgen")).toBe("cn=jürgen");
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "B", " ", ",", "=", "+", "\\", "#", "2", "C", "é") }),
        (dn) => {
          const once = normalizeDn(dn);
          expect(normalizeDn(once)).toBe(once);
        },
      ),
    );
  });
});
