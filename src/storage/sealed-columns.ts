/**
 * Every stored value sealed with the secret box (src/crypto/secret-box.ts), with the context its
 * seal is bound to: what `roster secrets rotate` walks to re-seal under a new ROSTER_SECRET_KEY.
 * A new sealed column must be listed here, or a rotation would leave it behind.
 */
export interface SealedColumn {
  readonly table: "webhook_endpoints" | "directories";
  readonly column: string;
  /** The seal's context for the row with this id (binds a value to its row). */
  context(id: string): string;
}

export const connectorSealContext = (directoryId: string): string => `connector:${directoryId}`;

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: "webhook_endpoints", column: "secret_sealed", context: (id) => id },
  { table: "directories", column: "connector", context: connectorSealContext },
];
