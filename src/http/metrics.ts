import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import { Errors } from "../core/errors.js";
import { bearerToken } from "./authenticate.js";
import { installOperationalMetrics, type OperationalMetricsDeps } from "./operational-metrics.js";

export interface MetricsOptions extends OperationalMetricsDeps {
  /** A bearer token that opens `/metrics` besides the admin key (`ROSTER_METRICS_TOKEN`). */
  readonly token: string | undefined;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Who may read the metrics: the admin, or whoever holds the scrape token. Route patterns, request
 * counts per organization route and the process's memory say enough about a deployment that they
 * are not for anyone who can reach the port. Digests compare in constant time whatever the lengths.
 */
function metricsReader(token: string | undefined): (request: FastifyRequest) => void {
  const expected = token === undefined ? null : digest(token);
  return function requireMetricsReader(request) {
    if (request.principal?.kind === "admin") return;
    const given = bearerToken(request);
    if (expected && given !== null && timingSafeEqual(digest(given), expected)) return;
    if (request.principal) throw Errors.forbidden("Only the admin key or ROSTER_METRICS_TOKEN may read /metrics");
    throw Errors.unauthorized();
  };
}

/** What the SCIM door counts its answers with (`roster_scim_requests_total`). */
export interface ScimResponseCounter {
  countScimResponse(directoryId: string, status: number): void;
}

/**
 * `GET /metrics` in the Prometheus text format: requests and their latency by route (the route
 * pattern, never the URL, so ids do not explode the label set), what operators alert on
 * (`operational-metrics.ts`), plus the process's own metrics.
 * Each app gets its own registry, so several apps in one process (tests) do not collide.
 * Called on the root instance before the routes, so its hook sees every request. Only the admin
 * key or the scrape token opens it (see `metricsReader`). SCIM answers are counted by the SCIM
 * door, which knows whose they are, through the counter returned.
 */
export function installMetrics(app: FastifyInstance, options: MetricsOptions): ScimResponseCounter {
  const requireReader = metricsReader(options.token);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "roster_http_requests_total",
    help: "HTTP requests answered",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "roster_http_request_duration_seconds",
    help: "Time to answer an HTTP request",
    labelNames: ["method", "route"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const operational = installOperationalMetrics(registry, options);

  app.addHook("onResponse", function countResponse(request, reply, done) {
    const route = request.routeOptions.url ?? "unmatched";
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });

  app.get("/metrics", { config: { rateLimit: false }, schema: { hide: true } }, async (request, reply) => {
    requireReader(request);
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return { countScimResponse: operational.countScimResponse };
}
