import { type Command, Option, type OptionValues } from "@commander-js/extra-typings";
import { createRosterClient, type RosterClient } from "../client/index.js";
import { ConfigError } from "../config.js";

export const DEFAULT_URL = "http://127.0.0.1:8080";

/** The options every API command takes: where the server is, which key, and how to print. */
export interface ConnectionOptions {
  readonly url: string;
  readonly key?: string | undefined;
  readonly json?: boolean | undefined;
}

/**
 * Adds `--url`, `--key` and `--json` to a command, after its own options. They sit on every leaf
 * command (not the program) so each command's `--help` shows them and they work anywhere on the line.
 */
export function withConnection<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
) {
  return command
    .addOption(new Option("--url <url>", "Roster server URL").env("ROSTER_URL").default(DEFAULT_URL))
    .addOption(
      new Option("--key <key>", "admin or organization API key (falls back to env ROSTER_ADMIN_KEY)").env("ROSTER_KEY"),
    )
    .option("--json", "print raw JSON for scripts");
}

/** The key to use: `--key`, else ROSTER_KEY (commander reads it), else ROSTER_ADMIN_KEY. */
export function resolveKey(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): string {
  const key = options.key || env.ROSTER_ADMIN_KEY;
  if (!key) throw new ConfigError("no API key: pass --key <key> or set ROSTER_KEY (or ROSTER_ADMIN_KEY)");
  return key;
}

/** A client for the server the options name; a bad URL or a missing key fails here, in one line. */
export function connect(options: ConnectionOptions): RosterClient {
  if (!/^https?:\/\/[^/]/i.test(options.url))
    throw new ConfigError(`--url must be an http(s) URL, got "${options.url}"`);
  return createRosterClient({ baseUrl: options.url, apiKey: resolveKey(options) });
}
