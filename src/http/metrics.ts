import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/**
 * `GET /metrics` in the Prometheus text format: requests and their latency by route (the route
 * pattern, never the URL, so ids do not explode the label set), plus the process's own metrics.
 * Each app gets its own registry, so several apps in one process (tests) do not collide.
 * Called on the root instance before the routes, so its hook sees every request.
 */
export function installMetrics(app: FastifyInstance): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: "roster_http_requests_total", help: "HTTP requests answered", labelNames: ["method", "route", "status"], registers: [registry] });
  const duration = new Histogram({
    name: "roster_http_request_duration_seconds",
    help: "Time to answer an HTTP request",
    labelNames: ["method", "route"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  app.addHook("onResponse", function countResponse(request, reply, done) {
    const route = request.routeOptions.url ?? "unmatched";
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });

  app.get("/metrics", { config: { rateLimit: false }, schema: { hide: true } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}
