import type { FastifyRequest, FastifyServerOptions } from "fastify";

/** Query parameters that carry a credential (a setup link's secret): never written to a log. */
const SECRET_QUERY = /([?&]secret=)[^&#]*/gi;

function requestLine(request: FastifyRequest) {
  return {
    method: request.method,
    url: request.url.replace(SECRET_QUERY, "$1[redacted]"),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * Structured JSON logs. Request logs carry method, url and the request id, never headers; the
 * redaction list is a second guard should a header or body ever be logged.
 */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions["logger"] {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: { req: requestLine },
    redact: {
      paths: [
        "req.headers.authorization",
        "req.headers.cookie",
        "headers.authorization",
        "*.token",
        "*.key",
        "*.secret",
        "*.password",
        "*.client_secret",
        "*.private_key",
        "*.service_account_key",
      ],
      censor: "[redacted]",
    },
  };
}
