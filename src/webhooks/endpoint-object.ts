import type { WebhookEndpointRow } from "../storage/schema.js";

/** A webhook endpoint as the API shows it; `secret` only in the answer that created it. */
export interface WebhookEndpoint {
  readonly object: "webhook_endpoint";
  readonly id: string;
  readonly organization_id: string | null;
  readonly url: string;
  /** WorkOS's name for `url`. */
  readonly endpoint_url: string;
  readonly events: string[];
  readonly enabled: boolean;
  /** An admin let it reach private addresses (`ROSTER_OUTBOUND_PRIVATE`). */
  readonly private_network: boolean;
  readonly disabled_reason: string | null;
  readonly disabled_at: string | null;
  readonly secret?: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export function toWebhookEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    object: "webhook_endpoint",
    id: row.id,
    organization_id: row.organization_id,
    url: row.url,
    endpoint_url: row.url,
    events: JSON.parse(row.events) as string[],
    enabled: row.enabled === 1,
    private_network: row.private_network === 1,
    disabled_reason: row.disabled_reason,
    disabled_at: row.disabled_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
