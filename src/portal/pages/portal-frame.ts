import { type Html, html } from "../../web/html.js";
import { page } from "../../web/layout.js";
import type { PortalContext } from "../portal-session.js";

/** A portal page: the organization's name, a way back to the application, and sign out. */
export function portalPage(
  ctx: PortalContext,
  title: string,
  body: Html,
  scripts: readonly string[] = ["portal.js"],
): string {
  return page({
    title,
    subtitle: `Directory setup for ${ctx.organizationName}`,
    scripts,
    body: html`<nav class="portal-nav">
  <a href="/portal">Your directories</a>
  ${ctx.returnUrl ? html`<a href="${ctx.returnUrl}" rel="noreferrer">Back to the application</a>` : null}
  <form method="post" action="/portal/sign_out" class="inline"><input type="hidden" name="_csrf" value="${ctx.csrf}"><button type="submit" class="link">Sign out</button></form>
</nav>
${body}`,
  });
}

/** The session's CSRF token as a hidden form field. */
export function csrfField(ctx: PortalContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}

const STATE_WORDS: Readonly<Record<string, string>> = {
  linked: "Linked",
  unlinked: "Waiting for the first request",
  invalid_credentials: "Credentials refused",
  validating: "Validating",
  deleting: "Deleted",
};

/** A directory's state as the IT admin reads it. */
export function stateWords(state: string): string {
  return STATE_WORDS[state] ?? state;
}

export function stateBadge(state: string): Html {
  return html`<span class="badge state-${state}" data-activity="state" data-state="${state}">${stateWords(state)}</span>`;
}
