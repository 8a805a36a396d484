/** A refusal the CLI itself makes (not the server): one line on stderr, exit status 1. */
export class CliError extends Error {
  override readonly name = "CliError";
}
