// Directories: the list with state, counts and last activity; a directory's page with its SCIM
// credentials, token rotation, policy, sync runs (pull types), soft delete and restore.
import { api } from "./api.js";
import { h, plural, qs, route, when } from "./dom.js";
import { connectorCard, newConnectorSection, PULL_KINDS } from "./connector-form.js";
import { mappingCard } from "./mapping-editor.js";
import { syncCard } from "./sync-runs.js";
import {
  attempt,
  badge,
  confirmDialog,
  copyField,
  definitionList,
  field,
  notice,
  pager,
  secretOnce,
  table,
} from "./widgets.js";

const INGEST = {
  "okta scim v2.0": "Okta (SCIM)",
  "azure scim v2.0": "Microsoft Entra ID (SCIM)",
  "onelogin scim v2.0": "OneLogin (SCIM)",
  "jump cloud scim v2.0": "JumpCloud (SCIM)",
  "generic scim v2.0": "Other SCIM 2.0 identity provider",
};
const PULL = Object.fromEntries(Object.entries(PULL_KINDS).map(([type, kind]) => [type, kind.label]));
const POLICIES = {
  hide: "hide: an inactive user keeps their memberships, but none are shown",
  remove: "remove: an inactive user's memberships are deleted",
  keep: "keep: an inactive user's memberships stay visible",
};

export const typeLabel = (type) => INGEST[type] ?? PULL[type] ?? type;
const isIngest = (d) => d.type in INGEST;

/** The secret a create answered with, shown once on the page the console goes to next. */
let justCreated = null;

/** Last activity: the API's `last_activity_at` (newest SCIM request, sync run or change), no request of its own. */
function lastActivityCell(d) {
  if (d.deleted_at) return `deleted ${when(d.deleted_at)}`;
  return d.last_activity_at
    ? h("time", { datetime: d.last_activity_at }, when(d.last_activity_at))
    : h("span", { class: "muted" }, "none yet");
}

export function directoryTable(rows, { showOrganization = true, orgNames = new Map() } = {}) {
  return table(
    [
      ["Name", (d) => h("a", { href: `#/directories/${d.id}` }, d.name)],
      showOrganization
        ? [
            "Organization",
            (d) =>
              h(
                "a",
                { href: `#/organizations/${d.organization_id}` },
                orgNames.get(d.organization_id) ?? d.organization_id,
              ),
          ]
        : null,
      ["Type", (d) => typeLabel(d.type)],
      ["State", (d) => badge(d.deleted_at ? "deleted" : d.state)],
      [
        "Users",
        (d) =>
          `${d.metadata.users.active.toLocaleString("en")} active, ${d.metadata.users.inactive.toLocaleString("en")} inactive`,
      ],
      ["Groups", (d) => d.metadata.groups.toLocaleString("en")],
      ["Last activity", lastActivityCell],
    ].filter(Boolean),
    rows,
    "No directories yet.",
  );
}

export function newDirectoryForm(organizationId, { isAdmin = false } = {}) {
  const name = h("input", { name: "name", required: true, maxlength: 200, placeholder: "Okta – employees" });
  const type = h(
    "select",
    { name: "type" },
    h(
      "optgroup",
      { label: "The provider pushes over SCIM" },
      Object.entries(INGEST).map(([value, label]) => h("option", { value }, label)),
    ),
    h(
      "optgroup",
      { label: "Roster pulls from the source" },
      Object.entries(PULL).map(([value, label]) => h("option", { value }, label)),
    ),
  );
  const connector = newConnectorSection(type, { isAdmin });
  const problem = h("div");
  const form = h(
    "form",
    { class: "form new-directory" },
    h("h3", {}, "New directory"),
    field("Directory name", name),
    field("Identity provider", type),
    connector.element,
    problem,
    h("button", { type: "submit", class: "primary" }, "Create the directory"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const created = await attempt(problem, () =>
      api("POST", "/directories", {
        organization_id: organizationId,
        name: name.value.trim(),
        type: type.value,
        ...connector.body(),
      }),
    );
    if (!created) return;
    if (created.scim?.token)
      justCreated = {
        id: created.id,
        token: created.scim.token,
        note: "Paste the base URL and this token into the identity provider's SCIM settings.",
      };
    location.hash = `#/directories/${created.id}`;
  });
  return form;
}

export async function directoriesView(ctx) {
  const organization = ctx.query.get("organization_id") ?? "";
  const includeDeleted = ctx.query.get("include_deleted") === "true";
  const page = await api(
    "GET",
    `/directories${qs({ limit: 25, organization_id: organization, include_deleted: includeDeleted || undefined, before: ctx.query.get("before"), after: ctx.query.get("after") })}`,
  );
  const ids = [...new Set(page.data.map((d) => d.organization_id))];
  const orgs = await Promise.all(ids.map((id) => api("GET", `/organizations/${id}`).catch(() => null)));
  const orgNames = new Map(orgs.filter(Boolean).map((o) => [o.id, o.name]));
  const toggle = h(
    "a",
    {
      href: route("/directories", {
        organization_id: organization,
        include_deleted: includeDeleted ? undefined : "true",
      }),
    },
    includeDeleted ? "Hide deleted directories" : "Show deleted directories",
  );
  return h(
    "section",
    {},
    h(
      "h1",
      {},
      organization && orgNames.has(organization) ? `Directories of ${orgNames.get(organization)}` : "Directories",
    ),
    h("p", {}, toggle),
    directoryTable(page.data, { orgNames }),
    pager(page.list_metadata, (cursor) =>
      route("/directories", { organization_id: organization, include_deleted: includeDeleted || undefined, ...cursor }),
    ),
  );
}

export async function directoryView(ctx) {
  const [id] = ctx.params;
  const d = await api("GET", `/directories/${encodeURIComponent(id)}`);
  const org = await api("GET", `/organizations/${d.organization_id}`).catch(() => null);
  const created = justCreated?.id === d.id ? justCreated : null;
  justCreated = null;
  const counts = `${plural(d.metadata.users.active, "active user")}, ${plural(d.metadata.users.inactive, "inactive user")}, ${plural(d.metadata.groups, "group")}`;
  return h(
    "section",
    {},
    h(
      "p",
      { class: "crumbs" },
      h("a", { href: `#/organizations/${d.organization_id}` }, org?.name ?? d.organization_id),
      " › directories",
    ),
    h("h1", {}, d.name, " ", badge(d.deleted_at ? "deleted" : d.state)),
    h("p", { class: "muted" }, `${typeLabel(d.type)} · `, h("code", {}, d.id)),
    d.deleted_at
      ? null
      : h(
          "nav",
          { class: "tabs", "aria-label": "Directory" },
          h("a", { href: `#/directories/${d.id}/users` }, "Users"),
          h("a", { href: `#/directories/${d.id}/groups` }, "Groups"),
          isIngest(d) ? h("a", { href: `#/directories/${d.id}/requests` }, "SCIM request log") : null,
        ),
    h("p", { "data-counts": "" }, counts),
    d.deleted_at
      ? restoreCard(d)
      : [
          isIngest(d)
            ? scimCard(d, created)
            : [syncCard(d, () => ctx.rerender()), connectorCard(d, { isAdmin: ctx.session.principal === "admin" })],
          mappingCard(d),
          settingsCard(d),
          deleteCard(d),
        ],
  );
}

function scimCard(d, created) {
  // A new token shows under the base URL, the two things the identity provider needs.
  const slot = h("div");
  if (created)
    slot.append(
      secretOnce(
        "SCIM bearer token",
        "Bearer token",
        created.token,
        `${created.note} Copy it now: it will not be shown again.`,
        "scim-token",
      ),
    );
  const grace = h(
    "select",
    { name: "grace" },
    h("option", { value: "" }, "the server's default"),
    h("option", { value: "0" }, "none: the old token stops at once"),
    h("option", { value: "3600" }, "1 hour"),
    h("option", { value: "86400" }, "1 day"),
    h("option", { value: "604800" }, "7 days"),
  );
  const rotate = h("button", { type: "button" }, "Rotate the token");
  rotate.addEventListener("click", async () => {
    const ok = await confirmDialog({
      title: "Rotate the SCIM token?",
      body: [
        "Roster makes a new token and shows it once. The identity provider must be given the new one.",
        grace.value === "0"
          ? "The current token stops working at once."
          : "The current token keeps working for the grace period you chose, then stops.",
      ],
      confirm: "Rotate the token",
    });
    if (!ok) return;
    const body = grace.value === "" ? {} : { grace_period_seconds: Number(grace.value) };
    const rotated = await attempt(slot, () => api("POST", `/directories/${d.id}/scim_token`, body));
    if (!rotated) return;
    const until = rotated.previous_token_expires_at
      ? `The previous token works until ${when(rotated.previous_token_expires_at)}.`
      : "The previous token no longer works.";
    slot.replaceChildren(
      secretOnce(
        "New SCIM bearer token",
        "Bearer token",
        rotated.token,
        `${until} Copy the new one now: it will not be shown again.`,
        "scim-token",
      ),
    );
  });
  return h(
    "section",
    { class: "card" },
    h("h2", {}, "SCIM"),
    copyField("SCIM base URL", d.scim?.base_url ?? "", { id: "scim-base-url" }),
    slot,
    h("p", { class: "hint" }, "The bearer token is shown only when the directory is created or its token rotated."),
    h("div", { class: "toolbar" }, field("Grace period for the current token", grace), rotate),
  );
}

function settingsCard(d) {
  const name = h("input", { name: "name", value: d.name, required: true, maxlength: 200 });
  const policy = h(
    "select",
    { name: "deactivated_members" },
    Object.entries(POLICIES).map(([value, label]) =>
      h("option", { value, selected: value === d.deactivated_members }, label),
    ),
  );
  const problem = h("div");
  const form = h(
    "form",
    { class: "card form" },
    h("h2", {}, "Settings"),
    field("Name", name),
    field("Deactivated members", policy, "What groups show of a user the identity provider deactivated."),
    problem,
    h("button", { type: "submit", class: "primary" }, "Save"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const saved = await attempt(problem, () =>
      api("PATCH", `/directories/${d.id}`, { name: name.value.trim(), deactivated_members: policy.value }),
    );
    if (saved) problem.replaceChildren(notice("Saved."));
  });
  return form;
}

function deleteCard(d) {
  const slot = h("div");
  const button = h("button", { type: "button", class: "danger" }, "Delete the directory");
  button.addEventListener("click", async () => {
    const ok = await confirmDialog({
      title: `Delete ${d.name}?`,
      body: [
        `Its ${plural(d.metadata.users.active + d.metadata.users.inactive, "user")} and ${plural(d.metadata.groups, "group")} leave the API at once, and its SCIM token stops working.`,
        "It can be restored, with everything in it, until the restore period ends (ROSTER_RESTORE_DAYS); then it is purged for good.",
      ],
      confirm: "Delete the directory",
    });
    if (!ok) return;
    const deleted = await attempt(slot, () => api("DELETE", `/directories/${d.id}`));
    if (deleted) rerender();
  });
  return h("section", { class: "card danger-zone" }, h("h2", {}, "Delete"), button, slot);
}

function restoreCard(d) {
  const slot = h("div");
  const button = h("button", { type: "button", class: "primary" }, "Restore the directory");
  button.addEventListener("click", async () => {
    const restored = await attempt(slot, () => api("POST", `/directories/${d.id}/restore`));
    if (restored) rerender();
  });
  return h(
    "section",
    { class: "card warning-card" },
    h("h2", {}, "Deleted"),
    definitionList([
      ["Deleted", when(d.deleted_at)],
      [
        "Restorable until",
        h("strong", { "data-restorable-until": d.restorable_until ?? "" }, when(d.restorable_until)),
      ],
    ]),
    h("p", {}, "Restoring brings back its users and groups as they were."),
    button,
    slot,
  );
}

function rerender() {
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}
