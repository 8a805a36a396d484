import type { Deps } from "../core/deps.js";
import type { SecretKeyring } from "../crypto/secret-key.js";
import { createDeliveryLog, type DeliveryLog } from "./delivery-log.js";
import { createWebhookTester, type WebhookTester } from "./test-delivery.js";
import { createWebhookEndpointService, type WebhookEndpointService } from "./endpoint-service.js";

/** What the `/webhook_endpoints` routes call. */
export interface WebhookApi {
  readonly endpoints: WebhookEndpointService;
  readonly deliveries: DeliveryLog;
  readonly tester: WebhookTester;
}

export function createWebhookApi(deps: Deps, keyring: SecretKeyring): WebhookApi {
  const endpoints = createWebhookEndpointService({
    db: deps.db,
    clock: deps.clock,
    ids: deps.ids,
    keyring,
    outboundPrivate: deps.config.outboundPrivate,
  });
  return Object.freeze({
    endpoints,
    deliveries: createDeliveryLog(deps, endpoints),
    tester: createWebhookTester(deps, keyring),
  });
}
