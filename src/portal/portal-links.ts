import { type AuditContext, recordAudit } from "../audit/audit-entry.js";
import { hashSecret, mintSecret } from "../auth/secrets.js";
import type { Deps } from "../core/deps.js";
import { Errors } from "../core/errors.js";
import type { PortalLinkRow } from "../storage/schema.js";
import type { WebSessions } from "../web/web-sessions.js";

/** How long a link can wait to be opened, and how long the session it opens lasts. */
export const LINK_TTL_MS = 5 * 60_000;
export const PORTAL_SESSION_TTL_MS = 60 * 60_000;

export interface GenerateLinkInput {
  readonly organizationId: string;
  readonly intent: "dsync";
  readonly returnUrl?: string | undefined;
  readonly successUrl?: string | undefined;
}

export type OpenedLink =
  | { readonly ok: true; readonly sessionToken: string; readonly link: PortalLinkRow }
  | { readonly ok: false; readonly reason: "unknown" | "used" | "expired"; readonly link: PortalLinkRow | null };

/**
 * Setup links: a secret in a URL the application hands its customer's IT admin. Single use, stored
 * as its SHA-256, openable for five minutes; opening it starts a portal session for its organization.
 */
export function createPortalLinks(deps: Deps, sessions: WebSessions) {
  const { db, clock, ids, config } = deps;
  return {
    /** Mints a link for `organizationId`, which must exist inside `scope` (null: the admin). */
    async generate(
      input: GenerateLinkInput,
      scope: string | null,
      audit?: AuditContext | null,
    ): Promise<{ link: string; row: PortalLinkRow }> {
      if (scope !== null && scope !== input.organizationId) throw Errors.notFound("Organization", input.organizationId);
      const org = await db
        .selectFrom("organizations")
        .select("id")
        .where("id", "=", input.organizationId)
        .executeTakeFirst();
      if (!org) throw Errors.notFound("Organization", input.organizationId);
      const secret = mintSecret("portalLink");
      const now = clock.now();
      const row: PortalLinkRow = {
        id: ids("portalLink"),
        token_hash: hashSecret(secret),
        organization_id: input.organizationId,
        intent: input.intent,
        return_url: input.returnUrl ?? null,
        success_url: input.successUrl ?? null,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + LINK_TTL_MS).toISOString(),
        opened_at: null,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto("portal_links").values(row).execute();
        await recordAudit(trx, deps, audit, {
          action: "portal.link.created",
          targetId: row.id,
          organizationId: row.organization_id,
        });
      });
      return { link: `${config.publicUrl}/portal/launch?secret=${encodeURIComponent(secret)}`, row };
    },

    /**
     * Opens a link once: the one conditional update decides, so two browsers racing get one session.
     * The claim, the session and the audit entry commit together: a claimed link always has its
     * entry and its session, and a failure leaves the link unclaimed.
     */
    async open(
      secret: string,
      request?: { readonly requestId: string | null; readonly sourceIp: string | null },
    ): Promise<OpenedLink> {
      const hash = hashSecret(secret);
      const now = clock.now().toISOString();
      return db.transaction().execute(async (trx): Promise<OpenedLink> => {
        const claimed = await trx
          .updateTable("portal_links")
          .set({ opened_at: now })
          .where("token_hash", "=", hash)
          .where("opened_at", "is", null)
          .where("expires_at", ">", now)
          .executeTakeFirst();
        const link =
          (await trx.selectFrom("portal_links").selectAll().where("token_hash", "=", hash).executeTakeFirst()) ?? null;
        if (Number(claimed.numUpdatedRows) !== 1 || !link) {
          const reason = !link ? "unknown" : link.opened_at !== null ? "used" : "expired";
          return { ok: false, reason, link };
        }
        const { token, row: session } = await sessions.start(
          { kind: "portal", organizationId: link.organization_id, linkId: link.id, ttlMs: PORTAL_SESSION_TTL_MS },
          trx,
        );
        // The session the link opened is who acts from here on.
        const opener = request ? { actorKind: "portal_session" as const, actorId: session.id, ...request } : null;
        await recordAudit(trx, deps, opener, {
          action: "portal.link.opened",
          targetId: link.id,
          organizationId: link.organization_id,
        });
        return { ok: true, sessionToken: token, link };
      });
    },
  };
}

export type PortalLinks = ReturnType<typeof createPortalLinks>;
