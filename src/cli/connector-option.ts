import { readFile } from "node:fs/promises";
import { text } from "node:stream/consumers";
import { type Command, Option, type OptionValues } from "@commander-js/extra-typings";
import { ConfigError } from "../config.js";

/** The two ways to give a pull directory's `connector` object; commander refuses both at once. */
export interface ConnectorSource {
  readonly connector?: string | undefined;
  readonly connectorFile?: string | undefined;
}

/** Adds `--connector <json>` and `--connector-file <path>` (`-` = stdin), which exclude each other. */
export function withConnectorOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
  what: string,
) {
  return command
    .addOption(
      new Option(
        "--connector <json>",
        `${what}; a secret typed here stays in the shell history: use --connector-file`,
      ).conflicts("connectorFile"),
    )
    .addOption(new Option("--connector-file <path>", `the same JSON object from a file, or "-" for stdin`));
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/** Parses one JSON object; the message never quotes the text, which may hold a password or token. */
function parseObject(raw: string, source: string): Record<string, unknown> {
  if (raw.trim() === "") throw new ConfigError(`${source} is empty: expected a JSON object`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    // V8's message can repeat the input ("hunter2" is not valid JSON): keep only the position.
    const position = /at position (\d+)/.exec(error instanceof Error ? error.message : "")?.[1];
    throw new ConfigError(`${source} is not valid JSON${position === undefined ? "" : ` (at position ${position})`}`, {
      cause: error,
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ConfigError(`${source} must be a JSON object ({…}), got ${describe(value)}`);
  return value as Record<string, unknown>;
}

async function readSource(path: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (path === "-") {
    if ((stdin as { isTTY?: boolean }).isTTY)
      process.stderr.write("Reading the connector JSON from stdin; end it with Ctrl-D.\n");
    return text(stdin);
  }
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** The `connector` object from `--connector` or `--connector-file`; undefined when neither is given. */
export async function readConnectorOption(
  options: ConnectorSource,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<Record<string, unknown> | undefined> {
  if (options.connector !== undefined) return parseObject(options.connector, "--connector");
  if (options.connectorFile === undefined) return undefined;
  const source =
    options.connectorFile === "-" ? "the connector JSON on stdin" : `--connector-file ${options.connectorFile}`;
  return parseObject(await readSource(options.connectorFile, stdin), source);
}
