import { Command, CommanderError } from "@commander-js/extra-typings";
import { ConfigError } from "../config.js";
import { AppError } from "../core/errors.js";
import { CliError } from "./cli-error.js";
import { endQuietlyOnClosedPipe } from "./closed-pipe.js";
import { registerServerCommands } from "./server-commands.js";
import { registerOrgCommands } from "./org-commands.js";
import { registerDirectoryCommands } from "./directory-commands.js";
import { registerWorkerCommand } from "./worker-command.js";
import { registerUserCommands } from "./user-commands.js";
import { registerGroupCommands } from "./group-commands.js";
import { registerEventCommands } from "./event-commands.js";
import { registerWebhookCommands } from "./webhook-commands.js";
import { registerSyncCommands } from "./sync-commands.js";
import { registerImportCommands } from "./import-commands.js";
import { registerSecretsCommands } from "./secrets-commands.js";
import { registerPortalCommands } from "./portal-commands.js";
import { registerAuditCommands } from "./audit-commands.js";

export function buildCli(): Command {
  const program = new Command("roster")
    .description("Roster: directory sync with SCIM 2.0 ingest and a WorkOS-compatible API")
    .version("0.1.0")
    .showHelpAfterError()
    // Before the subcommands exist, so they inherit it: usage errors throw instead of exiting.
    .exitOverride();
  registerServerCommands(program);
  registerWorkerCommand(program);
  registerOrgCommands(program);
  registerDirectoryCommands(program);
  registerSyncCommands(program);
  registerImportCommands(program);
  registerUserCommands(program);
  registerGroupCommands(program);
  registerEventCommands(program);
  registerWebhookCommands(program);
  registerSecretsCommands(program);
  registerPortalCommands(program);
  registerAuditCommands(program);
  return program;
}

/** Runs the CLI; a known error prints one clear line and exits 1, never a stack trace. */
export async function runCli(argv: readonly string[]): Promise<void> {
  endQuietlyOnClosedPipe();
  try {
    await buildCli().parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (
      err instanceof ConfigError ||
      err instanceof CliError ||
      err instanceof AppError ||
      (err instanceof Error && err.name === "RosterApiError")
    ) {
      process.stderr.write(`roster: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}
