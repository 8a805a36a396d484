import { type Html, html } from "../../web/html.js";
import type { SyncRunObject } from "../../sync/run-object.js";
import { choiceForType } from "../idp-guides.js";
import type { DirectoryActivity } from "../portal-activity.js";
import type { PortalContext } from "../portal-session.js";
import { activityPanel } from "./activity-panel.js";
import { guide } from "./token-page.js";
import { csrfField, portalPage } from "./portal-frame.js";

function when(iso: string | null | undefined): string {
  return iso ? `${iso.replace("T", " ").slice(0, 19)} UTC` : "never";
}

function health(activity: DirectoryActivity): Html {
  const { directory, lastRequest, lastError } = activity;
  return html`<section class="card health">
  <h2>Health</h2>
  <dl>
    ${activity.ingest ? html`<dt>SCIM base URL</dt><dd><code>${directory.scim?.base_url ?? ""}</code></dd>` : null}
    ${activity.ingest ? html`<dt>Last request</dt><dd data-activity="last-request">${lastRequest ? `${when(lastRequest.at)}: ${lastRequest.method} ${lastRequest.path} (${lastRequest.status})` : "none yet"}</dd>` : null}
    ${activity.ingest ? html`<dt>Last error</dt><dd>${lastError ? `${when(lastError.at)}: ${lastError.summary}` : "none"}</dd>` : null}
    <dt>Users</dt><dd>${directory.metadata.users.active} active, ${directory.metadata.users.inactive} inactive</dd>
    <dt>Groups</dt><dd>${directory.metadata.groups}</dd>
  </dl>
</section>`;
}

/** What a held run would remove: users, group memberships, or both. */
function heldRemovals(run: SyncRunObject): string {
  const users = `${run.pending_removals} users`;
  const memberships = `${run.pending_membership_removals} group memberships`;
  if (run.pending_membership_removals === 0) return users;
  return run.pending_removals === 0 ? memberships : `${users} and ${memberships}`;
}

function runWords(run: SyncRunObject): string {
  switch (run.state) {
    case "running":
      return `A sync is running (${run.phase}).`;
    case "succeeded":
      return `The last sync finished at ${when(run.finished_at)}: ${run.counts.created} users created, ${run.counts.updated} updated.`;
    case "needs_confirmation":
      return `The last sync stopped before removing ${heldRemovals(run)}: more than the safe share of the directory would go, so it changed nothing. Confirm if that is intended.`;
    case "failed":
      return `The last sync failed: ${run.failure?.message ?? "unknown reason"}.`;
    default:
      return `The last sync is ${run.state}.`;
  }
}

function pullActions(ctx: PortalContext, activity: DirectoryActivity): Html {
  const { directory, run } = activity;
  const held = run && run.state === "needs_confirmation" && !run.dry_run;
  return html`<section class="card sync">
  <h2>Sync</h2>
  <p data-activity="run" data-run-state="${run?.state ?? ""}">${run ? runWords(run) : "No sync has run yet."}</p>
  ${
    held
      ? html`<form method="post" action="/portal/directories/${directory.id}/syncs/${run.id}/confirm" data-confirm="Remove ${heldRemovals(run)} from the application?">${csrfField(ctx)}<button type="submit" class="danger">Confirm and remove ${heldRemovals(run)}</button></form>`
      : null
  }
  ${
    directory.type === "csv"
      ? html`<form method="post" action="/portal/directories/${directory.id}/csv" class="form">${csrfField(ctx)}
    <label>CSV file <input type="file" accept=".csv,text/csv" data-csv-into="csv-text"></label>
    <label>or paste the rows <textarea id="csv-text" name="csv" rows="6" placeholder="username,email,first_name,last_name,groups"></textarea></label>
    <p class="hint">Columns Roster reads: username, email, first_name, last_name, job_title, state (active or inactive), groups (separated by ;). Other columns are kept as raw attributes.</p>
    <button type="submit" class="primary">Upload and sync</button></form>`
      : html`<form method="post" action="/portal/directories/${directory.id}/sync">${csrfField(ctx)}<button type="submit" class="primary" ${run?.state === "running" ? html`disabled` : null}>Sync now</button></form>`
  }
</section>`;
}

/** A directory's page when the IT admin comes back: health, activity, token rotation or syncs. */
export function directoryPage(ctx: PortalContext, activity: DirectoryActivity): string {
  const { directory } = activity;
  const choice = choiceForType(directory.type);
  return portalPage(
    ctx,
    directory.name,
    html`<h1>${directory.name}</h1>
${ctx.successUrl && directory.state === "linked" ? html`<p class="card done">Your directory is connected. <a href="${ctx.successUrl}" rel="noreferrer">Continue to the application</a></p>` : null}
${health(activity)}
${
  activity.ingest
    ? html`<section class="card">
  <h2>Bearer token</h2>
  <p>Tokens are shown once. If yours is lost or exposed, make a new one and paste it into your identity provider right away: the current token stops working (the next page says when).</p>
  <form method="post" action="/portal/directories/${directory.id}/token" data-confirm="Make a new token? The current token stops working.">${csrfField(ctx)}<button type="submit" class="danger">Rotate the token</button></form>
</section>`
    : pullActions(ctx, activity)
}
${activityPanel(activity)}
${choice ? html`<details class="card"><summary>Setup instructions for ${choice.label}</summary>${guide(choice)}</details>` : null}`,
  );
}
