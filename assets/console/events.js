// The events feed: the newest events, then each new one as it is written (polled with the
// feed's `after` cursor, no reload), filtered by type and, for the admin, by organization.
import { api } from "./api.js";
import { h, qs, route, when } from "./dom.js";
import { field } from "./widgets.js";

const POLL_MS = 2000;

function subject(data) {
  const user = data.user ?? data;
  return user.username ?? user.email ?? data.group?.name ?? data.name ?? data.directory_id ?? data.id ?? "";
}

function eventItem(e) {
  return h(
    "li",
    { dataset: { event: e.event, id: e.id } },
    h("time", { datetime: e.created_at }, when(e.created_at)),
    " ",
    h("code", {}, e.event),
    " ",
    h("span", {}, subject(e.data)),
    h("details", {}, h("summary", {}, "Data"), h("pre", { class: "json" }, JSON.stringify(e.data, null, 2))),
  );
}

export async function eventsView(ctx) {
  const type = ctx.query.get("type") ?? "";
  const organization = ctx.query.get("organization_id") ?? "";
  const isAdmin = ctx.session.principal === "admin";
  const [types, orgs, newest] = await Promise.all([
    api("GET", "/events/types"),
    isAdmin ? api("GET", "/organizations?limit=100&order=asc") : Promise.resolve({ data: [] }),
    api("GET", `/events${qs({ events: type, organization_id: organization, limit: 50, order: "desc" })}`),
  ]);
  const typeSelect = h(
    "select",
    { name: "type" },
    h("option", { value: "" }, "Every type"),
    types.data.map((t) => h("option", { value: t.event, selected: t.event === type }, t.event)),
  );
  const orgSelect = isAdmin
    ? h(
        "select",
        { name: "organization_id" },
        h("option", { value: "" }, "Every organization"),
        orgs.data.map((o) => h("option", { value: o.id, selected: o.id === organization }, o.name)),
      )
    : null;
  const filters = h(
    "form",
    { class: "toolbar" },
    field("Type", typeSelect),
    orgSelect ? field("Organization", orgSelect) : null,
    h("button", { type: "submit" }, "Filter"),
  );
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = route("/events", { type: typeSelect.value, organization_id: orgSelect?.value });
  });
  const list = h("ol", { class: "events", reversed: true, "data-events": "" }, newest.data.map(eventItem));
  const status = h("p", { class: "muted live", role: "status" }, "Following new events as they are written.");
  const empty = h("p", { class: "muted", hidden: newest.data.length > 0 }, "No events yet.");

  let after = newest.data[0]?.id;
  let stopped = false;
  let timer = null;
  async function poll() {
    if (stopped) return;
    try {
      const page = await api(
        "GET",
        `/events${qs({ events: type, organization_id: organization, limit: 100, order: "asc", after })}`,
      );
      for (const e of page.data) list.prepend(eventItem(e));
      if (page.data.length) {
        after = page.data[page.data.length - 1].id;
        empty.hidden = true;
      }
      status.textContent = "Following new events as they are written.";
      timer = setTimeout(poll, page.data.length === 100 ? 0 : POLL_MS);
    } catch (error) {
      if (error.status === 401) return;
      status.textContent = "Lost touch with Roster; trying again.";
      timer = setTimeout(poll, POLL_MS * 4);
    }
  }
  timer = setTimeout(poll, POLL_MS);
  ctx.onLeave(() => {
    stopped = true;
    clearTimeout(timer);
  });
  return h("section", {}, h("h1", {}, "Events"), filters, status, empty, list);
}
