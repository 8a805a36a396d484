/**
 * What an OAuth 2.0 token endpoint says when it refuses a grant (RFC 6749 §5.2): `error`, the
 * code (`invalid_client`, `invalid_grant`, `unauthorized_client`…), and `error_description`, words
 * for a person. Read alike for Google, Entra ID and Okta. Each is cut short; an absent or
 * unreadable one is "". Entra's description runs on over lines of trace and correlation ids:
 * only its first line is kept. None of the three echoes the credential sent.
 */
export interface OAuthError {
  readonly error: string;
  readonly description: string;
}

const NONE: OAuthError = Object.freeze({ error: "", description: "" });

/** The error fields of a parsed answer body (anything else reads as none). */
export function oauthErrorOf(body: unknown): OAuthError {
  if (typeof body !== "object" || body === null) return NONE;
  const { error, error_description: description } = body as { error?: unknown; error_description?: unknown };
  return {
    error: typeof error === "string" ? error.trim().slice(0, 60) : "",
    description: typeof description === "string" ? (description.split(/\r?\n/)[0] ?? "").trim().slice(0, 300) : "",
  };
}

/** The error fields of a refused answer, its body read (a body that is not JSON reads as none). */
export async function readOAuthError(response: Response): Promise<OAuthError> {
  const text = await response.text().catch(() => "");
  try {
    return oauthErrorOf(JSON.parse(text));
  } catch {
    return NONE;
  }
}

/** The refusal in words: "description (error)", the code alone, or "" when the answer said nothing. */
export function oauthErrorText({ error, description }: OAuthError): string {
  if (description === "") return error;
  return error === "" ? description : `${description} (${error})`;
}
