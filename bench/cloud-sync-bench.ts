/**
 * The three cloud connectors (Entra ID, Okta, Google Workspace) against the test suite's
 * stand-ins with injected latency, each a full run then a delta run after 1 % of the users
 * changed, in one `roster` server process (its own process, compiled, runs on sync threads as
 * `roster serve` runs them) while SCIM GETs are sent to it: its peak RSS and the GETs' p99 during
 * each run, against issue 15's goals (peak RSS < 300 MB, SCIM p99 < 50 ms). The stand-ins run in
 * this (the driver's) process, beside the probes.
 */
import type { Dialect } from "../test/support/databases.js";
import { BENCH_ADMIN, benchGoogleOrg } from "./google-org.js";
import { benchEntraTenant, changeEntraTenant } from "./entra-tenant.js";
import { benchOktaOrg, changeOktaOrg } from "./okta-org.js";
import { type SyncBenchServer, type SyncFigure, withSyncBenchServer } from "./sync-bench.js";

export const CLOUD_USERS = Number(process.env.BENCH_CLOUD_USERS ?? 20_000);
export const CLOUD_GROUPS = Number(process.env.BENCH_CLOUD_GROUPS ?? 200);
export const CLOUD_LATENCY_MS = Number(process.env.BENCH_CLOUD_LATENCY_MS ?? 50);

interface CloudSource {
  readonly name: string;
  readonly type: string;
  readonly connector: Record<string, unknown>;
  /** Changes 1 % of the users (and a membership) at the provider, for the delta run. */
  change(): void;
  close(): Promise<void>;
}

async function entraSource(): Promise<CloudSource> {
  const tenant = await benchEntraTenant(CLOUD_USERS, CLOUD_GROUPS, CLOUD_LATENCY_MS);
  return {
    name: "Entra ID",
    type: "entra id",
    connector: tenant.entra.connector,
    change: () => changeEntraTenant(tenant),
    close: () => tenant.entra.close(),
  };
}

async function oktaSource(): Promise<CloudSource> {
  const org = await benchOktaOrg(CLOUD_USERS, CLOUD_GROUPS, CLOUD_LATENCY_MS);
  return {
    name: "Okta",
    type: "okta api",
    connector: org.okta.connector,
    change: () => changeOktaOrg(org),
    close: () => org.okta.close(),
  };
}

async function googleSource(): Promise<CloudSource> {
  const { google, key, ids } = await benchGoogleOrg(CLOUD_USERS, CLOUD_GROUPS, CLOUD_LATENCY_MS);
  return {
    name: "Google",
    type: "google workspace",
    connector: { service_account_key: JSON.stringify(key), admin_email: BENCH_ADMIN, api_url: google.baseUrl },
    change: () => {
      for (let i = 0; i < ids.length / 100; i++)
        google.updateUser(ids[i * 100] as string, { organizations: [{ title: "Changed" }] });
    },
    close: () => google.close(),
  };
}

const SOURCES: Readonly<Record<string, () => Promise<CloudSource>>> = {
  entra: entraSource,
  okta: oktaSource,
  google: googleSource,
};

async function measureSource(server: SyncBenchServer, open: () => Promise<CloudSource>): Promise<SyncFigure[]> {
  const source = await open();
  try {
    const created = await server.request("POST", "/directories", {
      organization_id: server.target.organizationId,
      name: source.name,
      type: source.type,
      connector: { ...source.connector, max_removal_percent: 100 },
    });
    if (created.status !== 201)
      throw new Error(`${source.name} directory create failed: ${JSON.stringify(created.json)}`);
    const dirId = String(created.json.id);
    const full = await server.measureRun(`${source.name} full`, dirId, { mode: "full" });
    source.change();
    const delta = await server.measureRun(`${source.name} delta: 1 % changed`, dirId, { mode: "delta" });
    return [full, delta];
  } finally {
    await source.close();
  }
}

/** The cloud sync runs on `dialect`; `BENCH_CLOUD_SOURCES=entra,okta,google` picks some of them. */
export async function runCloudSyncBench(dialect: Dialect): Promise<SyncFigure[]> {
  const picked = (process.env.BENCH_CLOUD_SOURCES ?? "entra,okta,google").split(",").map((s) => s.trim());
  return withSyncBenchServer(dialect, async (server) => {
    const figures: SyncFigure[] = [];
    for (const key of picked) {
      const open = SOURCES[key];
      if (!open) throw new Error(`BENCH_CLOUD_SOURCES names ${key}; expected entra, okta or google`);
      figures.push(...(await measureSource(server, open)));
    }
    return figures;
  });
}
