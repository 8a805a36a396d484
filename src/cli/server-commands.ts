import type { Command } from "@commander-js/extra-typings";
import { loadConfig } from "../config.js";

const print = (line: string) => process.stdout.write(`${line}\n`);

/** `serve` and `migrate`: the two commands that use the database directly. */
export function registerServerCommands(program: Command): void {
  program
    .command("serve")
    .description("Run the HTTP server (migrates the database first)")
    .action(async () => {
      // The server's code loads only for these two commands: every other one talks HTTP (a fast `roster --help`).
      const { serve } = await import("../server/start.js");
      await serve(loadConfig(), print);
    });

  program
    .command("migrate")
    .description("Bring the database schema to the newest version and exit")
    .action(async () => {
      const [{ openStorage }, { migrateToLatest }] = await Promise.all([import("../storage/connect.js"), import("../storage/migrate.js")]);
      const config = loadConfig();
      const storage = openStorage(config.database);
      try {
        const applied = await migrateToLatest(storage);
        print(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date");
      } finally {
        await storage.close();
      }
    });
}
