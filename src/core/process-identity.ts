import { readlinkSync } from "node:fs";
import { hostname } from "node:os";

/**
 * One process, as recorded where other processes can read it (a sync run's runner, a delivery
 * worker's row), so they can tell it died without waiting for its lease or heartbeat to run out.
 * `pidNamespace` keeps two containers that share a host name (host networking) from judging each
 * other's process ids; `boot` tells this process from an earlier one that had its process id (a
 * restarted container: pid 1 both times).
 */
export interface ProcessIdentity {
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

/** Whether a process of this host and namespace exists: signal 0 checks without sending anything. */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export const THIS_PROCESS: ProcessIdentity = Object.freeze({
  host: hostname(),
  pidNamespace: pidNamespace(),
  pid: process.pid,
  // When this process started: with the pid, one life of one process of the host.
  boot: new Date(Date.now() - process.uptime() * 1000).toISOString(),
});

/**
 * True only when `other` is certainly dead as seen from `self`: a process of this host and pid
 * namespace that no longer exists, or whose pid is now `self`'s. A process elsewhere (another host,
 * another container) cannot be judged from here: its lease or heartbeat tells.
 */
export function processIsGone(
  other: ProcessIdentity,
  self: ProcessIdentity = THIS_PROCESS,
  exists: (pid: number) => boolean = pidExists,
): boolean {
  if (other.host !== self.host || other.pidNamespace !== self.pidNamespace) return false;
  if (other.pid === self.pid) return other.boot !== self.boot;
  return !exists(other.pid);
}
