import { describe, expect, it } from "vitest";
import { findUnstorableText, isStorableText } from "./storable-text.js";

describe("storable text", () => {
  it("refuses U+0000 and either half of a surrogate pair alone, and keeps whole pairs", () => {
    expect(isStorableText("Zoë 😀 東京")).toBe(true);
    expect(isStorableText("a\u0000b")).toBe(false);
    expect(isStorableText("\ud800")).toBe(false);
    expect(isStorableText("x\udc00")).toBe(false);
    expect(isStorableText("\ude00\ud83d")).toBe(false);
    expect(isStorableText("😀".slice(0, 1))).toBe(false);
  });

  it("names where the first unstorable string or key sits, and walks a cyclic value once", () => {
    expect(findUnstorableText({ a: ["ok", { b: "x\u0000" }] })).toBe("a.1.b");
    expect(findUnstorableText({ "k\ud800": 1 })).toBe('"k\\ud800"');
    expect(findUnstorableText("\u0000")).toBe("(root)");
    const cyclic: Record<string, unknown> = { name: "ok" };
    cyclic.self = cyclic;
    expect(findUnstorableText(cyclic)).toBeNull();
  });
});
