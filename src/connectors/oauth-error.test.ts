import { describe, expect, it } from "vitest";
import { oauthErrorOf, oauthErrorText, readOAuthError } from "./oauth-error.js";

describe("an OAuth token endpoint's refusal (RFC 6749 §5.2)", () => {
  it("reads Google's, Okta's and Entra's error bodies alike: the code, and the description's first line", () => {
    expect(oauthErrorOf({ error: "invalid_grant", error_description: "Invalid JWT Signature." })).toEqual({
      error: "invalid_grant",
      description: "Invalid JWT Signature.",
    });
    const entra = {
      error: "invalid_client",
      error_description: "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 0c4f\r\nCorrelation ID: 9a1e",
      error_codes: [7000215],
    };
    expect(oauthErrorText(oauthErrorOf(entra))).toBe("AADSTS7000215: Invalid client secret provided. (invalid_client)");
  });

  it("says what it was given: the code alone, the description alone, or nothing", () => {
    expect(oauthErrorText(oauthErrorOf({ error: "invalid_scope" }))).toBe("invalid_scope");
    expect(oauthErrorText(oauthErrorOf({ error_description: "Client is unauthorized" }))).toBe(
      "Client is unauthorized",
    );
    expect(oauthErrorText(oauthErrorOf({ error: 7, error_description: ["x"] }))).toBe("");
    expect(oauthErrorOf(null)).toEqual({ error: "", description: "" });
  });

  it("cuts a long code or description short, so an endpoint cannot fill a run's message", () => {
    const read = oauthErrorOf({ error: "e".repeat(500), error_description: "d".repeat(5000) });
    expect(read.error).toHaveLength(60);
    expect(read.description).toHaveLength(300);
  });

  it("reads a refused answer's body, and a body that is not JSON as no error", async () => {
    const json = new Response(
      JSON.stringify({ error: "invalid_client", error_description: "The client_assertion signature is invalid." }),
      { status: 401 },
    );
    expect(await readOAuthError(json)).toEqual({
      error: "invalid_client",
      description: "The client_assertion signature is invalid.",
    });
    expect(await readOAuthError(new Response("<html>Bad Gateway</html>", { status: 502 }))).toEqual({
      error: "",
      description: "",
    });
  });
});
