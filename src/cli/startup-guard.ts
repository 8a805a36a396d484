import { inspect } from "node:util";
import { loadConfig, type RosterConfig } from "../config.js";
import { databasePlacement } from "../storage/placement.js";

/** The stack of an explained failure is for debugging only: LOG_LEVEL=debug (or trace) prints it. */
function wantsStack(): boolean {
  return ["debug", "trace"].includes((process.env.LOG_LEVEL ?? "").toLowerCase());
}

/**
 * Runs a command that starts on the database (`serve`, `worker`, `migrate`). A start that fails
 * for a reason the operator can fix (a bad setting, a database or role that is missing, a port
 * in use) prints one line naming it and the setting to change, and exits 1; anything else keeps
 * its stack trace, as a bug to report.
 */
export async function startingUp(action: (config: RosterConfig) => Promise<void>): Promise<void> {
  let config: RosterConfig | null = null;
  try {
    config = loadConfig();
    await action(config);
  } catch (err) {
    // Loaded only on failure: the CLI's other commands never load server code (a fast `roster --help`).
    const { explainStartupFailure } = await import("../server/startup-failure.js");
    const explained = explainStartupFailure(err, config);
    if (explained === null) throw err;
    process.stderr.write(`roster: ${explained}\n`);
    if (wantsStack()) process.stderr.write(`${inspect(err, { depth: 4 })}\n`);
    // Exit at once: a half-started process (an open pool, a timer) would otherwise stay alive.
    process.exit(1);
  }
}

/** Said at start where a setting's absence will refuse requests later, so it is not first met as a 409. */
export function startupWarnings(config: RosterConfig): string[] {
  const warnings: string[] = [];
  if (databasePlacement(config.database).on === "server" && !config.secretKey) {
    warnings.push(
      "ROSTER_SECRET_KEY is not set: on PostgreSQL, creating a webhook endpoint or a pull directory (LDAP, SCIM pull, CSV) answers 409 secret_key_required. Set it to 32 random bytes (openssl rand -base64 32), the same value on every process.",
    );
  }
  return warnings;
}
