// Test support (not built): a scripted HTTP server on loopback standing in for an upstream that
// misbehaves in ways a live Roster never does.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** An object is sent as `application/scim+json`; a string as is. */
  readonly body?: unknown;
}

/** What to answer a request with; `"hang"` never answers it. */
export type FakeHandler = (url: URL, request: IncomingMessage) => FakeReply | "hang";

export interface FakeUpstream {
  readonly baseUrl: string;
  /** Path and query of every request received, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject).listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startFakeUpstream(handler: FakeHandler): Promise<FakeUpstream> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    requests.push(`${url.pathname}${url.search}`);
    const reply = handler(url, request);
    if (reply === "hang") return;
    const isText = typeof reply.body === "string";
    const headers = {
      ...(reply.body === undefined || isText ? {} : { "content-type": "application/scim+json" }),
      ...reply.headers,
    };
    response.writeHead(reply.status ?? 200, headers);
    response.end(reply.body === undefined ? undefined : isText ? (reply.body as string) : JSON.stringify(reply.body));
  });
  const port = await listen(server);
  return {
    baseUrl: `http://127.0.0.1:${port}/scim/v2`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (taken, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

export function listOf(resources: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { schemas: [LIST_SCHEMA], totalResults: resources.length, Resources: resources, ...extra };
}

export function userResource(
  id: string,
  userName: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], id, userName, active: true, ...extra };
}
