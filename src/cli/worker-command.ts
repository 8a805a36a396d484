import type { Command } from "@commander-js/extra-typings";
import { environmentHelp } from "./serve-environment.js";
import { startingUp } from "./startup-guard.js";

export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .description("Run the webhook delivery worker and scheduled pull syncs (no HTTP server); stops cleanly on SIGTERM")
    .addHelpText("after", environmentHelp())
    .action(() =>
      startingUp(async (config) => {
        // Loaded here, not at the top: the CLI's other commands never need the server's code (a fast `roster --help`).
        const [{ default: closeWithGrace }, { pino }, { startWorker }] = await Promise.all([
          import("close-with-grace"),
          import("pino"),
          import("./worker-process.js"),
        ]);
        const log = pino({ level: config.logLevel, base: { component: "webhooks" } });
        const worker = await startWorker(config, log);
        log.info({ database: config.database.kind }, "webhook worker running");
        // In-flight requests are aborted and put back in the queue, not counted as failures.
        closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
          if (err) log.error({ err }, "shutting down after an error");
          else log.info({ signal }, "webhook worker stopping");
          await worker.stop();
        });
      }),
    );
}
