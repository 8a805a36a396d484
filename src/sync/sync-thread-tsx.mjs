// Starts a sync thread from TypeScript sources (tests, `tsx`): a worker thread does not inherit the
// parent's loader, so this registers tsx's before loading the thread's entry. Builds never use it.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.tsEntry);
