import type { Kysely, Migration } from "kysely";
import type { StorageCapabilities } from "../capabilities.js";
import * as m0001 from "./0001-initial.js";
import * as m0002 from "./0002-scim-requests.js";
import * as m0003 from "./0003-webhooks.js";
import * as m0004 from "./0004-user-api-indexes.js";
import * as m0005 from "./0005-event-feed-order.js";
import * as m0006 from "./0006-pull-sync.js";
import * as m0007 from "./0007-sync-run-upload.js";
import * as m0008 from "./0008-setup-links.js";
import * as m0009 from "./0009-scim-request-authenticated.js";
import * as m0010 from "./0010-sync-run-guard-and-runner.js";
import * as m0011 from "./0011-webhook-workers.js";
import * as m0012 from "./0012-sync-runs-running.js";
import * as m0013 from "./0013-private-network.js";
import * as m0014 from "./0014-audit-log.js";
import * as m0017 from "./0017-console-sessions.js";
import * as m0018 from "./0018-directory-activity.js";
import * as m0022 from "./0022-directory-counts.js";

interface VersionedMigration {
  up(db: Kysely<unknown>, caps: StorageCapabilities): Promise<void>;
}

/** Every migration, in order. Names are permanent: Kysely records them in kysely_migration. */
const MIGRATIONS: ReadonlyArray<readonly [string, VersionedMigration]> = [
  ["0001-initial", m0001],
  ["0002-scim-requests", m0002],
  ["0003-webhooks", m0003],
  ["0004-user-api-indexes", m0004],
  ["0005-event-feed-order", m0005],
  ["0006-pull-sync", m0006],
  ["0007-sync-run-upload", m0007],
  ["0008-setup-links", m0008],
  ["0009-scim-request-authenticated", m0009],
  ["0010-sync-run-guard-and-runner", m0010],
  ["0011-webhook-workers", m0011],
  ["0012-sync-runs-running", m0012],
  ["0013-private-network", m0013],
  ["0014-audit-log", m0014],
  ["0017-console-sessions", m0017],
  ["0018-directory-activity", m0018],
  ["0022-directory-counts", m0022],
];

export function migrationsFor(caps: StorageCapabilities): Record<string, Migration> {
  return Object.fromEntries(MIGRATIONS.map(([name, m]) => [name, { up: (db: Kysely<unknown>) => m.up(db, caps) }]));
}
