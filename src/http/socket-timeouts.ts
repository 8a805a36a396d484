import type { ServerOptions } from "node:http";
import type { TimeoutConfig } from "../config.js";

/** How often Node looks for connections past their header or request allowance (its default: 30 s). */
const CHECK_EVERY_MS = 1_000;

/**
 * Fastify's options that bound how long a client may hold a socket. Fastify leaves the request
 * timeout off and keeps idle connections 72 s, so a client that sends headers and then trickles or
 * withholds the body held its socket for ever (slowloris). Node answers a request past its
 * allowance `408` and closes the connection; an idle kept-alive one is closed after `keepAliveMs`.
 */
export function socketTimeouts(timeouts: TimeoutConfig): {
  requestTimeout: number;
  keepAliveTimeout: number;
  http: ServerOptions;
} {
  return {
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: {
      headersTimeout: timeouts.headersMs,
      connectionsCheckingInterval: Math.min(CHECK_EVERY_MS, timeouts.headersMs),
    },
  };
}
