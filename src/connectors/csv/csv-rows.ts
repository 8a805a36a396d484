import { open } from "node:fs/promises";
import { addAbortSignal, Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import { SourceError } from "../source.js";

/** A file on the server, or an upload already in memory. */
export type CsvInput = { readonly path: string } | { readonly text: string | Buffer };

export interface CsvRow {
  /** 1-based line of the file where the row starts (the header is line 1). */
  readonly line: number;
  readonly fields: readonly string[];
}

const CHUNK = 64 * 1024;
const LINE_BREAK = /\r\n|\r|\n/g;
const LEADING_BREAKS = /^(?:\r\n|\r|\n)*/;

function breaksIn(text: string): number {
  return text.match(LINE_BREAK)?.length ?? 0;
}

/** An upload fed in slices: one `end(text)` would turn the whole upload into buffered records at once. */
function* slices(text: string | Buffer): Generator<string | Buffer> {
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + CHUNK);
    // Never cut a string between the two halves of a surrogate pair (csv-parse splits Buffers safely).
    if (typeof text === "string" && end < text.length && /[\udc00-\udfff]/.test(text.charAt(end))) end -= 1;
    yield text.slice(at, end);
    at = end;
  }
}

function fileFailure(error: unknown, path: string): SourceError {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") return new SourceError("misconfigured", `No CSV file at ${path}`, { cause: error });
  if (code === "EACCES" || code === "EPERM")
    return new SourceError("misconfigured", `The CSV file ${path} cannot be read: permission denied`, { cause: error });
  if (code === "EISDIR")
    return new SourceError("misconfigured", `The CSV path ${path} is a directory, not a file`, { cause: error });
  return new SourceError(
    "unreachable",
    `The CSV file ${path} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

async function openInput(input: CsvInput): Promise<Readable> {
  if ("text" in input) return Readable.from(slices(input.text));
  try {
    const handle = await open(input.path, "r");
    return handle.createReadStream();
  } catch (error) {
    throw fileFailure(error, input.path);
  }
}

/**
 * The records of a CSV file, streamed, each with the line it starts on: BOM dropped, CRLF or LF,
 * quoted fields holding commas and line breaks, blank lines skipped. Rows of any width are passed
 * on (the caller judges them against the header); text that is not CSV at all fails the source.
 */
export async function* csvRows(input: CsvInput, signal: AbortSignal): AsyncGenerator<CsvRow> {
  const where = "path" in input ? input.path : "the uploaded CSV";
  const source = await openInput(input);
  const parser = parse({ bom: true, raw: true, skip_empty_lines: true, relax_column_count: true });
  addAbortSignal(signal, parser);
  source.on("error", (error) => parser.destroy("path" in input ? fileFailure(error, input.path) : error));
  source.pipe(parser);
  // csv-parse counts a CRLF inside quotes as two lines: count the breaks of each raw record instead.
  let consumed = 0;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const line = 1 + consumed + breaksIn(LEADING_BREAKS.exec(raw)?.[0] ?? "");
      consumed += breaksIn(raw);
      yield { line, fields: record };
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason ?? error;
    if (error instanceof CsvError) {
      throw new SourceError("bad_response", `${where} is not valid CSV: ${error.message}`, { cause: error });
    }
    throw error;
  } finally {
    source.destroy();
    parser.destroy();
  }
}
