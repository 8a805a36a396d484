// The console's one way to Roster: the public HTTP API, with the session's cookie and its CSRF
// header (the API accepts the cookie only with it). Errors become sentences a person can act on.

let csrf = null;
let onSessionEnded = () => {};

export function useSession(token, ended) {
  csrf = token;
  onSessionEnded = ended;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `Roster answered ${status}`);
    this.status = status;
    this.code = body?.code ?? null;
    this.errors = Array.isArray(body?.errors) ? body.errors : [];
  }
}

/** Calls the API; `body` is sent as JSON, or as it is when `contentType` is given (a CSV upload). */
export async function api(method, path, body, contentType) {
  const headers = { accept: "application/json" };
  if (csrf) headers["x-roster-csrf"] = csrf;
  if (body !== undefined) headers["content-type"] = contentType ?? "application/json";
  const payload = body === undefined ? undefined : contentType ? body : JSON.stringify(body);
  let response;
  try {
    response = await fetch(path, { method, credentials: "same-origin", headers, body: payload });
  } catch {
    throw new ApiError(0, {
      code: "unreachable",
      message: "Roster could not be reached. Check the connection and try again.",
    });
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, json);
    if (response.status === 401 && path !== "/console/session") onSessionEnded();
    throw error;
  }
  return json;
}

const PREFIX = {
  400: "Roster could not read that request",
  401: "You are not signed in, or your session ended",
  403: "Your key may not do this",
  404: "Not found",
  409: "That conflicts with what is there now",
  413: "That is too large",
  415: "Roster cannot read that kind of request",
  422: "Please correct the form",
  429: "Too many requests; wait a moment and try again",
};

/** The error in words: what went wrong, then each field the API named. */
export function describeError(error) {
  if (!(error instanceof ApiError))
    return { title: "Something went wrong in the console", detail: String(error?.message ?? error), fields: [] };
  if (error.status === 0) return { title: error.message, detail: "", fields: [] };
  const title =
    error.status >= 500
      ? "Roster could not complete this. Try again in a moment."
      : (PREFIX[error.status] ?? `Roster answered ${error.status}`);
  const fields = error.errors.map((e) => `${e.field}: ${e.message}`);
  return { title, detail: error.status >= 500 ? "" : error.message, fields };
}
