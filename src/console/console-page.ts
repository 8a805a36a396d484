import { PULL_SETUP_STEPS } from "../connectors/setup-steps.js";
import { html } from "../web/html.js";
import { page } from "../web/layout.js";

/**
 * The console's one HTML document: an empty frame its scripts (assets/console/) fill by calling
 * the public API. It holds no data and no secret, so it is the same for everyone; besides the frame,
 * only help text: what to prepare at each pull provider (the portal's text), for the connector forms.
 */
export function consoleShell(): string {
  return page({
    title: "Console",
    subtitle: "Console",
    modules: ["console/app.js"],
    body: html`<div id="console" aria-live="polite"><p class="muted">Loading the console…</p></div>
<div id="connector-setup-steps" hidden data-steps="${JSON.stringify(PULL_SETUP_STEPS)}"></div>
<noscript><p class="card error-box">The console needs JavaScript. The same work can be done with the <code>roster</code> command or the API.</p></noscript>`,
  });
}
