import type { Command } from "@commander-js/extra-typings";
import { startingUp } from "./startup-guard.js";

const print = (line: string) => process.stdout.write(`${line}\n`);

/** `roster secrets rotate`: re-seals every stored secret under the current ROSTER_SECRET_KEY. */
export function registerSecretsCommands(program: Command): void {
  const secrets = program
    .command("secrets")
    .description("Manage the key that seals stored secrets (webhook secrets, connector credentials)");
  secrets
    .command("rotate")
    .description(
      "Re-seal every stored secret under ROSTER_SECRET_KEY; the old key must be in ROSTER_SECRET_KEY_PREVIOUS (run against the database, like migrate)",
    )
    .option("--json", "print the report as JSON ({resealed, current, unreadable}) for scripts")
    .action((options) =>
      startingUp(async (config) => {
        // The server's code only for this command: the CLI's HTTP commands never load it.
        const [{ openStorage }, { migrateToLatest }, { createSecretKeyring }, { resealStoredSecrets }] =
          await Promise.all([
            import("../storage/connect.js"),
            import("../storage/migrate.js"),
            import("../crypto/secret-key.js"),
            import("../crypto/reseal-stored-secrets.js"),
          ]);
        const storage = openStorage(config.database);
        try {
          await migrateToLatest(storage);
          const keyring = createSecretKeyring({
            secretKey: config.secretKey,
            previousSecretKeys: config.previousSecretKeys,
            database: config.database,
            warn: (message) => process.stderr.write(`roster: ${message}\n`),
          });
          const report = await resealStoredSecrets(storage.db, keyring.box());
          if (options.json) {
            print(
              JSON.stringify(
                { resealed: report.resealed, current: report.current, unreadable: report.unreadable },
                null,
                2,
              ),
            );
            if (report.unreadable.length > 0) process.exitCode = 1;
            return;
          }
          print(`Re-sealed ${report.resealed} secret(s) under the current key; ${report.current} already were.`);
          if (report.unreadable.length > 0) {
            process.stderr.write(
              `roster: ${report.unreadable.length} secret(s) open with none of the configured keys (add the key that sealed them to ROSTER_SECRET_KEY_PREVIOUS and run again):\n`,
            );
            for (const where of report.unreadable) process.stderr.write(`  ${where}\n`);
            process.exitCode = 1;
          } else if (config.previousSecretKeys.length > 0) {
            print(
              "Every stored secret is sealed under the current key: ROSTER_SECRET_KEY_PREVIOUS can now be removed from every process.",
            );
          }
        } finally {
          await storage.close();
        }
      }),
    );
}
