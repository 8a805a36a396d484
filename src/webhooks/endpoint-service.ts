import type { Kysely } from "kysely";
import { type AuditContext, recordAudit } from "../audit/audit-entry.js";
import type { Clock } from "../core/clock.js";
import { Errors } from "../core/errors.js";
import type { IdGenerator } from "../core/ids.js";
import type { SecretKeyring } from "../crypto/secret-key.js";
import { type Page, type PageRequest, paginate } from "../storage/paginate.js";
import type { Database, WebhookEndpointRow } from "../storage/schema.js";
import { type OutboundPrivateSetting, outboundPolicy } from "../outbound/outbound-policy.js";
import { urlHostFieldError } from "../outbound/url-host-check.js";
import { checkEndpointUrl } from "./endpoint-url.js";
import { type WebhookEndpoint, toWebhookEndpoint } from "./endpoint-object.js";
import { mintEndpointSecret } from "./signing.js";

export interface WebhookServiceDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly keyring: SecretKeyring;
  readonly outboundPrivate: OutboundPrivateSetting;
}

export interface CreateEndpointInput {
  readonly url: string;
  readonly events: readonly string[];
  readonly organizationId: string | null;
  /** Admin only: may reach private addresses while `ROSTER_OUTBOUND_PRIVATE` refuses them. */
  readonly privateNetwork?: boolean | undefined;
}

export interface EndpointPatch {
  readonly url?: string | undefined;
  readonly events?: readonly string[] | undefined;
  readonly enabled?: boolean | undefined;
  /** Admin only, as on create. */
  readonly privateNetwork?: boolean | undefined;
}

export const DISABLED_BY_REQUEST = "Disabled through the API";

/**
 * Webhook endpoints. `scope` is the caller's organization (null: the admin): an organization key
 * sees and makes only its own organization's endpoints; only the admin makes global ones.
 */
export function createWebhookEndpointService(deps: WebhookServiceDeps) {
  const { db, clock, ids, keyring } = deps;

  async function findRow(id: string, scope: string | null): Promise<WebhookEndpointRow> {
    const row = await db.selectFrom("webhook_endpoints").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row || (scope !== null && row.organization_id !== scope)) throw Errors.notFound("Webhook endpoint", id);
    return row;
  }

  /** The URL, checked; one naming a special address as written is refused unless allowed (see `outboundPolicy`). */
  function allowedUrl(raw: string, privateNetwork: boolean, field = "url"): string {
    const url = checkEndpointUrl(raw, field);
    const refused = urlHostFieldError(url, field, outboundPolicy(deps.outboundPrivate, privateNetwork, "endpoint"));
    if (refused) throw Errors.validation("The endpoint URL names a private address", [refused]);
    return url;
  }

  /** The flag is the admin's to give: an organization key is refused. */
  function checkPrivateNetworkAllowed(value: boolean | undefined, scope: string | null): void {
    if (value !== undefined && scope !== null) throw Errors.forbidden("Only the admin key may set private_network");
  }

  async function owningOrganization(requested: string | null, scope: string | null): Promise<string | null> {
    if (scope !== null && requested !== null && requested !== scope) throw Errors.notFound("Organization", requested);
    const organizationId = scope ?? requested;
    if (organizationId === null) return null;
    const org = await db.selectFrom("organizations").select("id").where("id", "=", organizationId).executeTakeFirst();
    if (!org) throw Errors.notFound("Organization", organizationId);
    return organizationId;
  }

  return {
    async get(id: string, scope: string | null): Promise<WebhookEndpoint> {
      return toWebhookEndpoint(await findRow(id, scope));
    },

    /** Creates the endpoint; the answer carries its secret, which is never shown again. */
    async create(
      input: CreateEndpointInput,
      scope: string | null,
      audit?: AuditContext | null,
    ): Promise<WebhookEndpoint> {
      checkPrivateNetworkAllowed(input.privateNetwork, scope);
      // What the admin key creates may reach private addresses unless it says otherwise; an organization key's never.
      const privateNetwork = input.privateNetwork ?? scope === null;
      const url = allowedUrl(input.url, privateNetwork);
      const organizationId = await owningOrganization(input.organizationId, scope);
      const box = keyring.box();
      const id = ids("webhookEndpoint");
      const secret = mintEndpointSecret();
      const now = clock.now().toISOString();
      // A new endpoint receives the events written after it: start past the newest one.
      const newest = await db
        .selectFrom("events")
        .select((eb) => eb.fn.max("feed_pos").as("pos"))
        .executeTakeFirst();
      const row: WebhookEndpointRow = {
        id,
        organization_id: organizationId,
        url,
        events: JSON.stringify([...new Set(input.events)]),
        secret_sealed: box.seal(secret, id),
        enabled: 1,
        disabled_reason: null,
        disabled_at: null,
        cursor_pos: newest?.pos ?? "",
        private_network: privateNetwork ? 1 : 0,
        created_at: now,
        updated_at: now,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto("webhook_endpoints").values(row).execute();
        await recordAudit(trx, deps, audit, { action: "webhook_endpoint.created", targetId: id, organizationId });
      });
      return { ...toWebhookEndpoint(row), secret };
    },

    async list(
      filter: { scope: string | null; organizationId?: string | undefined },
      page: PageRequest,
    ): Promise<Page<WebhookEndpoint>> {
      let query = db.selectFrom("webhook_endpoints").selectAll();
      if (filter.scope !== null) query = query.where("organization_id", "=", filter.scope);
      if (filter.organizationId) query = query.where("organization_id", "=", filter.organizationId);
      const result = await paginate(query, "id", page);
      return { ...result, data: result.data.map(toWebhookEndpoint) };
    },

    /**
     * Changes url, events or enabled. Re-enabling clears the reason and puts the deliveries that
     * exhausted their retries back in the queue, in order: at-least-once survives an outage.
     */
    async update(
      id: string,
      scope: string | null,
      patch: EndpointPatch,
      audit?: AuditContext | null,
    ): Promise<WebhookEndpoint> {
      const row = await findRow(id, scope);
      const now = clock.now().toISOString();
      checkPrivateNetworkAllowed(patch.privateNetwork, scope);
      const changes: Partial<WebhookEndpointRow> = { updated_at: now };
      if (patch.privateNetwork !== undefined) changes.private_network = patch.privateNetwork ? 1 : 0;
      // An organization pointing the endpoint elsewhere loses the admin's leave, which was for the old address.
      if (patch.url !== undefined && scope !== null && patch.url !== row.url) changes.private_network = 0;
      if (patch.url !== undefined)
        changes.url = allowedUrl(patch.url, (changes.private_network ?? row.private_network) === 1);
      if (patch.events !== undefined) changes.events = JSON.stringify([...new Set(patch.events)]);
      const enabling = patch.enabled === true && row.enabled === 0;
      if (enabling) Object.assign(changes, { enabled: 1, disabled_reason: null, disabled_at: null });
      if (patch.enabled === false && row.enabled === 1)
        Object.assign(changes, { enabled: 0, disabled_reason: DISABLED_BY_REQUEST, disabled_at: now });
      await db.transaction().execute(async (trx) => {
        await trx.updateTable("webhook_endpoints").set(changes).where("id", "=", id).execute();
        await recordAudit(trx, deps, audit, {
          action: "webhook_endpoint.updated",
          targetId: id,
          organizationId: row.organization_id,
        });
        if (!enabling) return;
        await trx
          .updateTable("webhook_deliveries")
          .set({ state: "pending", failures: 0, give_up_at: null, next_attempt_at: now, updated_at: now })
          .where("endpoint_id", "=", id)
          .where("state", "=", "failed")
          .execute();
      });
      return toWebhookEndpoint(await findRow(id, scope));
    },

    /** Deletes the endpoint with its deliveries and their attempts. */
    async remove(id: string, scope: string | null, audit?: AuditContext | null): Promise<void> {
      const row = await findRow(id, scope);
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("webhook_endpoints").where("id", "=", id).execute();
        await recordAudit(trx, deps, audit, {
          action: "webhook_endpoint.deleted",
          targetId: id,
          organizationId: row.organization_id,
        });
      });
    },
  };
}

export type WebhookEndpointService = ReturnType<typeof createWebhookEndpointService>;
