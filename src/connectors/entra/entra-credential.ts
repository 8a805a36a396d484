import { createHash, type KeyObject, X509Certificate } from "node:crypto";
import { readRsaPrivateKey } from "../private-key.js";
import { SourceError } from "../source.js";
import type { EntraConfig } from "./entra-config.js";

/** How the app registration proves itself to the token endpoint: a client secret, or a certificate's private key. */
export type EntraCredential =
  | { readonly kind: "secret"; readonly secret: string }
  | {
      readonly kind: "certificate";
      readonly key: KeyObject;
      /** `x5t#S256`: the base64url SHA-256 of the certificate's DER, which names it to Entra. */
      readonly thumbprint: string;
    };

export type ReadCertificate =
  | { readonly ok: true; readonly credential: EntraCredential }
  | { readonly ok: false; readonly field: "certificate" | "private_key"; readonly message: string };

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/**
 * The certificate uploaded to the app registration (PEM; the first one when a chain is pasted) and
 * its private key (PEM or JWK), checked to belong together. Messages never quote the key.
 */
export function readCertificateCredential(certificate: unknown, privateKey: unknown): ReadCertificate {
  const pem = typeof certificate === "string" ? PEM_CERTIFICATE.exec(certificate)?.[0] : undefined;
  if (pem === undefined)
    return {
      ok: false,
      field: "certificate",
      message: "must be the certificate uploaded to the app registration, in PEM (-----BEGIN CERTIFICATE----- …)",
    };
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pem);
  } catch {
    return { ok: false, field: "certificate", message: "is not a readable X.509 certificate" };
  }
  const key = readRsaPrivateKey(privateKey);
  if (!key.ok) return { ok: false, field: "private_key", message: key.message };
  if (!x509.checkPrivateKey(key.key))
    return { ok: false, field: "private_key", message: "is not the private key of the certificate given" };
  return {
    ok: true,
    credential: {
      kind: "certificate",
      key: key.key,
      thumbprint: createHash("sha256").update(x509.raw).digest("base64url"),
    },
  };
}

/** The credential of checked settings. */
export function entraCredential(config: EntraConfig): EntraCredential {
  if (config.client_secret !== undefined) return { kind: "secret", secret: config.client_secret };
  const read = readCertificateCredential(config.certificate, config.private_key);
  if (!read.ok) throw new SourceError("misconfigured", `connector.${read.field} ${read.message}`);
  return read.credential;
}
