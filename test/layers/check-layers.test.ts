/**
 * The layering rule (`npm run lint:layers`, scripts/check-layers.mjs) run on small trees of its
 * own: it must pass a tree that keeps the order and fail an upward import, a sideways one and a
 * runtime cycle, while a cycle closed only by `import type` passes.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const script = join(import.meta.dirname, "../../scripts/check-layers.mjs");
const layers = {
  root: "src",
  layers: [["api"], ["scim", "web"], ["directory"], ["storage/sqlite", "storage/postgres"], ["storage"]],
};
const trees: string[] = [];

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "roster-layers-"));
  trees.push(root);
  await writeFile(join(root, "layers.json"), JSON.stringify(layers));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

async function check(root: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [script, "--root", root], { timeout: 20_000 });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, output: failed.stderr };
  }
}

const ordered = {
  "src/api/routes.ts": 'import { store } from "../directory/store.js";\nexport const routes = store;\n',
  "src/directory/store.ts": 'import { db } from "../storage/db.js";\nexport const store = db;\n',
  "src/storage/db.ts": "export const db = 1;\n",
};

describe("the layering rule", () => {
  afterEach(async () => {
    await Promise.all(trees.splice(0).map((root) => rm(root, { recursive: true, force: true })));
  });

  it("passes a tree whose imports point down the layers", async () => {
    const result = await check(await tree(ordered));
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain("no cycle, no upward import");
  });

  it("fails an import from a lower layer up into a higher one, types included", async () => {
    const result = await check(
      await tree({
        ...ordered,
        "src/storage/db.ts": 'import type { routes } from "../api/routes.js";\nexport const db = 1;\n',
      }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      "src/storage/db.ts → src/api/routes.ts: upward import (storage may not depend on api)",
    );
  });

  it("fails an import between two parts of one layer", async () => {
    const result = await check(
      await tree({
        ...ordered,
        "src/scim/a.ts": 'import { b } from "../web/b.js";\nexport const a = b;\n',
        "src/web/b.ts": "export const b = 1;\n",
      }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain("sideways import (scim may not depend on web)");
  });

  it("fails a runtime cycle, and passes one closed only by type imports", async () => {
    const cycle = await check(
      await tree({
        ...ordered,
        "src/directory/a.ts": 'import { b } from "./b.js";\nexport const a = () => b;\n',
        "src/directory/b.ts": 'import { a } from "./a.js";\nexport const b = () => a;\n',
      }),
    );
    expect(cycle.code).toBe(1);
    expect(cycle.output).toMatch(/import cycle: src\/directory\/(a|b)\.ts → src\/directory\/(a|b)\.ts/);
    const typeCycle = await check(
      await tree({
        ...ordered,
        "src/directory/a.ts": 'import type { B } from "./b.js";\nexport type A = { b?: B };\n',
        "src/directory/b.ts": 'import { type A } from "./a.js";\nexport type B = { a?: A };\n',
      }),
    );
    expect(typeCycle.code).toBe(0);
  });

  it("fails a part that no layer names, and an import of a file that does not exist", async () => {
    const result = await check(
      await tree({ ...ordered, "src/extra/x.ts": 'import { y } from "./y.js";\nexport const x = y;\n' }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain("src/extra is in no layer of layers.json");
    expect(result.output).toContain('"./y.js" resolves to no file');
  });

  it("lets a nested part be imported by the part it sits in alone, and import the layers below its own", async () => {
    const dialects = {
      ...ordered,
      "src/storage/db.ts": 'import { open } from "./sqlite/open.js";\nexport const db = open;\n',
      "src/storage/types.ts": "export type Caps = { name: string };\n",
      "src/storage/sqlite/open.ts":
        'import type { Caps } from "../types.js";\nexport const open = (caps: Caps) => caps;\n',
      "src/storage/postgres/open.ts":
        'import type { Caps } from "../types.js";\nexport const open = (caps: Caps) => caps;\n',
    };
    expect(await check(await tree(dialects))).toMatchObject({ code: 0 });
    const fromOutside = await check(
      await tree({
        ...dialects,
        "src/directory/store.ts": 'import { open } from "../storage/postgres/open.js";\nexport const store = open;\n',
      }),
    );
    expect(fromOutside.code).toBe(1);
    expect(fromOutside.output).toContain(
      "src/directory/store.ts → src/storage/postgres/open.ts: import of storage/postgres from outside storage (only storage may depend on it)",
    );
    const sideways = await check(
      await tree({
        ...dialects,
        "src/storage/sqlite/open.ts": 'import { open as pg } from "../postgres/open.js";\nexport const open = pg;\n',
      }),
    );
    expect(sideways.code).toBe(1);
    expect(sideways.output).toContain("sideways import (storage/sqlite may not depend on storage/postgres)");
    const upward = await check(
      await tree({
        ...dialects,
        "src/storage/sqlite/open.ts":
          'import type { Store } from "../../directory/store.js";\nexport const open = (s: Store) => s;\n',
      }),
    );
    expect(upward.code).toBe(1);
    expect(upward.output).toContain("upward import (storage/sqlite may not depend on directory)");
  });

  it("passes this repository's own tree", async () => {
    const result = await check(join(import.meta.dirname, "../.."));
    expect(result.code, result.output).toBe(0);
  });
});
