import { type Html, html } from "./html.js";

export interface PageOptions {
  readonly title: string;
  readonly body: Html;
  /** Files under /assets/ loaded as scripts (deferred); never inline. */
  readonly scripts?: readonly string[];
  /** Files under /assets/ loaded as ES modules (deferred by nature); never inline. */
  readonly modules?: readonly string[];
  /** A header line under the product name (e.g. the organization). */
  readonly subtitle?: string | undefined;
  /** Navigation after a moment (a page that hands over to another with the session cookie). */
  readonly refreshTo?: string | undefined;
}

/** A whole HTML document: the shared stylesheet, the page's scripts, no inline code. */
export function page(options: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${options.refreshTo ? html`<meta http-equiv="refresh" content="0;url=${options.refreshTo}">` : null}
<title>${options.title} · Roster</title>
<link rel="stylesheet" href="/assets/roster.css">
${(options.scripts ?? []).map((s) => html`<script src="/assets/${s}" defer></script>`)}
${(options.modules ?? []).map((s) => html`<script type="module" src="/assets/${s}"></script>`)}
</head>
<body>
<header class="top"><span class="brand">Roster</span>${options.subtitle ? html`<span class="subtitle">${options.subtitle}</span>` : null}</header>
<main>
${options.body}
</main>
</body>
</html>
`.toString();
}
