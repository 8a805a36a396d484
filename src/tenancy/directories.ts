import type { ScimTokenCache } from "../auth/scim-token-cache.js";
import { issueScimToken, retireScimTokens } from "../auth/scim-tokens.js";
import type { Deps } from "../core/deps.js";
import { AppError, Errors } from "../core/errors.js";
import { createDirectoryStore, type DirectoryStore, withMapping } from "../directory/index.js";
import { appendEvents } from "../directory/outbox.js";
import { type AuditContext, recordAudit } from "../audit/audit-entry.js";
import { outboundPolicy } from "../outbound/outbound-policy.js";
import { containsText } from "../storage/like.js";
import { type Page, type PageRequest, paginate } from "../storage/paginate.js";
import type { DirectoryRow } from "../storage/schema.js";
import { lastActivityOf } from "./directory-activity.js";
import { countDirectoryMembers } from "./directory-counts.js";
import { type MappingPatch, mappingChangeOf, mappingNeedsReapply } from "./directory-mapping-change.js";
import { type DirectoryObject, EMPTY_COUNTS, scimBaseUrl, toDirectoryObject } from "./directory-object.js";
import { type DeactivatedMembersPolicy, type DirectoryType, isIngestType } from "../directory/directory-types.js";
import type { PullDirectories } from "./pull-directories.js";
import { type MappingPreviewInput, previewDirectoryMapping } from "./mapping-preview.js";
import type { DirectoryUserWithGroups } from "../directory/user-reader.js";

export interface CreateDirectoryInput {
  readonly organization_id: string;
  readonly name: string;
  readonly type: DirectoryType;
  readonly domain?: string | null | undefined;
  readonly deactivated_members?: DeactivatedMembersPolicy | undefined;
  /** Pull types: the connector settings. */
  readonly connector?: Record<string, unknown> | undefined;
  /** Pull types, admin only: the connector may reach private addresses (`ROSTER_OUTBOUND_PRIVATE`). */
  readonly private_network?: boolean | undefined;
}

export interface UpdateDirectoryInput extends MappingPatch {
  readonly name?: string | undefined;
  readonly domain?: string | null | undefined;
  readonly deactivated_members?: DeactivatedMembersPolicy | undefined;
  /** Pull types: keys given replace the stored ones, `null` removes one, omitted credentials stay. */
  readonly connector?: Record<string, unknown> | undefined;
  /** Admin only, as on create. */
  readonly private_network?: boolean | undefined;
}

export interface DirectoryFilter {
  readonly scope: string | null;
  readonly organizationId?: string | undefined;
  readonly search?: string | undefined;
  readonly includeDeleted?: boolean | undefined;
}

/** The `private_network` flag is the admin's to give: an organization key (or a portal session) is refused. */
function checkPrivateNetworkAllowed(value: boolean | undefined, scope: string | null): void {
  if (value !== undefined && scope !== null) throw Errors.forbidden("Only the admin key may set private_network");
}

/** Whether a connector PATCH points one of its URLs somewhere new (the admin's flag vouched for the old one). */
function changesUrl(current: Record<string, unknown>, patch: Record<string, unknown>): boolean {
  return Object.entries(patch).some(
    ([key, value]) =>
      value !== current[key] &&
      [value, current[key]].some((v) => typeof v === "string" && /^[a-z][a-z0-9+.-]*:\/\//i.test(v)),
  );
}

/** What the service works with besides `deps`; the app passes all three, tests and tools may pass none. */
export interface DirectoryServiceParts {
  readonly pull?: PullDirectories | undefined;
  readonly scimTokens?: Pick<ScimTokenCache, "forget"> | undefined;
  /** The process's store (a tool without one gets its own). */
  readonly store?: DirectoryStore | undefined;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed)
    throw Errors.validation("name must not be empty", [
      { field: "name", code: "required", message: "must not be empty" },
    ]);
  return trimmed;
}

/**
 * Directories: create (with the SCIM token, once), list, get, update, soft delete, restore, rotate.
 * `scimTokens` is told after each commit that changes who a directory's tokens open it for.
 */
export function createDirectoryService(
  deps: Deps,
  { pull, scimTokens, store = createDirectoryStore(deps) }: DirectoryServiceParts = {},
) {
  const { db, clock, ids, config } = deps;

  async function present(rows: readonly DirectoryRow[]): Promise<DirectoryObject[]> {
    const ids = rows.map((r) => r.id);
    const [counts, activity] = await Promise.all([countDirectoryMembers(db, ids), lastActivityOf(db, ids)]);
    return rows.map((r) => {
      const scimBase = isIngestType(r.type) ? scimBaseUrl(config.publicUrl, r.id) : null;
      const directory = toDirectoryObject(
        r,
        counts.get(r.id) ?? EMPTY_COUNTS,
        scimBase,
        config.restoreDays,
        activity.get(r.id) ?? null,
      );
      return r.connector !== null && pull ? { ...directory, connector: pull.present(r) } : directory;
    });
  }

  async function findRow(id: string, scope: string | null): Promise<DirectoryRow> {
    let query = db.selectFrom("directories").selectAll().where("id", "=", id);
    if (scope !== null) query = query.where("organization_id", "=", scope);
    const row = await query.executeTakeFirst();
    if (!row) throw Errors.notFound("Directory", id);
    return row;
  }

  async function get(id: string, scope: string | null): Promise<DirectoryObject> {
    const [directory] = await present([await findRow(id, scope)]);
    if (!directory) throw Errors.notFound("Directory", id);
    return directory;
  }

  function requireLive(row: DirectoryRow): void {
    if (row.deleted_at !== null)
      throw new AppError(409, "directory_deleted", `Directory ${row.id} is deleted; restore it first`);
  }

  return {
    get,

    async create(
      input: CreateDirectoryInput,
      scope: string | null,
      audit?: AuditContext | null,
    ): Promise<DirectoryObject> {
      if (scope !== null && input.organization_id !== scope)
        throw Errors.notFound("Organization", input.organization_id);
      checkPrivateNetworkAllowed(input.private_network, scope);
      const ingest = isIngestType(input.type);
      if (ingest && input.private_network !== undefined) {
        throw Errors.validation(`Directory type "${input.type}" receives SCIM pushes and reaches no address`, [
          { field: "private_network", code: "not_allowed", message: "only pull directories take private_network" },
        ]);
      }
      if (ingest && input.connector !== undefined) {
        throw Errors.validation(`Directory type "${input.type}" receives SCIM pushes and takes no connector`, [
          { field: "connector", code: "not_allowed", message: "only pull directory types take a connector" },
        ]);
      }
      if (!ingest && !pull) {
        throw Errors.validation(
          `Directory type "${input.type}" needs a pull connector, which this server does not offer`,
          [{ field: "type", code: "unsupported", message: "pull connectors are not available" }],
        );
      }
      const org = await db
        .selectFrom("organizations")
        .select("id")
        .where("id", "=", input.organization_id)
        .executeTakeFirst();
      if (!org) throw Errors.notFound("Organization", input.organization_id);
      const now = clock.now().toISOString();
      const name = checkName(input.name);
      const id = ids("directory");
      // What the admin key creates may reach private addresses unless it says otherwise; an organization key's never.
      const privateNetwork = !ingest && (input.private_network ?? scope === null);
      const row: DirectoryRow = {
        id,
        organization_id: input.organization_id,
        name,
        name_lower: name.toLowerCase(),
        type: input.type,
        // Until the IdP's first authenticated SCIM request, or the connector's first successful sync.
        state: "unlinked",
        domain: input.domain?.trim().toLowerCase() || null,
        deactivated_members: input.deactivated_members ?? "hide",
        settings: "{}",
        connector: ingest
          ? null
          : (pull as PullDirectories).seal(
              input.type,
              id,
              input.connector,
              outboundPolicy(config.outboundPrivate, privateNetwork, "directory"),
            ),
        linked_at: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
        private_network: privateNetwork ? 1 : 0,
      };
      if (!ingest) {
        const directory = {
          ...toDirectoryObject(row, EMPTY_COUNTS, null, config.restoreDays),
          connector: (pull as PullDirectories).present(row),
        };
        await db.transaction().execute(async (trx) => {
          await trx.insertInto("directories").values(row).execute();
          await (pull as PullDirectories).schedule(trx, row);
          await appendEvents(trx, deps, [
            { event: "dsync.activated", organizationId: row.organization_id, directoryId: row.id, data: directory },
          ]);
          await recordAudit(trx, deps, audit, {
            action: "directory.created",
            targetId: row.id,
            organizationId: row.organization_id,
          });
        });
        return directory;
      }
      const directory = toDirectoryObject(row, EMPTY_COUNTS, scimBaseUrl(config.publicUrl, row.id), config.restoreDays);
      const token = await db.transaction().execute(async (trx) => {
        await trx.insertInto("directories").values(row).execute();
        const minted = await issueScimToken(trx, deps, row.id);
        await recordAudit(trx, deps, audit, {
          action: "directory.created",
          targetId: row.id,
          organizationId: row.organization_id,
        });
        await appendEvents(trx, deps, [
          { event: "dsync.activated", organizationId: row.organization_id, directoryId: row.id, data: directory },
          {
            event: "dsync.token.created",
            organizationId: row.organization_id,
            directoryId: row.id,
            data: { directory_id: row.id, last4: minted.last4 },
          },
        ]);
        return minted.token;
      });
      scimTokens?.forget(id);
      return { ...directory, scim: { base_url: scimBaseUrl(config.publicUrl, row.id), token } };
    },

    async list(filter: DirectoryFilter, page: PageRequest): Promise<Page<DirectoryObject>> {
      let query = db.selectFrom("directories").selectAll();
      if (filter.scope !== null) query = query.where("organization_id", "=", filter.scope);
      if (filter.organizationId) query = query.where("organization_id", "=", filter.organizationId);
      if (!filter.includeDeleted) query = query.where("deleted_at", "is", null);
      if (filter.search) query = query.where(containsText("name_lower", filter.search));
      const result = await paginate(query, "id", page);
      return { ...result, data: await present(result.data) };
    },

    /** Changes a live directory; a changed mapping is re-applied to its users before the answer. */
    async update(
      id: string,
      scope: string | null,
      patch: UpdateDirectoryInput,
      audit?: AuditContext | null,
    ): Promise<DirectoryObject> {
      const row = await findRow(id, scope);
      requireLive(row);
      checkPrivateNetworkAllowed(patch.private_network, scope);
      const mapping = mappingChangeOf(patch);
      const changes: Partial<DirectoryRow> = { updated_at: clock.now().toISOString() };
      if (patch.name !== undefined) {
        changes.name = checkName(patch.name);
        changes.name_lower = changes.name.toLowerCase();
      }
      if (patch.domain !== undefined) changes.domain = patch.domain?.trim().toLowerCase() || null;
      if (patch.deactivated_members !== undefined) changes.deactivated_members = patch.deactivated_members;
      if (mapping) changes.settings = withMapping(row.settings, mapping);
      if ((patch.connector !== undefined || patch.private_network !== undefined) && (row.connector === null || !pull)) {
        const field = patch.connector !== undefined ? "connector" : "private_network";
        throw Errors.validation(`Directory ${id} receives SCIM pushes and takes no ${field}`, [
          { field, code: "not_allowed", message: `only pull directories take ${field}` },
        ]);
      }
      if (patch.private_network !== undefined) changes.private_network = patch.private_network ? 1 : 0;
      // An organization pointing a connector elsewhere loses the admin's leave, which was for the old address.
      if (patch.connector !== undefined && scope !== null && pull && changesUrl(pull.present(row), patch.connector))
        changes.private_network = 0;
      const positionMoved = patch.connector !== undefined && pull?.movesPosition(row, patch.connector) === true;
      if (patch.connector !== undefined && pull) {
        const privateNetwork = (changes.private_network ?? row.private_network) === 1;
        changes.connector = pull.reseal(
          row,
          patch.connector,
          outboundPolicy(config.outboundPrivate, privateNetwork, "directory"),
        );
      }
      // Settings hold more than mappings: a concurrent PATCH must not be overwritten from a stale read.
      await db.transaction().execute(async (trx) => {
        let guarded = trx
          .updateTable("directories")
          .set(changes)
          .where("id", "=", id)
          .where("settings", "=", row.settings);
        if (changes.connector && row.connector) guarded = guarded.where("connector", "=", row.connector);
        const result = await guarded.executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1)
          throw Errors.conflict(`Directory ${id} was changed concurrently; retry`);
        // Delta links or a clock of the old address mean nothing at the new one.
        if (positionMoved && pull) await pull.forgetPosition(trx, id);
        await recordAudit(trx, deps, audit, {
          action: "directory.updated",
          targetId: id,
          organizationId: row.organization_id,
        });
      });
      // The deactivated-members policy travels with a verified token.
      scimTokens?.forget(id);
      if (changes.connector && pull) await pull.schedule(db, { ...row, connector: changes.connector });
      const after = {
        settings: changes.settings ?? row.settings,
        deactivated_members: changes.deactivated_members ?? row.deactivated_members,
      };
      if (mappingNeedsReapply(row, after)) {
        await store.reapplyMapping({
          id,
          organizationId: row.organization_id,
          deactivatedMembers: after.deactivated_members as DeactivatedMembersPolicy,
        });
      }
      return get(id, scope);
    },

    /** The user under the given mappings, saved nowhere (`POST /directories/{id}/mapping_preview`). */
    async previewMapping(
      id: string,
      scope: string | null,
      input: MappingPreviewInput,
    ): Promise<DirectoryUserWithGroups> {
      const row = await findRow(id, scope);
      requireLive(row);
      return previewDirectoryMapping(deps, row, input, scope);
    },

    /** Soft delete: state `deleting`, tokens stop working, restorable for ROSTER_RESTORE_DAYS. */
    async remove(id: string, scope: string | null, audit?: AuditContext | null): Promise<DirectoryObject> {
      const row = await findRow(id, scope);
      requireLive(row);
      const now = clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable("directories")
          .set({ state: "deleting", deleted_at: now, updated_at: now })
          .where("id", "=", id)
          .execute();
        const data = toDirectoryObject(
          { ...row, state: "deleting", deleted_at: now, updated_at: now },
          EMPTY_COUNTS,
          null,
          config.restoreDays,
        );
        await appendEvents(trx, deps, [
          { event: "dsync.deleted", organizationId: row.organization_id, directoryId: id, data },
        ]);
        await recordAudit(trx, deps, audit, {
          action: "directory.deleted",
          targetId: id,
          organizationId: row.organization_id,
        });
      });
      scimTokens?.forget(id);
      return get(id, scope);
    },

    async restore(id: string, scope: string | null, audit?: AuditContext | null): Promise<DirectoryObject> {
      const row = await findRow(id, scope);
      if (row.deleted_at === null) throw new AppError(409, "directory_not_deleted", `Directory ${id} is not deleted`);
      const now = clock.now().toISOString();
      // Back to what it was before the deletion: linked once it had heard from its source.
      const state = row.linked_at === null ? "unlinked" : "linked";
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable("directories")
          .set({ state, deleted_at: null, updated_at: now })
          .where("id", "=", id)
          .execute();
        const data = toDirectoryObject(
          { ...row, state, deleted_at: null, updated_at: now },
          EMPTY_COUNTS,
          null,
          config.restoreDays,
        );
        await appendEvents(trx, deps, [
          { event: "dsync.activated", organizationId: row.organization_id, directoryId: id, data },
        ]);
        await recordAudit(trx, deps, audit, {
          action: "directory.restored",
          targetId: id,
          organizationId: row.organization_id,
        });
      });
      return get(id, scope);
    },

    /** A new SCIM token, shown once; the old ones end now or after the grace period. */
    async rotateScimToken(
      id: string,
      scope: string | null,
      graceSeconds: number,
      audit?: AuditContext | null,
    ): Promise<{ base_url: string; token: string; previous_token_expires_at: string | null }> {
      const row = await findRow(id, scope);
      requireLive(row);
      if (!isIngestType(row.type))
        throw new AppError(409, "not_an_ingest_directory", `Directory ${id} has no SCIM endpoint`);
      const token = await db.transaction().execute(async (trx) => {
        const retired = await retireScimTokens(trx, clock, id, graceSeconds);
        const minted = await issueScimToken(trx, deps, id);
        await appendEvents(trx, deps, [
          ...retired.map((last4) => ({
            event: "dsync.token.revoked" as const,
            organizationId: row.organization_id,
            directoryId: id,
            data: { directory_id: id, last4, grace_seconds: graceSeconds },
          })),
          {
            event: "dsync.token.created",
            organizationId: row.organization_id,
            directoryId: id,
            data: { directory_id: id, last4: minted.last4 },
          },
        ]);
        await recordAudit(trx, deps, audit, {
          action: "directory.scim_token.rotated",
          targetId: id,
          organizationId: row.organization_id,
        });
        return minted.token;
      });
      scimTokens?.forget(id);
      const expires = graceSeconds > 0 ? new Date(clock.now().getTime() + graceSeconds * 1000).toISOString() : null;
      return { base_url: scimBaseUrl(config.publicUrl, id), token, previous_token_expires_at: expires };
    },

    /** Hard-deletes directories whose restore window has passed; returns how many. */
    async purgeExpired(): Promise<number> {
      const cutoff = new Date(clock.now().getTime() - config.restoreDays * 86_400_000).toISOString();
      const result = await db
        .deleteFrom("directories")
        .where("deleted_at", "is not", null)
        .where("deleted_at", "<", cutoff)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
