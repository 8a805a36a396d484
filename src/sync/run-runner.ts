import { randomUUID } from "node:crypto";
import { readlinkSync } from "node:fs";
import { hostname } from "node:os";

/**
 * Which process runs a sync run, recorded with the run so another process can tell that it died
 * without waiting for its lease to expire. `pidNamespace` keeps two containers that share a host
 * name (host networking) from judging each other's process ids; `boot` tells this process from an
 * earlier one that had its process id (a container restarted: pid 1 both times).
 */
export interface Runner {
  readonly host: string;
  readonly pidNamespace: string | null;
  readonly pid: number;
  readonly boot: string;
}

function pidNamespace(): string | null {
  try {
    return readlinkSync("/proc/self/ns/pid");
  } catch {
    // No /proc (macOS): one namespace for the whole host.
    return null;
  }
}

const SELF: Runner = Object.freeze({ host: hostname(), pidNamespace: pidNamespace(), pid: process.pid, boot: randomUUID() });

/** This process, as recorded in the runs it begins (sync threads record their parent's). */
export function thisRunner(): Runner {
  return SELF;
}

export function runnerText(runner: Runner): string {
  return JSON.stringify(runner);
}

function parseRunner(text: string | null): Runner | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<Runner>;
    if (typeof value.host !== "string" || typeof value.pid !== "number" || typeof value.boot !== "string") return null;
    return { host: value.host, pidNamespace: typeof value.pidNamespace === "string" ? value.pidNamespace : null, pid: value.pid, boot: value.boot };
  } catch {
    return null;
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * True only when `recorded` is certainly dead as seen from `self`: a process of this host and pid
 * namespace that no longer exists, or whose pid is now this process's. A runner elsewhere (another
 * host, another container) cannot be judged from here: its lease tells.
 */
export function runnerIsGone(recorded: string | null, self: Runner = SELF, exists: (pid: number) => boolean = processExists): boolean {
  const runner = parseRunner(recorded);
  if (!runner || runner.host !== self.host || runner.pidNamespace !== self.pidNamespace) return false;
  if (runner.pid === self.pid) return runner.boot !== self.boot;
  return !exists(runner.pid);
}
