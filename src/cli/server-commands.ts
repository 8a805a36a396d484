import type { Command } from "@commander-js/extra-typings";
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
        // The server's code loads only for these commands: every other one talks HTTP (a fast `roster --help`).
        const { serve } = await import("../server/start.js");
        await serve(config, print);
      }),
    );

  program
    .command("migrate")
    .description("Bring the database schema to the newest version and exit")
    .option("--json", "print the migrations applied as JSON ({applied: [...]}) for scripts")
    .addHelpText("after", environmentHelp())
    .action((options) =>
      startingUp(async (config) => {
        const [{ openStorage }, { migrateToLatest }] = await Promise.all([
          import("../storage/connect.js"),
          import("../storage/migrate.js"),
        ]);
        const storage = openStorage(config.database);
        try {
          const applied = await migrateToLatest(storage);
          if (options.json) print(JSON.stringify({ applied }, null, 2));
          else print(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date");
        } finally {
          await storage.close();
        }
      }),
    );
}
