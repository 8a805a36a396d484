import { readFile } from "node:fs/promises";
import type { Command } from "@commander-js/extra-typings";
import { ConfigError } from "../config.js";
import { connect, withConnection } from "./connection.js";
import { estimateFor, followRun } from "./sync-follow.js";

async function readCsv(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** `roster import csv <directory> <file>`: uploads the rows (`POST /directories/{id}/csv`) and follows the run like `roster sync`. */
export function registerImportCommands(program: Command): void {
  const imports = program.command("import").description("Load users into a pull directory from a file");
  withConnection(
    imports
      .command("csv")
      .description("Upload a CSV file to a csv directory and follow the run it starts to its end")
      .argument("<directory>", "csv directory id (directory_…)")
      .argument("<file>", "CSV with a header row (username,email,first_name,last_name,state,groups by default)")
      .option("--dry-run", "compute and list the changes without writing any")
      .option("--yes", "if the mass-removal guard holds the run, confirm it and follow it to its end")
      .option("--allow-partial", "exit 0, not 3, when the run succeeds but some rows failed"),
  ).action(async (directoryId, file, options) => {
    const client = connect(options);
    const csv = await readCsv(file);
    const estimate = await estimateFor(client, directoryId, options);
    await followRun(client, await client.directorySyncs.uploadCsv(directoryId, csv, { dryRun: options.dryRun }), {
      ...options,
      estimate,
      file,
    });
  });
}
