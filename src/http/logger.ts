import type { FastifyServerOptions } from "fastify";

/**
 * Structured JSON logs. Request logs carry method, url and the request id, never headers; the
 * redaction list is a second guard should a header or body ever be logged.
 */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions["logger"] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: ["req.headers.authorization", "req.headers.cookie", "headers.authorization", "*.token", "*.key", "*.secret", "*.password"],
      censor: "[redacted]",
    },
  };
}
