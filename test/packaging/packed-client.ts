// Test support: the client package as an application gets it, packed with `npm pack` and
// installed from the tarball into an empty app (offline: no registry is asked).
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

export const run = promisify(execFile);
export const repositoryRoot = resolve(import.meta.dirname, "../..");

/** A fresh app folder (an ESM package) with `@rostersync/client` installed from its tarball; the caller removes it. */
export async function appWithPackedClient(prefix: string): Promise<string> {
  const app = await mkdtemp(join(tmpdir(), prefix));
  const { stdout } = await run("npm", ["pack", "--pack-destination", app, "--json"], {
    cwd: join(repositoryRoot, "packages/client"),
  });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  await writeFile(join(app, "package.json"), JSON.stringify({ name: "client-app", private: true, type: "module" }));
  await run("npm", ["install", join(app, filename), "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: app,
  });
  return app;
}

/** The fenced `js` block under a `### heading` of a Markdown document. */
export function jsBlockUnder(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n### ${heading}\n`);
  if (start < 0) throw new Error(`no "### ${heading}" heading`);
  const block = /```js\n([\s\S]*?)^```$/m.exec(markdown.slice(start));
  if (!block?.[1]) throw new Error(`no js block under "### ${heading}"`);
  return block[1];
}
