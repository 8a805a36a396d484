import type { FieldError } from "../core/errors.js";
import type { ConnectorSource } from "./source.js";

/**
 * One check of a connector's `test` action: a credential or a permission, named as the provider names it
 * ("scope admin.directory.group.readonly", "Directory.Read.All"), with what the provider said when it failed.
 */
export interface ConnectorCheck {
  readonly name: string;
  readonly ok: boolean;
  /** Words for a person: what was checked and, when it failed, what to grant or change. Never a secret. */
  readonly message: string;
}

/** What Roster needs to know about one pull directory type. */
export interface ConnectorKind {
  /** Keys of the `connector` object that hold credentials: sealed at rest, never returned by the API. */
  readonly secretKeys: readonly string[];
  /**
   * Settings that say where the source is or which part of it is read (`graph_url`, `org_url`,
   * `group_filter`): when one changes, the kept delta watermark belongs to the old reading and is
   * dropped, so the next run is a full one.
   */
  readonly positionKeys?: readonly string[];
  /** Whether a directory of this type may be created without any connector settings (CSV: uploads only). */
  readonly settingsOptional?: boolean;
  /** Field errors of the type's own keys (paths start with `connector.`); the common sync keys are checked elsewhere. */
  validate(config: Readonly<Record<string, unknown>>): FieldError[];
  /** A source over the stored settings; `upload` is a body sent with `POST /directories/{id}/csv`. */
  open(config: Readonly<Record<string, unknown>>, options: { readonly upload?: string | undefined }): ConnectorSource;
  /**
   * Checks the stored settings against the provider (credentials, then each permission a run needs) without
   * writing anything; one entry per check, in the order a run would need them. Types with nothing to reach omit it.
   */
  test?(
    config: Readonly<Record<string, unknown>>,
    options: { readonly signal?: AbortSignal },
  ): Promise<readonly ConnectorCheck[]>;
}

export type ConnectorKinds = Readonly<Record<string, ConnectorKind>>;
