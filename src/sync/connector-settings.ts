import { Errors, type FieldError } from "../core/errors.js";
import type { SecretBox } from "../crypto/secret-box.js";
import { readSyncSettings, SYNC_SETTING_KEYS, type SyncSettings } from "./sync-settings.js";
import type { ConnectorKind, ConnectorKinds } from "../connectors/connector-kind.js";
import { connectorSealContext } from "../storage/sealed-columns.js";

export type ConnectorConfig = Readonly<Record<string, unknown>>;

/** The sealed value is bound to its directory: a sealed connector copied onto another row does not open. */
const sealContext = connectorSealContext;

function kindOf(kinds: ConnectorKinds, type: string): ConnectorKind {
  const kind = kinds[type];
  if (!kind)
    throw Errors.validation(`Directory type "${type}" has no pull connector on this server`, [
      { field: "type", code: "unsupported", message: "no connector for this type" },
    ]);
  return kind;
}

/** The connector's own settings: what its kind validates and opens a source with. */
export function withoutCommonKeys(config: ConnectorConfig): Record<string, unknown> {
  const own = { ...config };
  for (const key of SYNC_SETTING_KEYS) delete own[key];
  return own;
}

/** Checks a whole connector object for `type`: its own keys and the common sync settings. */
export function checkConnector(kinds: ConnectorKinds, type: string, config: ConnectorConfig): SyncSettings {
  const kind = kindOf(kinds, type);
  const { settings, errors } = readSyncSettings(config);
  const all: FieldError[] = [...kind.validate(withoutCommonKeys(config)), ...errors];
  if (all.length > 0) throw Errors.validation(`The connector settings for "${type}" are not valid`, all);
  return settings;
}

/** A PATCH's connector object over the stored one: keys given replace, `null` removes, omitted secrets stay. */
export function mergeConnector(stored: ConnectorConfig, patch: ConnectorConfig): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** Whether a PATCH's connector changes a setting that says where the source is (the kind's `positionKeys`). */
export function movesPosition(
  kinds: ConnectorKinds,
  type: string,
  stored: ConnectorConfig,
  patch: ConnectorConfig,
): boolean {
  const keys = kinds[type]?.positionKeys ?? [];
  return keys.some((key) => key in patch && JSON.stringify(patch[key] ?? null) !== JSON.stringify(stored[key] ?? null));
}

/** What the API shows: everything but credentials, which appear only as `<key>_set: true`. */
export function publicConnector(kinds: ConnectorKinds, type: string, config: ConnectorConfig): Record<string, unknown> {
  const secretKeys = kinds[type]?.secretKeys ?? [];
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (secretKeys.includes(key)) shown[`${key}_set`] = true;
    else shown[key] = value;
  }
  return shown;
}

export function sealConnector(box: SecretBox, directoryId: string, config: ConnectorConfig): string {
  return box.seal(JSON.stringify(config), sealContext(directoryId));
}

export function openConnector(box: SecretBox, directoryId: string, sealed: string): Record<string, unknown> {
  return JSON.parse(box.open(sealed, sealContext(directoryId))) as Record<string, unknown>;
}
