import type { DeliveryEvent } from "./delivery-claim.js";

/**
 * The POST body `{id, event, data, created_at}`, built around the stored JSON text of
 * `data` instead of parsing and serializing it again. The outbox stored `JSON.stringify` output,
 * so this is byte for byte what `JSON.stringify` of the whole object gives, which the WorkOS
 * SDK's signature check relies on.
 */
export function webhookBody(event: DeliveryEvent): string {
  return `{"id":${JSON.stringify(event.id)},"event":${JSON.stringify(event.event)},"data":${event.data},"created_at":${JSON.stringify(event.created_at)}}`;
}
