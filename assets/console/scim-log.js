// A directory's SCIM request log: errors first, then every request, each with its method, path,
// status, latency, the IdP's user agent and the (redacted) body. How an operator debugs an IdP.
import { api } from "./api.js";
import { h, qs, route, when } from "./dom.js";
import { pager, table } from "./widgets.js";

/** The path under the directory's SCIM base (`/Users?filter=…`), as the IdP's settings name it. */
function shortPath(path) {
  return path.replace(/^\/scim\/v2\/[^/?]+/i, "") || "/";
}

function requestTable(rows, empty) {
  return table(
    [
      ["Time", (r) => when(r.created_at)],
      ["Request", (r) => h("code", { title: r.path }, `${r.method} ${shortPath(r.path)}`)],
      ["Status", (r) => h("span", { class: r.status >= 400 ? "status error" : "status ok" }, String(r.status))],
      ["Latency", (r) => `${Math.round(r.latency_ms)} ms`],
      ["User agent", (r) => r.user_agent ?? "—"],
      ["Token", (r) => (r.authenticated ? "valid" : "none or wrong")],
      [
        "Detail",
        (r) =>
          r.error_detail || r.request_body
            ? h(
                "details",
                {},
                h("summary", {}, r.error_detail ? "Error and body" : "Body"),
                r.error_detail ? h("p", { class: "error" }, r.error_detail) : null,
                r.request_body ? h("pre", { class: "json" }, pretty(r.request_body)) : null,
              )
            : "—",
      ],
    ],
    rows,
    empty,
  );
}

function pretty(body) {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export async function scimLogView(ctx) {
  const [id] = ctx.params;
  const d = await api("GET", `/directories/${encodeURIComponent(id)}`);
  const paging = { before: ctx.query.get("before"), after: ctx.query.get("after") };
  const [errors, all] = await Promise.all([
    api("GET", `/directories/${d.id}/scim_requests${qs({ errors_only: true, limit: 10 })}`),
    api("GET", `/directories/${d.id}/scim_requests${qs({ limit: 25, ...paging })}`),
  ]);
  return h(
    "section",
    {},
    h("p", { class: "crumbs" }, h("a", { href: `#/directories/${d.id}` }, d.name)),
    h(
      "nav",
      { class: "tabs", "aria-label": "Directory" },
      h("a", { href: `#/directories/${d.id}/users` }, "Users"),
      h("a", { href: `#/directories/${d.id}/groups` }, "Groups"),
      h("a", { href: `#/directories/${d.id}/requests`, "aria-current": "page" }, "SCIM request log"),
    ),
    h("h1", {}, `SCIM requests of ${d.name}`),
    h(
      "p",
      { class: "muted" },
      "The last 1,000 requests the identity provider sent, newest first. Bodies are stored with secrets redacted.",
    ),
    h(
      "section",
      { class: "card", "data-log": "errors" },
      h("h2", {}, "Latest errors"),
      requestTable(errors.data, "No errors: every recent request succeeded."),
    ),
    h(
      "section",
      { class: "card", "data-log": "all" },
      h(
        "h2",
        {},
        "All requests ",
        h("button", { type: "button", class: "small", onclick: () => ctx.rerender() }, "Refresh"),
      ),
      requestTable(all.data, "No SCIM request yet: paste the base URL and token into the identity provider."),
      pager(all.list_metadata, (cursor) => route(`/directories/${d.id}/requests`, cursor)),
    ),
  );
}
