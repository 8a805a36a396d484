import { createPrivateKey, type KeyObject } from "node:crypto";

/** What Roster uses of a Google service account's JSON key file (the file holds more: project_id, client_id, auth_uri…). */
export interface ServiceAccountKey {
  /** The service account's address: the JWT's `iss`. */
  readonly clientEmail: string;
  /** Sent as the JWT header's `kid`, so Google picks the right public key at once. */
  readonly privateKeyId: string | null;
  readonly privateKey: KeyObject;
  /** The token endpoint the key file names (Google's is https://oauth2.googleapis.com/token), if it names one. */
  readonly tokenUri: string | null;
}

export type ReadKey =
  | { readonly ok: true; readonly key: ServiceAccountKey }
  | { readonly ok: false; readonly message: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads the key file, given as its text (what the console downloads) or as the parsed object.
 * A failure says what is wrong without quoting the file: it holds the private key.
 */
export function readServiceAccountKey(input: unknown): ReadKey {
  let file: unknown = input;
  if (typeof input === "string") {
    try {
      file = JSON.parse(input);
    } catch {
      return { ok: false, message: "is not JSON: paste the whole JSON key file of the service account" };
    }
  }
  if (!isObject(file)) return { ok: false, message: "must be the service account's JSON key file (an object)" };
  if (file.type !== "service_account")
    return { ok: false, message: 'is not a service account key (its "type" must be "service_account")' };
  const clientEmail = typeof file.client_email === "string" ? file.client_email.trim() : "";
  if (!clientEmail.includes("@")) return { ok: false, message: "has no client_email" };
  if (typeof file.private_key !== "string" || file.private_key.trim() === "")
    return { ok: false, message: "has no private_key" };
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: file.private_key, format: "pem" });
  } catch {
    return { ok: false, message: "has a private_key that is not a PEM private key" };
  }
  if (privateKey.asymmetricKeyType !== "rsa")
    return {
      ok: false,
      message: "has a private_key that is not an RSA key (Google signs service account JWTs with RS256)",
    };
  const tokenUri = typeof file.token_uri === "string" && file.token_uri.trim() !== "" ? file.token_uri.trim() : null;
  if (tokenUri !== null && !/^https?:\/\//i.test(tokenUri))
    return { ok: false, message: "has a token_uri that is not an http(s) URL" };
  const privateKeyId =
    typeof file.private_key_id === "string" && file.private_key_id !== "" ? file.private_key_id : null;
  return { ok: true, key: { clientEmail, privateKeyId, privateKey, tokenUri } };
}
