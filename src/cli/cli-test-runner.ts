// Test support (not used at runtime): the CLI run in-process against a live test server.
import { buildCli, runCli } from "./index.js";
import { capture, TEST_ADMIN_KEY } from "./live-test-server.js";

/** `roster <args> --url <server> --key <admin>`, as the tests type it. */
export function cliAgainst(url: string) {
  const argv = (args: readonly string[]) => ["node", "roster", ...args, "--url", url, "--key", TEST_ADMIN_KEY];
  /** Runs a command that must succeed (usage and API errors throw); returns its stdout. */
  const run = async (...args: string[]): Promise<string> =>
    (await capture(() => buildCli().exitOverride().parseAsync(argv(args)))).stdout;
  return {
    argv,
    run,
    /** The same with `--json`, parsed. */
    json: async <T>(...args: string[]): Promise<T> => JSON.parse(await run(...args, "--json")) as T,
    /** Runs as the bin does (errors become one stderr line and an exit code); process.exitCode is put back. */
    async exit(...args: string[]): Promise<{ stdout: string; stderr: string; code: number | string | undefined }> {
      try {
        const out = await capture(() => runCli(argv(args)));
        return { ...out, code: process.exitCode ?? undefined };
      } finally {
        process.exitCode = undefined;
      }
    },
  };
}
