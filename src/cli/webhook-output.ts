import type { CreatedWebhookEndpoint, WebhookDelivery, WebhookEndpoint, WebhookTestResult } from "../client/index.js";
import { type Column, formatTime, printFields, printLine, printTable } from "./output.js";

const eventsOf = (e: WebhookEndpoint) => (e.events.length === 0 ? "all" : e.events.join(", "));
const stateOf = (e: WebhookEndpoint) => (e.enabled ? "enabled" : "disabled");

const ENDPOINT_COLUMNS: readonly Column<WebhookEndpoint>[] = [
  { header: "ID", value: (e) => e.id },
  { header: "URL", value: (e) => e.url },
  { header: "STATE", value: stateOf },
  { header: "ORGANIZATION", value: (e) => e.organization_id ?? "all (global)" },
  { header: "EVENTS", value: eventsOf },
];

/** The last outcome of a delivery in a few characters: `200`, `HTTP 503`, `connect ECONNREFUSED …`. */
function outcome(d: WebhookDelivery): string {
  if (d.last_error) return d.last_error;
  return d.last_status_code === null ? "-" : String(d.last_status_code);
}

const DELIVERY_COLUMNS: readonly Column<WebhookDelivery>[] = [
  { header: "ID", value: (d) => d.id },
  { header: "EVENT", value: (d) => d.event },
  { header: "EVENT ID", value: (d) => d.event_id },
  { header: "STATE", value: (d) => d.state },
  { header: "ATTEMPTS", value: (d) => String(d.attempt_count) },
  { header: "LAST", value: outcome },
  { header: "UPDATED", value: (d) => formatTime(d.updated_at) },
];

export function printEndpoint(e: WebhookEndpoint): void {
  printLine(`Webhook endpoint ${e.id}`);
  printFields([
    ["url", e.url],
    ["organization", e.organization_id ?? "all (global endpoint)"],
    ["events", eventsOf(e)],
    ["state", stateOf(e)],
    ["disabled", e.disabled_at === null ? null : `${formatTime(e.disabled_at)}: ${e.disabled_reason ?? "by request"}`],
    ["created", formatTime(e.created_at)],
    ["updated", formatTime(e.updated_at)],
  ]);
}

export function printCreatedEndpoint(e: CreatedWebhookEndpoint): void {
  printLine(`Created webhook endpoint ${e.id} for ${e.organization_id ?? "every organization (global)"}`);
  printFields([
    ["url", e.url],
    ["events", eventsOf(e)],
    ["secret", e.secret],
  ]);
  printLine();
  printLine("The signing secret is shown only once. Store it now; Roster cannot show it again.");
  printLine("Verify each delivery with it: verifyWebhook() from @rostersync/client, or any Standard Webhooks library.");
}

export function printEndpoints(endpoints: readonly WebhookEndpoint[]): void {
  if (endpoints.length === 0) printLine("No webhook endpoints.");
  else printTable(endpoints, ENDPOINT_COLUMNS);
}

export function printDeliveries(endpointId: string, deliveries: readonly WebhookDelivery[]): void {
  if (deliveries.length === 0) printLine(`No deliveries to ${endpointId} yet.`);
  else printTable(deliveries, DELIVERY_COLUMNS);
}

export function printRetried(d: WebhookDelivery): void {
  printLine(
    `Delivery ${d.id} (${d.event} ${d.event_id}) queued again: state ${d.state}, next attempt ${formatTime(d.next_attempt_at)}.`,
  );
}

/** How a test event fared: the receiver's answer, or why it did not come. */
export function printTested(t: WebhookTestResult): void {
  printLine(t.delivered ? `Test event delivered to ${t.url}` : `Test event NOT delivered to ${t.url}`);
  printFields([
    ["event", `${t.event.id} (${t.event.event})`],
    ["status", t.status_code],
    ["took", `${t.latency_ms} ms`],
    ["error", t.error],
    ["answer", t.response_excerpt],
  ]);
}
