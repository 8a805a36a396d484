import { performance } from "node:perf_hooks";

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/** One delivery as the benchmark's receiver saw it. */
export interface Receipt {
  /** `webhook-id`: the event id, the same on every attempt. */
  readonly id: string;
  /** The request path: which endpoint the delivery was for. */
  readonly path: string;
  readonly event: string;
  /** wallNow() when the body had arrived. */
  readonly at: number;
  /** The event's `created_at`, in milliseconds. */
  readonly createdAt: number;
  /** The user's userName, which carries the benchmark's marker. */
  readonly username: string;
}
