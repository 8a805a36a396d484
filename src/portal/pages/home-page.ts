import { html } from "../../web/html.js";
import type { DirectoryObject } from "../../tenancy/directory-object.js";
import { IDP_CHOICES, PULL_CHOICES } from "../idp-guides.js";
import type { PortalContext } from "../portal-session.js";
import { portalPage, stateBadge } from "./portal-frame.js";

/** The portal's first page: the organization's directories, and the providers to set up a new one with. */
export function homePage(
  ctx: PortalContext,
  directories: readonly DirectoryObject[],
  pullTypes: ReadonlySet<string>,
): string {
  const labels = new Map([...IDP_CHOICES, ...PULL_CHOICES].map((c) => [c.type as string, c.label]));
  const pulls = PULL_CHOICES.filter((c) => pullTypes.has(c.type));
  return portalPage(
    ctx,
    "Directory setup",
    html`<h1>Connect your directory</h1>
<p class="lead">Connect your identity provider so that your people, and the groups they are in, reach the application and stay up to date.</p>
${
  directories.length > 0
    ? html`<section class="card"><h2>Your directories</h2><ul class="directories">${directories.map(
        (d) =>
          html`<li><a href="/portal/directories/${d.id}">${d.name}</a> <span class="muted">${labels.get(d.type) ?? d.type}</span> ${stateBadge(d.state)}</li>`,
      )}</ul></section>`
    : null
}
<section class="card">
  <h2>Set up a new directory</h2>
  <p>Which identity provider holds your users?</p>
  <ul class="choices">
    ${IDP_CHOICES.map((c) => html`<li><a class="choice" href="/portal/setup/${c.key}"><strong>${c.label}</strong><span>${c.blurb}</span></a></li>`)}
    ${pulls.map((c) => html`<li><a class="choice" href="/portal/setup/${c.key}"><strong>${c.label}</strong><span>${c.blurb}</span></a></li>`)}
  </ul>
</section>`,
  );
}
