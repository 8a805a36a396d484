import { Errors } from "../core/errors.js";

/**
 * An endpoint URL: absolute http(s), no credentials in it (they would be logged and shown back).
 * Where it may point is the outbound policy's question (`urlHostFieldError`, and the sender's guarded lookup).
 */
export function checkEndpointUrl(raw: string, field = "url"): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw Errors.validation("The endpoint URL is invalid", [
      { field, code: "format", message: "must be an absolute http(s) URL" },
    ]);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw Errors.validation("The endpoint URL is invalid", [
      { field, code: "format", message: "must use http or https" },
    ]);
  }
  if (url.username || url.password) {
    throw Errors.validation("The endpoint URL is invalid", [
      { field, code: "format", message: "must not carry credentials" },
    ]);
  }
  return url.toString();
}
