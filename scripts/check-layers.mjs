#!/usr/bin/env node
// `npm run lint:layers`: the layering rule the build checks (layers.json, docs/architecture.md).
// Fails on
//   - an import that points upward or sideways between the top-level parts of src/ (types too:
//     a type is as much a dependency as a value when a part is moved or published on its own);
//   - an import cycle between modules at runtime (`import type` and imports whose every name is
//     `type` are erased by the compiler, so they close no cycle);
//   - an import of a nested part (a folder inside a part, such as storage/sqlite) from outside the
//     part it sits in: the enclosing part may import it, and it the layers below its own;
//   - a relative import that resolves to no file, and a top-level part that layers.json omits.
// Imports are read from the source text: `import … from`, `export … from`, `import "…"` and
// `import("…")`; the code base writes them one way (NodeNext, explicit `.js` extensions).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

// `--root <dir>` checks another tree (its own layers.json and src/): what the rule's test does.
const rootFlag = process.argv.indexOf("--root");
const root =
  rootFlag > 0 ? resolve(process.argv[rootFlag + 1] ?? ".") : join(dirname(fileURLToPath(import.meta.url)), "..");
const config = JSON.parse(readFileSync(join(root, "layers.json"), "utf8"));
const srcRoot = join(root, config.root);

// A layer is a list of parts, or { parts, mayImportEachOther } for the composition root.
const layerOf = new Map();
const openLayers = new Set();
config.layers.forEach((layer, index) => {
  const parts = Array.isArray(layer) ? layer : layer.parts;
  if (!Array.isArray(layer) && layer.mayImportEachOther) openLayers.add(index);
  for (const part of parts) layerOf.set(part, index);
});

function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) files.push(path);
  }
  return files;
}

const STATIC = /^[ \t]*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']/gm;
const SIDE_EFFECT = /^[ \t]*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Whether `{ type A, type B }` names only types (a default or namespace import never does). */
function onlyTypeNames(clause) {
  const braces = clause.match(/^\{([\s\S]*)\}$/);
  if (!braces) return false;
  const names = braces[1]
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  return names.length > 0 && names.every((name) => name.startsWith("type "));
}

/** The relative imports of one file: { specifier, typeOnly }. */
function importsOf(text) {
  const found = [];
  for (const m of text.matchAll(STATIC)) {
    found.push({ specifier: m[4], typeOnly: Boolean(m[2]) || onlyTypeNames(m[3].trim()) });
  }
  for (const m of text.matchAll(SIDE_EFFECT)) found.push({ specifier: m[1], typeOnly: false });
  for (const m of text.matchAll(DYNAMIC)) found.push({ specifier: m[1], typeOnly: false });
  return found.filter((i) => i.specifier.startsWith("."));
}

// Nested parts, longest first, so a file belongs to the deepest part that holds it.
const nestedParts = [...layerOf.keys()].filter((part) => part.includes("/")).sort((a, b) => b.length - a.length);

/** "scim" for src/scim/users/x.ts, "app.ts" for src/app.ts, "storage/sqlite" for src/storage/sqlite/x.ts when listed. */
function partOf(file) {
  const path = relative(srcRoot, file).split(sep).join("/");
  return nestedParts.find((part) => path.startsWith(`${part}/`)) ?? path.split("/")[0];
}

/** "storage" for "storage/sqlite"; null for a top-level part. */
function enclosingPart(part) {
  return part.includes("/") ? part.slice(0, part.lastIndexOf("/")) : null;
}

const problems = [];
const runtimeEdges = new Map();
const show = (file) => relative(root, file);

for (const file of sourceFiles(srcRoot)) {
  const from = partOf(file);
  if (!layerOf.has(from)) problems.push(`${show(file)}: src/${from} is in no layer of layers.json`);
  const edges = new Set();
  for (const { specifier, typeOnly } of importsOf(readFileSync(file, "utf8"))) {
    const target = resolve(dirname(file), specifier.replace(/\.js$/, ".ts"));
    if (!existsSync(target)) {
      problems.push(`${show(file)}: "${specifier}" resolves to no file`);
      continue;
    }
    if (!typeOnly) edges.add(target);
    if (!target.startsWith(srcRoot + sep)) continue;
    const to = partOf(target);
    if (to === from || !layerOf.has(to) || !layerOf.has(from)) continue;
    const enclosing = enclosingPart(to);
    if (enclosing !== null && from !== enclosing && enclosingPart(from) !== enclosing) {
      problems.push(
        `${show(file)} → ${show(target)}: import of ${to} from outside ${enclosing} (only ${enclosing} may depend on it)`,
      );
      continue;
    }
    // The part a nested part sits in opens it (storage opens its dialects).
    if (enclosing !== null && from === enclosing) continue;
    if (layerOf.get(to) === layerOf.get(from) && openLayers.has(layerOf.get(from))) continue;
    if (layerOf.get(to) <= layerOf.get(from)) {
      const way = layerOf.get(to) === layerOf.get(from) ? "sideways" : "upward";
      problems.push(`${show(file)} → ${show(target)}: ${way} import (${from} may not depend on ${to})`);
    }
  }
  runtimeEdges.set(file, edges);
}

// Cycles: Tarjan's strongly connected components over the runtime imports.
let next = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
function visit(file) {
  index.set(file, next);
  low.set(file, next++);
  stack.push(file);
  onStack.add(file);
  for (const target of runtimeEdges.get(file) ?? []) {
    if (!index.has(target)) {
      visit(target);
      low.set(file, Math.min(low.get(file), low.get(target)));
    } else if (onStack.has(target)) {
      low.set(file, Math.min(low.get(file), index.get(target)));
    }
  }
  if (low.get(file) !== index.get(file)) return;
  const component = [];
  let member;
  do {
    member = stack.pop();
    onStack.delete(member);
    component.push(member);
  } while (member !== file);
  if (component.length > 1) problems.push(`import cycle: ${component.reverse().map(show).join(" → ")}`);
}
for (const file of runtimeEdges.keys()) if (!index.has(file)) visit(file);

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(
    `lint:layers: ${problems.length} problem(s); the rule is in layers.json, explained in docs/architecture.md`,
  );
  process.exit(1);
}
console.log(`lint:layers: ${runtimeEdges.size} modules, no cycle, no upward import`);
