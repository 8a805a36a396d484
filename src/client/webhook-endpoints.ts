import type { RosterEventType } from "./event-types.js";
import { segment, type Transport } from "./http.js";
import type { List, PageParams } from "./types.js";
import type {
  CreatedWebhookEndpoint,
  ReplayDeliveriesInput,
  WebhookDelivery,
  WebhookDeliveryState,
  WebhookEndpoint,
  WebhookReplayResult,
  WebhookTestResult,
} from "./webhook-types.js";

export interface CreateWebhookEndpointInput {
  /** Absolute http(s) URL without credentials; loopback and private addresses are allowed. */
  readonly url: string;
  /** Event types to receive; empty or left out: every type. */
  readonly events?: readonly RosterEventType[];
  /**
   * The owning organization. An organization key always owns its endpoints; the admin may leave
   * it out for a global endpoint that receives every organization's events.
   */
  readonly organization_id?: string;
}

export interface UpdateWebhookEndpointInput {
  readonly url?: string;
  /** Replaces the list; empty: every type. */
  readonly events?: readonly RosterEventType[];
  /** `true` re-enables a disabled endpoint: deliveries that gave up are queued again first, in order. */
  readonly enabled?: boolean;
}

export interface WebhookEndpointListParams extends PageParams {
  /** Admin key: only this organization's endpoints. */
  readonly organization_id?: string;
}

export interface WebhookDeliveryListParams extends PageParams {
  readonly state?: WebhookDeliveryState;
  /** Only the delivery of this event. */
  readonly event_id?: string;
}

/** `/webhook_endpoints` and their delivery log. Methods are plain functions: pass them around unbound. */
export interface WebhookEndpointsApi {
  /** Creates an endpoint; its signing `secret` (`whsec_…`) is in this answer only. */
  create(input: CreateWebhookEndpointInput): Promise<CreatedWebhookEndpoint>;
  /** One page of endpoints (without secrets). */
  list(params?: WebhookEndpointListParams): Promise<List<WebhookEndpoint>>;
  /** One endpoint by id, never with its secret. */
  get(id: string): Promise<WebhookEndpoint>;
  /** Changes the URL, the event types, or enables/disables the endpoint. */
  update(id: string, input: UpdateWebhookEndpointInput): Promise<WebhookEndpoint>;
  /** Deletes the endpoint with its deliveries and their attempts. */
  delete(id: string): Promise<void>;
  /** One page of the endpoint's delivery log, newest first, each delivery with its attempts. */
  deliveries(endpointId: string, params?: WebhookDeliveryListParams): Promise<List<WebhookDelivery>>;
  /** One delivery with all its attempts. */
  getDelivery(endpointId: string, deliveryId: string): Promise<WebhookDelivery>;
  /**
   * Sends a delivery again now, whatever its state, with a fresh retry window (earlier pending
   * deliveries go first). 409 `endpoint_disabled` while the endpoint is disabled.
   */
  retryDelivery(endpointId: string, deliveryId: string): Promise<WebhookDelivery>;
  /**
   * Queues the endpoint's failed (or succeeded) deliveries created in a time range again, oldest
   * event first, at most 1,000 per call (`has_more` says to call again). Calling twice replays
   * nothing twice. 409 `endpoint_disabled` while the endpoint is disabled (enabling it re-queues
   * every failed delivery anyway). With `dry_run: true` it sends nothing and answers how many it
   * would send (`matched`), for a confirmation that says so.
   *
   * @example
   * const { matched } = await roster.webhookEndpoints.replayDeliveries(endpointId, { status: "succeeded", dry_run: true });
   * let result;
   * do result = await roster.webhookEndpoints.replayDeliveries(endpointId, { status: "failed", since: "2026-12-01T00:00:00Z" });
   * while (result.has_more);
   */
  replayDeliveries(endpointId: string, input: ReplayDeliveriesInput): Promise<WebhookReplayResult>;
  /**
   * Sends one signed `webhook.test` event to the endpoint now (also a disabled one) and resolves
   * with how the receiver answered (`delivered`, `status_code`, `error`); nothing is recorded.
   */
  test(id: string): Promise<WebhookTestResult>;
}

/** Binds the webhook endpoint methods to a transport. */
export function createWebhookEndpointsApi(http: Transport): WebhookEndpointsApi {
  const path = (id: string) => `/webhook_endpoints/${segment(id)}`;
  const delivery = (endpointId: string, deliveryId: string) => `${path(endpointId)}/deliveries/${segment(deliveryId)}`;
  return Object.freeze({
    create: (input: CreateWebhookEndpointInput) =>
      http.json<CreatedWebhookEndpoint>({ method: "POST", path: "/webhook_endpoints", body: input }),
    list: (params: WebhookEndpointListParams = {}) =>
      http.json<List<WebhookEndpoint>>({ method: "GET", path: "/webhook_endpoints", query: { ...params } }),
    get: (id: string) => http.json<WebhookEndpoint>({ method: "GET", path: path(id) }),
    update: (id: string, input: UpdateWebhookEndpointInput) =>
      http.json<WebhookEndpoint>({ method: "PATCH", path: path(id), body: input }),
    delete: (id: string) => http.send({ method: "DELETE", path: path(id) }),
    deliveries: (endpointId: string, params: WebhookDeliveryListParams = {}) =>
      http.json<List<WebhookDelivery>>({ method: "GET", path: `${path(endpointId)}/deliveries`, query: { ...params } }),
    getDelivery: (endpointId: string, deliveryId: string) =>
      http.json<WebhookDelivery>({ method: "GET", path: delivery(endpointId, deliveryId) }),
    retryDelivery: (endpointId: string, deliveryId: string) =>
      http.json<WebhookDelivery>({ method: "POST", path: `${delivery(endpointId, deliveryId)}/retry` }),
    replayDeliveries: (endpointId: string, input: ReplayDeliveriesInput) =>
      http.json<WebhookReplayResult>({ method: "POST", path: `${path(endpointId)}/deliveries/replay`, body: input }),
    test: (id: string) => http.json<WebhookTestResult>({ method: "POST", path: `${path(id)}/test` }),
  });
}
