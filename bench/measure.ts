import autocannon from "autocannon";

export interface Figure {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** Requests answered in the window (for CPU time per request). */
  readonly requests: number;
}

export interface LoadSpec {
  readonly name: string;
  readonly url: string;
  readonly method?: "GET" | "POST" | "PATCH";
  readonly headers?: Record<string, string>;
  /** Called per request: a path and optional body, so requests can differ. */
  readonly next: () => { path: string; body?: string };
  readonly connections?: number;
  readonly seconds?: number;
}

/** Runs autocannon on loopback for a bounded time and reads the figures that matter. */
export async function measure(spec: LoadSpec): Promise<Figure> {
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections ?? 10,
    duration: spec.seconds ?? 5,
    requests: [
      {
        method: spec.method ?? "GET",
        headers: spec.headers ?? {},
        setupRequest: (request) => {
          const { path, body } = spec.next();
          return { ...request, path, ...(body === undefined ? {} : { body }) };
        },
      },
    ],
  });
  const errors = result.errors + result.timeouts + result.non2xx;
  return {
    name: spec.name,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors,
    requests: result.requests.total,
  };
}
