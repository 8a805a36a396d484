import { type Html, html } from "../../web/html.js";
import type { DirectoryActivity } from "../portal-activity.js";
import type { ExplainedRequest } from "../request-explain.js";
import { stateBadge } from "./portal-frame.js";

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "1 active user, 0 inactive users, 2 groups": the same words as the page's script writes. */
export function countsLine(active: number, inactive: number, groups: number): string {
  return `${plural(active, "active user", "active users")}, ${plural(inactive, "inactive user", "inactive users")}, ${plural(groups, "group", "groups")}`;
}

function requestItem(r: ExplainedRequest): Html {
  return html`<li class="${r.ok ? "ok" : "error"}"><time datetime="${r.at}">${r.at.replace("T", " ").slice(0, 19)} UTC</time> <code>${r.method} ${r.path}</code> <span class="status">${r.status}</span><p>${r.summary}</p></li>`;
}

/**
 * What the IdP did so far. The page's script polls `/portal/directories/{id}/activity` and
 * rewrites the parts marked `data-activity` (text only), so this is also what a page without
 * scripts shows on reload.
 */
export function activityPanel(activity: DirectoryActivity): Html {
  const { directory, ingest } = activity;
  const counts = directory.metadata;
  return html`<section class="card activity" data-activity-url="/portal/directories/${directory.id}/activity">
  <h2>Status ${stateBadge(directory.state)}</h2>
  <p class="counts" data-activity="counts">${countsLine(counts.users.active, counts.users.inactive, counts.groups)}</p>
  ${
    ingest
      ? html`<p class="waiting" data-activity="waiting" ${directory.state === "unlinked" ? null : html`hidden`}>Waiting for the identity provider's first request. Save the settings in your identity provider (or run its connection test); the request will appear here.</p>
  <h3>Last error</h3>
  <p data-activity="last-error" class="${activity.lastError ? "error" : "muted"}">${activity.lastError ? activity.lastError.summary : "None."}</p>
  <h3>Requests from the identity provider</h3>
  <ol class="requests" data-activity="requests">${activity.requests.map(requestItem)}</ol>
  <p class="muted" data-activity="no-requests" ${activity.requests.length > 0 ? html`hidden` : null}>No requests yet.</p>`
      : null
  }
  <div class="columns">
    <div><h3>First users</h3><ul data-activity="users">${activity.users.map((u) => html`<li>${u.username}${u.email && u.email !== u.username ? html` <span class="muted">${u.email}</span>` : null}${u.state === "inactive" ? html` <span class="muted">(inactive)</span>` : null}</li>`)}</ul></div>
    <div><h3>First groups</h3><ul data-activity="groups">${activity.groups.map((g) => html`<li>${g.name}</li>`)}</ul></div>
  </div>
</section>`;
}
