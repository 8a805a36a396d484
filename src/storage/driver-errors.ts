// Errors as the drivers and Node throw them, read by the code that explains a failed start.

/** An error as Node, pg and better-sqlite3 shape them: a code, maybe a cause or several errors. */
export interface CodedError {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
  readonly syscall?: unknown;
  readonly path?: unknown;
}

/** Every error in the chain: the error, its causes, and an AggregateError's parts (Node's happy eyeballs). */
export function chain(err: unknown): CodedError[] {
  const found: CodedError[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && found.length < 20) {
    const next = queue.shift();
    if (typeof next !== "object" || next === null) continue;
    const coded = next as CodedError;
    found.push(coded);
    if (coded.cause !== undefined) queue.push(coded.cause);
    if (Array.isArray(coded.errors)) queue.push(...coded.errors);
  }
  return found;
}

export function codeIn(err: unknown, codes: readonly string[]): CodedError | undefined {
  return chain(err).find((e) => typeof e.code === "string" && codes.includes(e.code));
}

export function messageOf(err: CodedError): string {
  return typeof err.message === "string" ? err.message : String(err.code);
}

/** `ENOTDIR: not a directory, mkdir '/x'`: the code once, with Node's own message. */
export function codeAndMessage(err: CodedError): string {
  const message = messageOf(err);
  return message.startsWith(String(err.code)) ? message : `${String(err.code)}: ${message}`;
}
