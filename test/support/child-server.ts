import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { DatabaseConfig } from "../../src/config.js";

const ENTRY = fileURLToPath(new URL("./roster-from-source.ts", import.meta.url));
export const CHILD_ADMIN_KEY = "roster_admin_child_0123456789abcdefghijklmnopqrstuvwxyzAB";
const SECRET_KEY = "child-test-secret-key-0123456789abcdefghijklmnop";

/** A `roster serve` (or other command) running as a child process, as an operator runs it. */
export interface ChildServer {
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Kills it with `signal` and waits for it to be gone. */
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export function databaseUrl(config: DatabaseConfig): string {
  return config.kind === "sqlite" ? `sqlite:${config.file}` : config.url;
}

/** Starts `roster serve` on a free loopback port over `database`; resolves once it listens. */
export function startChildServer(database: DatabaseConfig, env: Record<string, string> = {}, timeoutMs = 20_000): Promise<ChildServer> {
  return startChild("serve", database, env, timeoutMs);
}

/** Starts `roster worker` over `database`; resolves once it runs (its `url` is empty: it serves no HTTP). */
export function startChildWorker(database: DatabaseConfig, env: Record<string, string> = {}, timeoutMs = 20_000): Promise<ChildServer> {
  return startChild("worker", database, { LOG_LEVEL: "info", ...env }, timeoutMs);
}

const READY: Record<"serve" | "worker", RegExp> = { serve: /Roster listening on (http:\/\/\S+)/, worker: /webhook worker running()/ };

async function startChild(command: "serve" | "worker", database: DatabaseConfig, env: Record<string, string>, timeoutMs: number): Promise<ChildServer> {
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY, command], {
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl(database),
      ROSTER_ADMIN_KEY: CHILD_ADMIN_KEY,
      ROSTER_SECRET_KEY: SECRET_KEY,
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`roster ${command} was not ready within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const look = () => {
      const found = READY[command].exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1] ?? "");
      }
    };
    child.stdout?.on("data", look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`roster ${command} exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    url,
    process: child,
    output: () => output,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
