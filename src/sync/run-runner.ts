import { type ProcessIdentity, processIsGone, THIS_PROCESS } from "../core/process-identity.js";

/** Which process runs a sync run, recorded with the run (see `ProcessIdentity`). */
export type Runner = ProcessIdentity;

/** This process, as recorded in the runs it begins (sync threads record their parent's). */
export function thisRunner(): Runner {
  return THIS_PROCESS;
}

export function runnerText(runner: Runner): string {
  return JSON.stringify(runner);
}

function parseRunner(text: string | null): Runner | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<Runner>;
    if (typeof value.host !== "string" || typeof value.pid !== "number" || typeof value.boot !== "string") return null;
    return {
      host: value.host,
      pidNamespace: typeof value.pidNamespace === "string" ? value.pidNamespace : null,
      pid: value.pid,
      boot: value.boot,
    };
  } catch {
    return null;
  }
}

/** Whether the recorded runner of a run is certainly dead as seen from `self` (see `processIsGone`). */
export function runnerIsGone(
  recorded: string | null,
  self: Runner = THIS_PROCESS,
  exists?: (pid: number) => boolean,
): boolean {
  const runner = parseRunner(recorded);
  return runner !== null && processIsGone(runner, self, exists);
}
