import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSecretBox, SecretBoxError } from "./secret-box.js";
import { createSecretKeyring, SECRET_KEY_FILE } from "./secret-key.js";

describe("secret box", () => {
  const box = createSecretBox("a-high-entropy-key-for-tests-only-0123456789");

  it("seals to a different text each time and opens back", () => {
    const a = box.seal("whsec_abc", "we_1");
    const b = box.seal("whsec_abc", "we_1");
    expect(a).not.toBe(b);
    expect(a).not.toContain("whsec_abc");
    expect(box.open(a, "we_1")).toBe("whsec_abc");
  });

  it("refuses another row's context, a tampered text and another key, saying which", () => {
    const sealed = box.seal("whsec_abc", "we_1");
    expect(() => box.open(sealed, "we_2")).toThrow(SecretBoxError);
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => box.open(parts.join("."), "we_1")).toThrow(/failed authentication/);
    expect(() => createSecretBox("another-key").open(sealed, "we_1")).toThrow(/another key/);
    expect(() => box.open("plain text", "we_1")).toThrow(/not a sealed secret/);
  });
});

describe("secret keyring", () => {
  const dir = mkdtempSync(join(tmpdir(), "roster-key-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const database = { kind: "sqlite" as const, file: join(dir, "roster.sqlite") };

  it("creates one 0600 key file, warns once, and finds the same key again", () => {
    const warnings: string[] = [];
    const first = createSecretKeyring({ secretKey: undefined, database, warn: (m) => warnings.push(m) }).box();
    const sealed = first.seal("s", "ctx");
    expect(statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(warnings).toHaveLength(1);
    const second = createSecretKeyring({ secretKey: undefined, database, warn: (m) => warnings.push(m) }).box();
    expect(second.open(sealed, "ctx")).toBe("s");
    expect(warnings).toHaveLength(1);
    // Setting ROSTER_SECRET_KEY to the file's content keeps every sealed secret readable.
    const fromEnv = createSecretKeyring({
      secretKey: readFileSync(join(dir, SECRET_KEY_FILE), "utf8").trim(),
      database,
      warn: () => undefined,
    }).box();
    expect(fromEnv.open(sealed, "ctx")).toBe("s");
  });

  it("warns about a key file others can read", () => {
    const other = mkdtempSync(join(tmpdir(), "roster-key-"));
    try {
      writeFileSync(join(other, SECRET_KEY_FILE), "k".repeat(44), { mode: 0o644 });
      const warnings: string[] = [];
      createSecretKeyring({
        secretKey: undefined,
        database: { kind: "sqlite", file: join(other, "db.sqlite") },
        warn: (m) => warnings.push(m),
      }).box();
      expect(warnings.join()).toMatch(/chmod 600/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("refuses PostgreSQL without ROSTER_SECRET_KEY, with a 409 the API can answer", () => {
    const keyring = createSecretKeyring({
      secretKey: undefined,
      database: { kind: "postgres", url: "postgres://x/y" },
      warn: () => undefined,
    });
    expect(() => keyring.box()).toThrow(expect.objectContaining({ status: 409, code: "secret_key_required" }));
  });
});
