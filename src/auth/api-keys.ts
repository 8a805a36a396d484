import { type AuditContext, recordAudit } from "../audit/audit-entry.js";
import type { Deps } from "../core/deps.js";
import { Errors } from "../core/errors.js";
import type { Page, PageRequest } from "../storage/paginate.js";
import { paginate } from "../storage/paginate.js";
import type { ApiKeyRow } from "../storage/schema.js";
import { hashSecret, hashesEqual, lastFour, mintSecret } from "./secrets.js";

export interface ApiKey {
  readonly object: "api_key";
  readonly id: string;
  readonly organization_id: string;
  readonly name: string;
  /** `sk_…`, present only in the answer that created it. */
  readonly key?: string;
  readonly last4: string;
  readonly created_at: string;
  readonly last_used_at: string | null;
}

function toApiKey(row: ApiKeyRow, key?: string): ApiKey {
  return {
    object: "api_key",
    id: row.id,
    organization_id: row.organization_id,
    name: row.name,
    ...(key ? { key } : {}),
    last4: row.last4,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
  };
}

/** Organization API keys: minted here, shown once, stored as SHA-256, revoked by deletion. */
export function createApiKeyService(deps: Deps) {
  const { db, clock, ids } = deps;
  /** As `verify`, from the key's SHA-256 (what a console session remembers of the key that opened it). */
  async function verifyHash(hash: string): Promise<{ organizationId: string; keyId: string } | null> {
    const row = await db
      .selectFrom("api_keys")
      .select(["id", "organization_id", "key_hash", "revoked_at"])
      .where("key_hash", "=", hash)
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || !hashesEqual(row.key_hash, hash)) return null;
    return { organizationId: row.organization_id, keyId: row.id };
  }

  return {
    async create(organizationId: string, name: string, audit?: AuditContext | null): Promise<ApiKey> {
      const key = mintSecret("apiKey");
      const row: ApiKeyRow = {
        id: ids("apiKey"),
        organization_id: organizationId,
        name: name.trim() || "default",
        key_hash: hashSecret(key),
        last4: lastFour(key),
        created_at: clock.now().toISOString(),
        last_used_at: null,
        revoked_at: null,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto("api_keys").values(row).execute();
        await recordAudit(trx, deps, audit, { action: "api_key.created", targetId: row.id, organizationId });
      });
      return toApiKey(row, key);
    },

    async list(organizationId: string, page: PageRequest): Promise<Page<ApiKey>> {
      const query = db
        .selectFrom("api_keys")
        .selectAll()
        .where("organization_id", "=", organizationId)
        .where("revoked_at", "is", null);
      const result = await paginate(query, "id", page);
      return { ...result, data: result.data.map((r) => toApiKey(r)) };
    },

    async revoke(organizationId: string, keyId: string, audit?: AuditContext | null): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable("api_keys")
          .set({ revoked_at: clock.now().toISOString() })
          .where("id", "=", keyId)
          .where("organization_id", "=", organizationId)
          .where("revoked_at", "is", null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) throw Errors.notFound("API key", keyId);
        await recordAudit(trx, deps, audit, { action: "api_key.revoked", targetId: keyId, organizationId });
      });
    },

    /** The key's organization, or null for an unknown or revoked key. */
    async verify(presented: string): Promise<{ organizationId: string; keyId: string } | null> {
      return verifyHash(hashSecret(presented));
    },

    verifyHash,
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
