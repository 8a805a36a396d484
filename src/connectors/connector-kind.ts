import type { FieldError } from "../core/errors.js";
import type { ConnectorSource } from "./source.js";

/** What Roster needs to know about one pull directory type. */
export interface ConnectorKind {
  /** Keys of the `connector` object that hold credentials: sealed at rest, never returned by the API. */
  readonly secretKeys: readonly string[];
  /** Whether a directory of this type may be created without any connector settings (CSV: uploads only). */
  readonly settingsOptional?: boolean;
  /** Field errors of the type's own keys (paths start with `connector.`); the common sync keys are checked elsewhere. */
  validate(config: Readonly<Record<string, unknown>>): FieldError[];
  /** A source over the stored settings; `upload` is a body sent with `POST /directories/{id}/csv`. */
  open(config: Readonly<Record<string, unknown>>, options: { readonly upload?: string | undefined }): ConnectorSource;
}

export type ConnectorKinds = Readonly<Record<string, ConnectorKind>>;
