import { html } from "../../web/html.js";
import { page } from "../../web/layout.js";

function notice(title: string, lines: readonly string[]): string {
  return page({
    title,
    body: html`<section class="card notice"><h1>${title}</h1>${lines.map((l) => html`<p>${l}</p>`)}</section>`,
  });
}

const ASK_AGAIN =
  "Ask the application that sent it for a new setup link: links can be opened once, within 5 minutes of being made.";

/** Why a setup link opened nothing, in words for the IT admin who clicked it. */
export function linkProblemPage(reason: "unknown" | "used" | "expired"): string {
  if (reason === "used")
    return notice("This setup link has already been used", [
      "Each setup link opens the setup page once, for the person who opened it first.",
      ASK_AGAIN,
    ]);
  if (reason === "expired")
    return notice("This setup link has expired", ["It was not opened within 5 minutes of being made.", ASK_AGAIN]);
  return notice("This setup link is not valid", ["The link may have been copied incompletely.", ASK_AGAIN]);
}

/** The hand-over after a link was opened: a navigation from this page, so the SameSite=Strict cookie is sent with it. */
export function linkAcceptedPage(): string {
  return page({
    title: "Opening the setup page",
    refreshTo: "/portal",
    body: html`<section class="card notice"><h1>Setup link accepted</h1><p><a href="/portal">Continue to the setup page</a></p></section>`,
  });
}

export function sessionEndedPage(message?: string): string {
  if (message) return notice("This action was refused", [message]);
  return notice("Your setup session has ended", [
    "Setup sessions last one hour, and end when you sign out.",
    ASK_AGAIN,
  ]);
}

export function signedOutPage(): string {
  return notice("You are signed out", [
    "To change the directory setup later, ask the application for a new setup link.",
  ]);
}

/** Any other error met on a portal page: its message, never a stack trace. */
export function portalErrorPage(status: number, message: string): string {
  const title = status === 404 ? "Not found" : status >= 500 ? "Something went wrong" : "That did not work";
  return page({
    title,
    body: html`<section class="card notice"><h1>${title}</h1><p>${message}</p><p><a href="/portal">Back to the setup page</a></p></section>`,
  });
}
