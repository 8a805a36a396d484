import type { Transport } from "./http.js";

/** `GET /ready`: the server answers and its database does. */
export interface ReadyStatus {
  readonly status: string;
  /** `sqlite` or `postgres`. */
  readonly database: string;
}

/** The server's own health, for a deploy script or a status screen (load balancers call the paths directly). */
export interface SystemApi {
  /** `GET /health`: the process is up. */
  health(): Promise<{ status: "ok" }>;
  /** `GET /ready`: the database answers too; a `RosterApiError` with status 503 when it does not. */
  ready(): Promise<ReadyStatus>;
}

/** Binds the system methods to a transport. */
export function createSystemApi(http: Transport): SystemApi {
  return Object.freeze({
    health: () => http.json<{ status: "ok" }>({ method: "GET", path: "/health" }),
    ready: () => http.json<ReadyStatus>({ method: "GET", path: "/ready" }),
  });
}
