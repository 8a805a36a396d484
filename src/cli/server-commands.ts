import type { Command } from "@commander-js/extra-typings";
import { serve } from "../server/start.js";
import { openStorage } from "../storage/connect.js";
import { migrateToLatest } from "../storage/migrate.js";
import { environmentHelp } from "./serve-environment.js";
import { startingUp, startupWarnings } from "./startup-guard.js";

const print = (line: string) => process.stdout.write(`${line}\n`);

/** `serve` and `migrate`: the two commands that use the database directly. */
export function registerServerCommands(program: Command): void {
  program
    .command("serve")
    .description("Run the HTTP server (migrates the database first)")
    .addHelpText("after", environmentHelp())
    .action(() =>
      startingUp(async (config) => {
        for (const warning of startupWarnings(config)) process.stderr.write(`roster: warning: ${warning}\n`);
        await serve(config, print);
      }),
    );

  program
    .command("migrate")
    .description("Bring the database schema to the newest version and exit")
    .addHelpText("after", environmentHelp())
    .action(() =>
      startingUp(async (config) => {
        const storage = openStorage(config.database);
        try {
          const applied = await migrateToLatest(storage);
          print(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date");
        } finally {
          await storage.close();
        }
      }),
    );
}
