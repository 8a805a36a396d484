import type { Command } from "@commander-js/extra-typings";
import type { ConnectorTestResult } from "../client/index.js";
import { connect, withConnection } from "./connection.js";
import { emit, printLine, printTable } from "./output.js";

function printResult(result: ConnectorTestResult): void {
  printTable(result.checks, [
    { header: "CHECK", value: (c) => c.name },
    { header: "RESULT", value: (c) => (c.ok ? "ok" : "FAILED") },
    { header: "MESSAGE", value: (c) => c.message },
  ]);
  printLine();
  printLine(
    result.ok
      ? "Every check passed."
      : "Some checks failed: fix the connector settings (roster directory update --connector …) and test again.",
  );
}

/** `roster directory test <id>`: a pull directory's connector checked against its provider; exit status 1 when a check fails. */
export function registerDirectoryTestCommand(directory: Command): void {
  withConnection(
    directory
      .command("test")
      .description(
        "Check a pull directory's connector settings against the provider (reachable, credentials, permissions); writes nothing",
      )
      .argument("<id>", "directory id (directory_…)"),
  ).action(async (id, options) => {
    const result = await connect(options).directories.testConnector(id);
    emit(options, result, printResult);
    // Scripts and CI read the outcome from the exit status, with or without --json.
    if (!result.ok) process.exitCode = 1;
  });
}
