import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyPluginAsync } from "fastify";
import { webSecurityHeaders } from "./security-headers.js";

/**
 * The web interface's scripts and styles: the package's `assets/` folder, found relative to this
 * module so it is the same folder from `src/web` (tests, tsx) and from `dist/web` (`npm start`).
 */
export const ASSETS_DIR = fileURLToPath(new URL("../../assets/", import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** The folder's files and those of its subfolders (`console/app.js`), by their path under it. */
function readAssets(dir: string, prefix: string, into: Map<string, { type: string; body: Buffer }>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      readAssets(join(dir, entry.name), `${prefix}${entry.name}/`, into);
      continue;
    }
    const type = TYPES[extname(entry.name)];
    if (type) into.set(`${prefix}${entry.name}`, { type, body: readFileSync(join(dir, entry.name)) });
  }
}

/** `GET /assets/{path}`: every file is read once at start; only those files are reachable, nothing outside the folder. */
export const assetsRoutes: FastifyPluginAsync = async (app) => {
  const files = new Map<string, { type: string; body: Buffer }>();
  readAssets(ASSETS_DIR, "", files);
  app.addHook("onRequest", webSecurityHeaders);
  app.get<{ Params: { "*": string } }>("/assets/*", { schema: { hide: true } }, async (request, reply) => {
    const file = files.get(request.params["*"]);
    if (!file) return reply.code(404).type("text/plain; charset=utf-8").send("Not found");
    return reply.type(file.type).header("cache-control", "public, max-age=300").send(file.body);
  });
};
