// A directory's users and groups: filtered, cursor-paged lists; a user's page (groups, roles,
// custom and raw attributes); a group's page with its members, paged.
import { api } from "./api.js";
import { h, qs, route, when } from "./dom.js";
import { badge, definitionList, field, pager, table } from "./widgets.js";

const PAGE = 25;
/** Users and groups are listed in the order they were created: pages go forward and back. */
const PAGES = { prev: "← Previous", next: "Next →" };

function fullName(u) {
  return [u.first_name, u.last_name].filter(Boolean).join(" ") || "—";
}

async function directoryHeader(directoryId, current) {
  const d = await api("GET", `/directories/${encodeURIComponent(directoryId)}`);
  const tab = (path, text) =>
    h("a", { href: `#/directories/${d.id}${path}`, "aria-current": current === path ? "page" : undefined }, text);
  return {
    directory: d,
    header: [
      h("p", { class: "crumbs" }, h("a", { href: `#/directories/${d.id}` }, d.name)),
      h(
        "nav",
        { class: "tabs", "aria-label": "Directory" },
        tab("/users", "Users"),
        tab("/groups", "Groups"),
        d.scim ? tab("/requests", "SCIM request log") : null,
      ),
    ],
  };
}

export function userTable(rows, empty) {
  return table(
    [
      ["Username", (u) => h("a", { href: `#/users/${u.id}` }, u.username)],
      ["Name", fullName],
      ["Email", (u) => u.email ?? "—"],
      ["State", (u) => badge(u.state)],
      ["Updated", (u) => when(u.updated_at)],
    ],
    rows,
    empty,
  );
}

/** A search box that keeps the route's other filters and starts again at the first page. */
function searchForm(label, value, placeholder, go) {
  const input = h("input", { type: "search", name: "search", value, placeholder, maxlength: 200, spellcheck: "false" });
  const form = h(
    "form",
    { class: "toolbar", role: "search" },
    field(label, input),
    h("button", { type: "submit" }, "Search"),
    value ? h("button", { type: "button", onclick: () => go("") }, "Clear") : null,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    go(input.value.trim());
  });
  return form;
}

export async function usersView(ctx) {
  const [id] = ctx.params;
  const state = ctx.query.get("state") ?? "";
  const search = ctx.query.get("search") ?? "";
  const { directory, header } = await directoryHeader(id, "/users");
  const page = await api(
    "GET",
    `/directory_users${qs({ directory: directory.id, state, search, limit: PAGE, before: ctx.query.get("before"), after: ctx.query.get("after") })}`,
  );
  const here = (extra) => route(`/directories/${directory.id}/users`, { state, search, ...extra });
  const filter = (value, text) =>
    h(
      "a",
      {
        href: route(`/directories/${directory.id}/users`, { state: value, search }),
        "aria-current": state === value ? "true" : undefined,
        class: "chip",
      },
      text,
    );
  const empty = search
    ? `No ${state ? `${state} ` : ""}user matches “${search}”.`
    : state
      ? `No ${state} users.`
      : "No users yet: they appear as the identity provider sends them.";
  return h(
    "section",
    {},
    header,
    h("h1", {}, `Users of ${directory.name}`),
    searchForm(
      "Search by name, email or username",
      search,
      "ada, ada@example.com, Lovelace",
      (value) => (location.hash = route(`/directories/${directory.id}/users`, { state, search: value })),
    ),
    h(
      "div",
      { class: "filters", role: "group", "aria-label": "State" },
      filter("", "All"),
      filter("active", "Active"),
      filter("inactive", "Inactive"),
    ),
    h("div", { "data-users": "" }, userTable(page.data, empty)),
    pager(page.list_metadata, here, PAGES),
  );
}

export async function userView(ctx) {
  const [id] = ctx.params;
  const u = await api("GET", `/directory_users/${encodeURIComponent(id)}`);
  const d = await api("GET", `/directories/${u.directory_id}`).catch(() => null);
  return h(
    "section",
    {},
    h(
      "p",
      { class: "crumbs" },
      h("a", { href: `#/directories/${u.directory_id}/users` }, d ? `Users of ${d.name}` : "Users"),
    ),
    h("h1", {}, u.username, " ", badge(u.state)),
    h(
      "div",
      { class: "columns" },
      h(
        "section",
        { class: "card" },
        h("h2", {}, "Profile"),
        definitionList([
          ["Name", fullName(u)],
          [
            "Email",
            u.emails.length ? u.emails.map((e) => `${e.value}${e.primary ? " (primary)" : ""}`).join(", ") : "—",
          ],
          ["Job title", u.job_title ?? "—"],
          ["Roles", u.roles.length ? u.roles.map((r) => r.slug).join(", ") : "—"],
          ["Id", h("code", {}, u.id)],
          ["IdP id", u.idp_id ? h("code", {}, u.idp_id) : "—"],
          ["Created", when(u.created_at)],
          ["Updated", when(u.updated_at)],
        ]),
      ),
      h(
        "section",
        { class: "card" },
        h("h2", {}, "Groups"),
        u.groups.length
          ? h(
              "ul",
              { class: "plain", "data-user-groups": "" },
              u.groups.map((g) => h("li", {}, h("a", { href: `#/groups/${g.id}` }, g.name))),
            )
          : h("p", { class: "muted" }, "In no group."),
      ),
    ),
    attributes(
      "Custom attributes",
      u.custom_attributes,
      "None mapped: the directory's attribute mapping names what goes here.",
    ),
    attributes("Raw attributes", u.raw_attributes, "None."),
  );
}

function attributes(title, value, empty) {
  const keys = Object.keys(value ?? {});
  return h(
    "section",
    { class: "card" },
    h("h2", {}, title),
    keys.length ? h("pre", { class: "json" }, JSON.stringify(value, null, 2)) : h("p", { class: "muted" }, empty),
  );
}

export async function groupsView(ctx) {
  const [id] = ctx.params;
  const search = ctx.query.get("search") ?? "";
  const { directory, header } = await directoryHeader(id, "/groups");
  const page = await api(
    "GET",
    `/directory_groups${qs({ directory: directory.id, search, limit: PAGE, before: ctx.query.get("before"), after: ctx.query.get("after") })}`,
  );
  return h(
    "section",
    {},
    header,
    h("h1", {}, `Groups of ${directory.name}`),
    searchForm(
      "Search by name",
      search,
      "Engineering",
      (value) => (location.hash = route(`/directories/${directory.id}/groups`, { search: value })),
    ),
    h(
      "div",
      { "data-groups": "" },
      table(
        [
          ["Name", (g) => h("a", { href: `#/groups/${g.id}` }, g.name)],
          ["IdP id", (g) => (g.idp_id ? h("code", {}, g.idp_id) : "—")],
          ["Updated", (g) => when(g.updated_at)],
        ],
        page.data,
        search ? `No group matches “${search}”.` : "No groups yet.",
      ),
    ),
    pager(page.list_metadata, (cursor) => route(`/directories/${directory.id}/groups`, { search, ...cursor }), PAGES),
  );
}

export async function groupView(ctx) {
  const [id] = ctx.params;
  const g = await api("GET", `/directory_groups/${encodeURIComponent(id)}`);
  const [members, d] = await Promise.all([
    api(
      "GET",
      `/directory_users${qs({ group: g.id, limit: PAGE, before: ctx.query.get("before"), after: ctx.query.get("after") })}`,
    ),
    api("GET", `/directories/${g.directory_id}`).catch(() => null),
  ]);
  return h(
    "section",
    {},
    h(
      "p",
      { class: "crumbs" },
      h("a", { href: `#/directories/${g.directory_id}/groups` }, d ? `Groups of ${d.name}` : "Groups"),
    ),
    h("h1", {}, g.name),
    h("p", { class: "muted" }, h("code", {}, g.id), g.idp_id ? [" · IdP id ", h("code", {}, g.idp_id)] : null),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Members"),
      userTable(members.data, "No members."),
      pager(members.list_metadata, (cursor) => route(`/groups/${g.id}`, cursor), PAGES),
    ),
    attributes("Raw attributes", g.raw_attributes, "None."),
  );
}
