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

/** `GET /assets/{file}`: every file is read once at start; nothing outside the folder is reachable. */
export const assetsRoutes: FastifyPluginAsync = async (app) => {
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(ASSETS_DIR)) {
    const type = TYPES[extname(name)];
    if (type) files.set(name, { type, body: readFileSync(join(ASSETS_DIR, name)) });
  }
  app.addHook("onRequest", webSecurityHeaders);
  app.get<{ Params: { file: string } }>("/assets/:file", { schema: { hide: true } }, async (request, reply) => {
    const file = files.get(request.params.file);
    if (!file) return reply.code(404).type("text/plain; charset=utf-8").send("Not found");
    return reply.type(file.type).header("cache-control", "public, max-age=300").send(file.body);
  });
};
