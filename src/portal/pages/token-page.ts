import { type Html, html } from "../../web/html.js";
import type { IdpChoice } from "../idp-guides.js";
import type { DirectoryActivity } from "../portal-activity.js";
import type { PortalContext } from "../portal-session.js";
import { activityPanel } from "./activity-panel.js";
import { portalPage } from "./portal-frame.js";

function copyField(id: string, label: string, value: string): Html {
  return html`<div class="copy-field">
  <label for="${id}">${label}</label>
  <div class="copy-row"><input id="${id}" readonly value="${value}" spellcheck="false"><button type="button" class="copy" data-copy="${id}">Copy</button></div>
</div>`;
}

/** How to set the provider up: where the two values go, what to map, how to choose who is sent. */
export function guide(choice: IdpChoice): Html {
  return html`<section class="card guide">
  <h2>Set up ${choice.label}</h2>
  <ol>${choice.steps.map((s) => html`<li>${s}</li>`)}</ol>
  <h3>Attributes to map</h3>
  <ul>${choice.attributes.map((s) => html`<li>${s}</li>`)}</ul>
  <h3>Choosing users and groups</h3>
  <ul>${choice.groups.map((s) => html`<li>${s}</li>`)}</ul>
</section>`;
}

export interface TokenShown {
  readonly baseUrl: string;
  readonly token: string;
  /** After a rotation: when the previous token stops working (null: already). */
  readonly previousExpiresAt?: string | null | undefined;
  readonly rotated: boolean;
}

/** The SCIM base URL and the bearer token, shown this once, with the provider's instructions and live activity. */
export function tokenPage(
  ctx: PortalContext,
  choice: IdpChoice,
  activity: DirectoryActivity,
  shown: TokenShown,
): string {
  const { directory } = activity;
  return portalPage(
    ctx,
    `${directory.name}: SCIM credentials`,
    html`<h1>${directory.name}</h1>
<section class="card secret">
  <h2>${shown.rotated ? "Your new SCIM credentials" : "Your SCIM credentials"}</h2>
  <p class="warning"><strong>Copy the token now: it is shown only on this page.</strong> If it is lost, come back with a new setup link and rotate it.</p>
  ${copyField("scim-base-url", "SCIM base URL", shown.baseUrl)}
  ${copyField("scim-token", "Bearer token", shown.token)}
  ${
    shown.rotated
      ? html`<p>${shown.previousExpiresAt ? `The previous token keeps working until ${shown.previousExpiresAt}.` : "The previous token has stopped working: paste this one into your identity provider now."}</p>`
      : null
  }
</section>
${guide(choice)}
${activityPanel(activity)}
<p><a href="/portal/directories/${directory.id}">Go to the directory's page</a> (the token is not shown there).</p>`,
  );
}
