import { fetchFailure } from "./fetch-failure.js";
import { SourceError } from "./source.js";

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json$/;

/** Drops an answer's body unread, so the connection goes back to the pool. */
export async function discardBody(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/**
 * A provider's answer as JSON. A content type that is not JSON, or a body that does not parse, is a
 * `bad_response` naming `where` (and `hint`, what the setting behind it may have got wrong); a body cut off
 * while reading is the fetch failure it is.
 */
export async function readJsonBody(
  response: Response,
  where: string,
  signal: AbortSignal,
  timeoutMs: number,
  hint = "",
): Promise<unknown> {
  const type = (response.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type !== "" && !JSON_TYPE.test(type)) {
    await discardBody(response);
    throw new SourceError("bad_response", `${where} returned ${type}, expected JSON${hint}`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw fetchFailure(error, where, signal, timeoutMs);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new SourceError("bad_response", `${where} returned a body that is not JSON${hint}`, { cause: error });
  }
}
