import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The modules a file loads when it is imported: static value imports and re-exports (not `import type`, not `import()`). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm))
    specifiers.push(match[1] as string);
  return specifiers;
}

/** Every source file and package the CLI's entry loads before running any command. */
function loadedAtStart(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
      else if (!specifier.startsWith("node:"))
        packages.add(
          specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : (specifier.split("/")[0] as string),
        );
    }
  };
  visit(entry);
  return { files, packages };
}

describe("what the CLI loads", () => {
  const { files, packages } = loadedAtStart(join(SRC, "cli", "index.ts"));

  it("loads no server code before a command runs: `roster --help` and the HTTP commands stay fast", () => {
    expect([...packages].sort()).toEqual(["@commander-js/extra-typings"]);
    const serverSide = [...files]
      .map((f) => f.slice(SRC.length + 1))
      .filter((f) => /^(server|storage|sync|webhooks|directory|scim|api|http|connectors)\//.test(f))
      // The directory types and member policies are a list of names the CLI's options offer, nothing more.
      .filter((f) => f !== "directory/directory-types.ts")
      // Where the database lives (file, memory, server): a pure function of the config, no driver.
      .filter((f) => f !== "storage/placement.ts");
    expect(serverSide).toEqual([]);
  });

  it("reads import lines as the loader does", () => {
    expect(files.size).toBeGreaterThan(10);
    expect([...files].some((f) => f.endsWith(join("client", "index.ts")))).toBe(true);
  });
});
