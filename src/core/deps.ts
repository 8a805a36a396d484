import type { Kysely } from "kysely";
import type { RosterConfig } from "../config.js";
import type { StorageCapabilities } from "../storage/capabilities.js";
import type { Database } from "../storage/schema.js";
import type { Clock } from "./clock.js";
import type { IdGenerator } from "./ids.js";

/** What every service is built from: passed in, never global, so tests choose each part. */
export interface Deps {
  readonly db: Kysely<Database>;
  readonly caps: StorageCapabilities;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly config: RosterConfig;
}
