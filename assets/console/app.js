// The operator console: a small single-page app over the public API. The hash is the route
// (#/organizations/…), so links, Back and reload work, and the server serves one page.
import { api, ApiError, useSession } from "./api.js";
import { h } from "./dom.js";
import { directoriesView, directoryView } from "./directories.js";
import { eventsView } from "./events.js";
import { organizationsView, organizationView } from "./organizations.js";
import { groupView, groupsView, usersView, userView } from "./people.js";
import { scimLogView } from "./scim-log.js";
import { webhooksView, webhookView } from "./webhooks.js";
import { errorBox, field } from "./widgets.js";

const root = document.getElementById("console");
const header = document.querySelector("header.top");
let session = null;
let endedMessage = null;
let stopView = null;

const ROUTES = [
  [/^\/organizations$/, organizationsView],
  [/^\/organizations\/([^/]+)$/, organizationView],
  [/^\/directories$/, directoriesView],
  [/^\/directories\/([^/]+)$/, directoryView],
  [/^\/directories\/([^/]+)\/users$/, usersView],
  [/^\/directories\/([^/]+)\/groups$/, groupsView],
  [/^\/directories\/([^/]+)\/requests$/, scimLogView],
  [/^\/users\/([^/]+)$/, userView],
  [/^\/groups\/([^/]+)$/, groupView],
  [/^\/events$/, eventsView],
  [/^\/webhooks$/, webhooksView],
  [/^\/webhooks\/([^/]+)$/, webhookView],
];

function home() {
  return session.principal === "admin" ? "/organizations" : `/organizations/${session.organization.id}`;
}

function renderNav() {
  header.querySelector("nav.console-nav")?.remove();
  if (!session) return;
  const who = session.principal === "admin" ? "Admin key" : `${session.organization.name} (organization key)`;
  const links = [
    session.principal === "admin"
      ? ["#/organizations", "Organizations"]
      : [`#/organizations/${session.organization.id}`, "Organization"],
    ["#/directories", "Directories"],
    ["#/events", "Events"],
    ["#/webhooks", "Webhooks"],
  ];
  const nav = h(
    "nav",
    { class: "console-nav", "aria-label": "Console" },
    links.map(([href, text]) => h("a", { href }, text)),
    h("span", { class: "who" }, who),
    h("button", { type: "button", class: "link", onclick: signOut }, "Sign out"),
  );
  header.append(nav);
  markCurrent();
}

function markCurrent() {
  const path = location.hash.slice(1).split("?")[0] || "/";
  for (const a of header.querySelectorAll("nav.console-nav a")) {
    const target = a.getAttribute("href").slice(1);
    if (path === target || path.startsWith(`${target}/`)) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

let renders = 0;

async function render() {
  if (!session) return;
  // A newer navigation wins: a slower page that finishes later must not replace it.
  const generation = ++renders;
  stopView?.();
  stopView = null;
  const [path, search] = location.hash.slice(1).split("?");
  if (!path || path === "/") {
    location.replace(`#${home()}`);
    return;
  }
  markCurrent();
  const match = ROUTES.map(([pattern, view]) => [pattern.exec(path), view]).find(([m]) => m);
  const loading = h("p", { class: "muted" }, "Loading…");
  root.replaceChildren(loading);
  if (!match) {
    root.replaceChildren(
      h("h1", {}, "Page not found"),
      h("p", {}, h("a", { href: `#${home()}` }, "Back to the start")),
    );
    return;
  }
  const [m, view] = match;
  const ctx = {
    session,
    params: m.slice(1).map(decodeURIComponent),
    query: new URLSearchParams(search ?? ""),
    rerender: render,
    onLeave: (stop) => (stopView = stop),
  };
  try {
    const content = await view(ctx);
    if (!session || generation !== renders) return;
    root.replaceChildren(content);
  } catch (error) {
    if (!session || generation !== renders) return;
    root.replaceChildren(errorBox(error));
  }
  const heading = root.querySelector("h1");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

function sessionEnded() {
  if (!session) return;
  session = null;
  stopView?.();
  endedMessage =
    "Your session ended: it was signed out, it expired, or the key that opened it was revoked. Sign in again.";
  renderNav();
  signInView();
}

function signInView() {
  const key = h("input", {
    type: "password",
    name: "key",
    autocomplete: "current-password",
    required: true,
    spellcheck: "false",
  });
  const problem = h("div");
  const form = h(
    "form",
    { class: "card form sign-in" },
    h("h1", {}, "Sign in to the console"),
    endedMessage ? h("p", { class: "warning", role: "status" }, endedMessage) : null,
    field("Admin key or organization API key", key, [
      "The admin key (printed by the first ",
      h("code", {}, "npm start"),
      ", or ",
      h("code", {}, "ROSTER_ADMIN_KEY"),
      ") sees every organization; an organization's key (",
      h("code", {}, "sk_…"),
      ") sees only that organization.",
    ]),
    problem,
    h("button", { type: "submit", class: "primary" }, "Sign in"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.replaceChildren();
    try {
      start(await api("POST", "/console/session", { key: key.value }));
    } catch (error) {
      problem.replaceChildren(
        errorBox(
          error instanceof ApiError && error.status === 401
            ? new ApiError(401, { message: "That key is not the admin key or a live organization API key." })
            : error,
        ),
      );
      key.select();
    }
  });
  root.replaceChildren(form);
  key.focus();
}

function start(described) {
  session = described;
  endedMessage = null;
  useSession(described.csrf_token, sessionEnded);
  renderNav();
  if (!location.hash || location.hash === "#/") location.replace(`#${home()}`);
  else render();
}

async function signOut() {
  try {
    await api("DELETE", "/console/session");
  } catch {
    // Already ended: signed out either way.
  }
  session = null;
  stopView?.();
  endedMessage = "You are signed out.";
  renderNav();
  signInView();
}

window.addEventListener("hashchange", render);

try {
  start(await api("GET", "/console/session"));
} catch {
  signInView();
}
