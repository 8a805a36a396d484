import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCli } from "./index.js";
import { SERVER_ENVIRONMENT } from "./serve-environment.js";

const root = resolve(import.meta.dirname, "../..");

/** Every variable src/config.ts reads: `env.NAME`, or a parser given `"NAME"`. */
function variablesReadByConfig(): string[] {
  const source = readFileSync(resolve(root, "src/config.ts"), "utf8");
  const names = new Set<string>();
  for (const match of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)) names.add(match[1] as string);
  for (const match of source.matchAll(/\(env, "([A-Z][A-Z0-9_]*)"/g)) names.add(match[1] as string);
  return [...names].sort();
}

describe("the server's environment variables", () => {
  it("are each listed by `roster serve --help`", () => {
    const serve = buildCli().commands.find((c) => c.name() === "serve");
    let help = "";
    serve?.configureOutput({ writeOut: (text) => (help += text) });
    serve?.outputHelp();
    const read = variablesReadByConfig();
    expect(read.length).toBeGreaterThan(15);
    for (const name of read) expect(help, `serve --help lacks ${name}`).toMatch(new RegExp(`^  ${name} `, "m"));
    expect(SERVER_ENVIRONMENT.map(([name]) => name).sort()).toEqual(read);
  });

  it("are each documented in docs/configuration.md", () => {
    const doc = readFileSync(resolve(root, "docs/configuration.md"), "utf8");
    for (const name of variablesReadByConfig())
      expect(doc, `docs/configuration.md lacks ${name}`).toContain(`| \`${name}\` |`);
  });
});
