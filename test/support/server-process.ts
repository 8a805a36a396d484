import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { DatabaseConfig } from "../../src/config.js";

const SERVE_ENTRY = fileURLToPath(new URL("./serve-entry.ts", import.meta.url));
const CLI_ENTRY = fileURLToPath(new URL("./roster-from-source.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The admin key `processEnv` gives a child process. */
export const PROCESS_ADMIN_KEY = "roster_admin_child_0123456789abcdefghijklmnopqrstuvwxyzAB";

/** A real `roster serve` (or `roster worker`) in a child process, as an operator runs it. */
export interface ServerProcess {
  /** Where it listens; empty for a worker, which serves no HTTP. */
  readonly url: string;
  readonly pid: number;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Sends `signal` and waits for the process to end: its exit code, or the signal that ended it. */
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `DATABASE_URL` for a database of the test helpers. */
export function databaseUrl(config: DatabaseConfig): string {
  return config.kind === "sqlite" ? `sqlite:${config.file}` : config.url;
}

/** What a child process needs to run on `database`: its URL, the admin key and a secret key. */
export function processEnv(database: DatabaseConfig, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl(database),
    ROSTER_ADMIN_KEY: PROCESS_ADMIN_KEY,
    ROSTER_SECRET_KEY: "child-test-secret-key-0123456789abcdefghijklmnop",
    ...extra,
  };
}

/**
 * Starts `roster serve` with `env` (on top of this process's) and waits until it listens. Logs are
 * kept in memory; the port is picked by the server (`PORT=0`) unless `env` names one.
 */
export function startServerProcess(env: Record<string, string>, startTimeoutMs = 30_000): Promise<ServerProcess> {
  return startProcess([SERVE_ENTRY], env, /Roster listening on (http:\/\/\S+)/, startTimeoutMs);
}

/** Starts `roster worker` with `env` and waits until it runs. */
export function startWorkerProcess(env: Record<string, string>, startTimeoutMs = 30_000): Promise<ServerProcess> {
  return startProcess([CLI_ENTRY, "worker"], { LOG_LEVEL: "info", ...env }, /webhook worker running()/, startTimeoutMs);
}

async function startProcess(
  args: readonly string[],
  env: Record<string, string>,
  ready: RegExp,
  startTimeoutMs: number,
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      ROSTER_SYNC_THREAD: "off",
      ROSTER_OUTBOUND_PRIVATE: "all",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the process did not start within ${startTimeoutMs} ms:\n${output}`));
    }, startTimeoutMs);
    const look = () => {
      const match = ready.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off("data", look);
      resolve(match[1] ?? "");
    };
    child.stdout?.on("data", look);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the process exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  return {
    url,
    pid: child.pid ?? 0,
    output: () => output,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
