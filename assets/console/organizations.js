// Organizations: list and search, create, rename and domains, API keys, setup links, delete.
import { api } from "./api.js";
import { h, plural, qs, route, when } from "./dom.js";
import { directoryTable, newDirectoryForm } from "./directories.js";
import { attempt, confirmDialog, copyField, field, notice, pager, secretOnce, table } from "./widgets.js";

const domainsOf = (text) =>
  text
    .split(/[\s,]+/)
    .map((d) => d.trim())
    .filter(Boolean);

export async function organizationsView(ctx) {
  const search = ctx.query.get("search") ?? "";
  const page = await api(
    "GET",
    `/organizations${qs({ limit: 25, search, before: ctx.query.get("before"), after: ctx.query.get("after") })}`,
  );
  const searchInput = h("input", { type: "search", name: "search", value: search, placeholder: "Part of a name" });
  const searchForm = h(
    "form",
    { class: "toolbar", role: "search" },
    field("Search organizations", searchInput),
    h("button", { type: "submit" }, "Search"),
  );
  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = route("/organizations", { search: searchInput.value.trim() });
  });
  return h(
    "section",
    {},
    h("h1", {}, "Organizations"),
    searchForm,
    table(
      [
        ["Name", (o) => h("a", { href: `#/organizations/${o.id}` }, o.name)],
        ["Domains", (o) => o.domains.join(", ") || "—"],
        ["Created", (o) => when(o.created_at)],
      ],
      page.data,
      search ? "No organization matches this search." : "No organizations yet: create the first one below.",
    ),
    pager(page.list_metadata, (cursor) => route("/organizations", { search, ...cursor })),
    ctx.session.principal === "admin" ? newOrganizationForm() : null,
  );
}

function newOrganizationForm() {
  const name = h("input", { name: "name", required: true, maxlength: 200 });
  const domains = h("input", { name: "domains", placeholder: "acme.com, acme.co.uk" });
  const problem = h("div");
  const form = h(
    "form",
    { class: "card form" },
    h("h2", {}, "New organization"),
    field("Name", name),
    field("Domains", domains, "Optional; separated by commas or spaces."),
    problem,
    h("button", { type: "submit", class: "primary" }, "Create the organization"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const created = await attempt(problem, () =>
      api("POST", "/organizations", { name: name.value.trim(), domains: domainsOf(domains.value) }),
    );
    if (created) location.hash = `#/organizations/${created.id}`;
  });
  return form;
}

export async function organizationView(ctx) {
  const [id] = ctx.params;
  const isAdmin = ctx.session.principal === "admin";
  const [org, directories] = await Promise.all([
    api("GET", `/organizations/${encodeURIComponent(id)}`),
    api("GET", `/directories${qs({ organization_id: id, limit: 100, include_deleted: true })}`),
  ]);
  const title = h("h1", {}, org.name);
  return h(
    "section",
    {},
    h("p", { class: "crumbs" }, isAdmin ? h("a", { href: "#/organizations" }, "Organizations") : null),
    title,
    h("p", { class: "muted" }, h("code", {}, org.id), ` · created ${when(org.created_at)}`),
    h("div", { class: "columns" }, editForm(org, title), setupLinkCard(org)),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Directories"),
      directoryTable(directories.data, { showOrganization: false }),
      directories.list_metadata.after
        ? h(
            "p",
            {},
            h(
              "a",
              { href: route("/directories", { organization_id: org.id }) },
              "All of this organization's directories",
            ),
          )
        : null,
      newDirectoryForm(org.id, { isAdmin }),
    ),
    isAdmin ? await apiKeysCard(org) : null,
    isAdmin ? deleteCard(org, directories.data) : null,
  );
}

function editForm(org, title) {
  const name = h("input", { name: "name", value: org.name, required: true, maxlength: 200 });
  const domains = h("input", { name: "domains", value: org.domains.join(", ") });
  const problem = h("div");
  const form = h(
    "form",
    { class: "card form" },
    h("h2", {}, "Name and domains"),
    field("Name", name),
    field("Domains", domains, "Separated by commas or spaces."),
    problem,
    h("button", { type: "submit", class: "primary" }, "Save"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const saved = await attempt(problem, () =>
      api("PATCH", `/organizations/${org.id}`, { name: name.value.trim(), domains: domainsOf(domains.value) }),
    );
    if (!saved) return;
    title.textContent = saved.name;
    domains.value = saved.domains.join(", ");
    problem.replaceChildren(notice("Saved."));
  });
  return form;
}

function setupLinkCard(org) {
  const slot = h("div");
  const button = h("button", { type: "button", class: "primary" }, "Generate a setup link");
  button.addEventListener("click", async () => {
    const made = await attempt(slot, () =>
      api("POST", "/portal/generate_link", { organization: org.id, intent: "dsync" }),
    );
    if (made)
      slot.replaceChildren(
        copyField("Setup link (one use, valid 5 minutes until opened)", made.link, { id: "setup-link" }),
      );
  });
  return h(
    "section",
    { class: "card" },
    h("h2", {}, "Setup link"),
    h(
      "p",
      {},
      `Send this to ${org.name}'s IT admin: it opens the setup portal, where they connect their identity provider themselves.`,
    ),
    button,
    slot,
  );
}

async function apiKeysCard(org) {
  const keys = await api("GET", `/organizations/${org.id}/api_keys?limit=100`);
  const list = h("div");
  const slot = h("div");
  const renderKeys = (data) =>
    list.replaceChildren(
      table(
        [
          ["Name", (k) => k.name],
          ["Key", (k) => h("code", {}, `sk_…${k.last4}`)],
          ["Created", (k) => when(k.created_at)],
          ["Last used", (k) => when(k.last_used_at)],
          [
            "",
            (k) => h("button", { type: "button", class: "danger small", onclick: () => revoke(k) }, `Revoke ${k.name}`),
          ],
        ],
        data,
        "No API keys: the application cannot call Roster for this organization yet.",
      ),
    );
  let current = keys.data;
  renderKeys(current);
  async function revoke(key) {
    const ok = await confirmDialog({
      title: `Revoke the key “${key.name}”?`,
      body: [
        `Anything using sk_…${key.last4} stops working at once, including console sessions it opened.`,
        "This cannot be undone.",
      ],
      confirm: "Revoke the key",
    });
    if (!ok) return;
    const done = await attempt(slot, () =>
      api("DELETE", `/organizations/${org.id}/api_keys/${key.id}`).then(() => true),
    );
    if (!done) return;
    current = current.filter((k) => k.id !== key.id);
    renderKeys(current);
    slot.replaceChildren(notice(`Revoked ${key.name}.`));
  }
  const name = h("input", { name: "key-name", placeholder: "production", maxlength: 200 });
  const form = h(
    "form",
    { class: "toolbar" },
    field("New key's name", name),
    h("button", { type: "submit" }, "Create an API key"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const made = await attempt(slot, () =>
      api("POST", `/organizations/${org.id}/api_keys`, { name: name.value.trim() || "default" }),
    );
    if (!made) return;
    name.value = "";
    current = [made, ...current];
    renderKeys(current);
    slot.replaceChildren(secretOnce(`API key “${made.name}” created`, "API key", made.key, undefined, "new-api-key"));
  });
  return h("section", { class: "card" }, h("h2", {}, "API keys"), list, form, slot);
}

function deleteCard(org, directories) {
  const live = directories.filter((d) => !d.deleted_at);
  const restorable = directories.filter((d) => d.deleted_at);
  const slot = h("div");
  const button = h("button", { type: "button", class: "danger" }, "Delete the organization");
  button.addEventListener("click", async () => {
    const [keys, endpoints] = await Promise.all([
      api("GET", `/organizations/${org.id}/api_keys?limit=100`).catch(() => ({ data: [] })),
      api("GET", `/webhook_endpoints${qs({ organization_id: org.id, limit: 100 })}`).catch(() => ({ data: [] })),
    ]);
    const body = [
      `Deleting ${org.name} also deletes ${plural(keys.data.length, "API key")} (they stop working at once), ${plural(endpoints.data.length, "webhook endpoint")} of its own with their delivery history, and its setup links.`,
      live.length || restorable.length
        ? `Roster refuses while the organization has directories: it has ${plural(live.length, "live directory", "live directories")} and ${plural(restorable.length, "deleted directory", "deleted directories")} still restorable. Delete those first (deleted ones block it until their restore period ends).`
        : "It has no directories. This cannot be undone.",
    ];
    if (!(await confirmDialog({ title: `Delete ${org.name}?`, body, confirm: "Delete the organization" }))) return;
    const done = await attempt(slot, () => api("DELETE", `/organizations/${org.id}`).then(() => true));
    if (done) location.hash = "#/organizations";
  });
  return h(
    "section",
    { class: "card danger-zone" },
    h("h2", {}, "Delete"),
    h("p", {}, "Deleting an organization asks first, and says what goes with it."),
    button,
    slot,
  );
}
