import type { ConnectorCheck } from "../connector-kind.js";
import { SourceError } from "../source.js";
import type { EntraConfig } from "./entra-config.js";
import { ENTRA_DEFAULTS, graphBase, graphScope, tokenEndpoint } from "./entra-config.js";
import { entraCredential } from "./entra-credential.js";
import { createTokenSource, grantedRoles } from "./entra-token.js";
import { createGraphHttp, GraphError, type GraphHttp } from "./graph-http.js";
import { resolveFilterGroups } from "./group-filter.js";

/** What each read needs, as Entra's consent screen names the application permissions. */
const PERMISSIONS = [
  { name: "User.Read.All", path: "/users", reads: "users" },
  { name: "Group.Read.All", path: "/groups", reads: "groups" },
  { name: "GroupMember.Read.All", path: null, reads: "group members" },
] as const;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** "User.Read.All not granted …" from Graph's 403, or what else went wrong. */
function refusal(permission: string, error: unknown, granted: readonly string[] | null): string {
  if (error instanceof GraphError && error.status === 403) {
    const said = error.graph.message
      ? `Graph answered 403 ${error.graph.code}: ${error.graph.message.replace(/\.+$/, "")}`
      : "Graph answered 403";
    const has =
      granted === null
        ? ""
        : ` The token carries ${granted.length > 0 ? granted.join(", ") : "no application permissions"}.`;
    return `${permission} not granted (nor Directory.Read.All): ${said}.${has} Add the application permission ${permission} to the app registration and grant admin consent.`;
  }
  return messageOf(error);
}

/**
 * The `entra id` test action: a token by the client-credentials grant, then one small read per
 * permission a run needs, each reported apart; with `group_filter`, that each named group exists.
 * Nothing is written and no secret appears in a message.
 */
export async function testEntraConnection(config: EntraConfig, signal: AbortSignal): Promise<ConnectorCheck[]> {
  const timeoutMs = config.timeout_ms ?? ENTRA_DEFAULTS.timeout_ms;
  const tokens = createTokenSource({
    tokenUrl: tokenEndpoint(config),
    clientId: config.client_id,
    credential: entraCredential(config),
    scope: graphScope(config),
    timeoutMs,
  });
  // A test answers now: one short wait for a throttled read at most.
  const http: GraphHttp = createGraphHttp({
    baseUrl: graphBase(config),
    tokens,
    timeoutMs,
    retries: 1,
    maxWaitMs: 5000,
  });
  const checks: ConnectorCheck[] = [];
  let granted: string[] | null;
  try {
    granted = grantedRoles(await tokens.get(signal));
    checks.push({
      name: "client credentials",
      ok: true,
      message: `Entra issued an access token to client ${config.client_id} for ${graphScope(config)}`,
    });
  } catch (error) {
    const reason =
      error instanceof SourceError && error.reason === "invalid_credentials"
        ? messageOf(error)
        : `No token: ${messageOf(error)}`;
    checks.push({ name: "client credentials", ok: false, message: reason });
    for (const p of PERMISSIONS) checks.push({ name: p.name, ok: false, message: "not checked: no access token" });
    return checks;
  }
  let firstGroup: string | null = null;
  for (const permission of PERMISSIONS) {
    try {
      if (permission.path === "/groups") {
        const { body } = await http.get({ path: "/groups", query: { $select: "id", $top: 1 } }, signal);
        const first = Array.isArray(body.value) ? (body.value[0] as { id?: unknown } | undefined) : undefined;
        firstGroup = typeof first?.id === "string" ? first.id : null;
      } else if (permission.path === "/users") {
        await http.get({ path: "/users", query: { $select: "id", $top: 1 } }, signal);
      } else if (firstGroup === null) {
        checks.push({
          name: permission.name,
          ok: true,
          message: "not checked: the tenant has no group to read the members of (or groups could not be read)",
        });
        continue;
      } else {
        await http.get(
          { path: `/groups/${encodeURIComponent(firstGroup)}/transitiveMembers`, query: { $select: "id", $top: 1 } },
          signal,
        );
      }
      checks.push({ name: permission.name, ok: true, message: `${permission.reads} can be read` });
    } catch (error) {
      checks.push({ name: permission.name, ok: false, message: refusal(permission.name, error, granted) });
    }
  }
  if (config.group_filter !== undefined) {
    try {
      const groups = await resolveFilterGroups(http, config.group_filter, signal);
      checks.push({
        name: "group_filter",
        ok: true,
        message: `found ${groups.map((g) => String(g.displayName ?? g.id)).join(", ")}`,
      });
    } catch (error) {
      checks.push({ name: "group_filter", ok: false, message: messageOf(error) });
    }
  }
  return checks;
}
