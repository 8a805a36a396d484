// A directory's attribute mapping (custom attribute → source attribute path) and group → role
// rules: edited as rows, tried on a real user without saving (POST /directories/{id}/mapping_preview),
// saved with PATCH /directories/{id}. Saving asks nothing; the previous mapping can be put back.
// The preview's user is found by searching the directory (name, email or username), as the users
// list does (GET /directory_users?search=), so any of 100k users can be picked.
import { api, ApiError } from "./api.js";
import { h, qs } from "./dom.js";
import { errorBox, field, notice } from "./widgets.js";

const PATH_EXAMPLES = [
  "name.givenName",
  "title",
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
  'phoneNumbers[type eq "work"].value',
];

function attributeRow(name = "", path = "") {
  const row = h(
    "li",
    { class: "mapping-row" },
    h("input", {
      name: "attribute-name",
      value: name,
      placeholder: "department",
      "aria-label": "Custom attribute name",
      spellcheck: "false",
    }),
    h("span", { "aria-hidden": "true" }, "←"),
    h("input", {
      name: "attribute-path",
      value: path,
      placeholder: PATH_EXAMPLES[2],
      "aria-label": "Source attribute path",
      spellcheck: "false",
      list: "attribute-path-examples",
    }),
    h("button", { type: "button", class: "small", onclick: () => row.remove() }, "Remove"),
    h("p", { class: "row-error", role: "alert", hidden: true }),
  );
  return row;
}

function ruleRow(rule = { group: "", role: "", priority: 0 }) {
  const row = h(
    "li",
    { class: "mapping-row" },
    h("input", {
      name: "rule-group",
      value: rule.group,
      placeholder: "Admins",
      "aria-label": "Group (name, id or idp_id)",
      spellcheck: "false",
    }),
    h("span", { "aria-hidden": "true" }, "→"),
    h("input", {
      name: "rule-role",
      value: rule.role,
      placeholder: "admin",
      "aria-label": "Role slug",
      spellcheck: "false",
    }),
    h("input", {
      name: "rule-priority",
      type: "number",
      step: "1",
      value: String(rule.priority),
      "aria-label": "Priority",
      class: "priority",
    }),
    h("button", { type: "button", class: "small", onclick: () => row.remove() }, "Remove"),
    h("p", { class: "row-error", role: "alert", hidden: true }),
  );
  return row;
}

function showRowError(row, message) {
  const slot = row.querySelector(".row-error");
  slot.hidden = !message;
  slot.textContent = message ?? "";
  row.classList.toggle("invalid", Boolean(message));
}

/** The editors' values as the API takes them; problems found before asking the API, in its shape. */
function readEditors(attributeList, ruleList) {
  const errors = [];
  const attribute_mapping = {};
  for (const row of attributeList.children) {
    const name = row.querySelector("[name=attribute-name]").value.trim();
    const path = row.querySelector("[name=attribute-path]").value.trim();
    if (!name && !path) continue;
    if (!name)
      errors.push({ row, field: "attribute_mapping", message: `the path "${path}" needs a custom attribute name` });
    else if (!path) errors.push({ row, field: `attribute_mapping.${name}`, message: "needs a source attribute path" });
    else if (name in attribute_mapping)
      errors.push({ row, field: `attribute_mapping.${name}`, message: "is named twice" });
    else attribute_mapping[name] = path;
  }
  const role_mapping = [];
  for (const row of ruleList.children) {
    const group = row.querySelector("[name=rule-group]").value.trim();
    const role = row.querySelector("[name=rule-role]").value.trim();
    const priorityText = row.querySelector("[name=rule-priority]").value.trim();
    if (!group && !role) continue;
    const field = `role_mapping.${role_mapping.length}`;
    const priority = Number(priorityText || "0");
    if (!group) errors.push({ row, field: `${field}.group`, message: "needs a group (its name, id or idp_id)" });
    else if (!role) errors.push({ row, field: `${field}.role`, message: "needs a role slug" });
    else if (!Number.isInteger(priority))
      errors.push({ row, field: `${field}.priority`, message: "the priority must be a whole number" });
    role_mapping.push({ group, role, priority, row });
  }
  return { attribute_mapping, role_mapping, errors };
}

/** Puts each field error of the API (or of the form) on its row, and answers the ones no row took. */
function placeErrors(errors, attributeList, ruleList, rules) {
  for (const row of [...attributeList.children, ...ruleList.children]) showRowError(row, null);
  const unplaced = [];
  for (const error of errors) {
    let row = error.row;
    const attribute = /^attribute_mapping\.(.+)$/.exec(error.field ?? "");
    const rule = /^role_mapping\.(\d+)/.exec(error.field ?? "");
    if (!row && attribute)
      row = [...attributeList.children].find(
        (r) => r.querySelector("[name=attribute-name]").value.trim() === attribute[1],
      );
    if (!row && rule) row = rules[Number(rule[1])]?.row;
    if (row) showRowError(row, error.message);
    else unplaced.push(error);
  }
  return unplaced;
}

const roleSlugs = (u) => u.roles.map((r) => r.slug).join(",");

function previewTable(before, after) {
  const names = [
    ...new Set([...Object.keys(before.custom_attributes ?? {}), ...Object.keys(after.custom_attributes ?? {})]),
  ];
  const shown = (v) =>
    v === null || v === undefined
      ? h("span", { class: "muted" }, "no value")
      : typeof v === "string"
        ? v
        : JSON.stringify(v);
  const roles = (u) => (u.roles.length ? u.roles.map((r) => r.slug).join(", ") : h("span", { class: "muted" }, "none"));
  return h(
    "div",
    { class: "table-wrap", "data-mapping-preview": after.id },
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Field"),
          h("th", { scope: "col" }, "Saved mapping"),
          h("th", { scope: "col" }, "With these edits"),
        ),
      ),
      h(
        "tbody",
        {},
        names.map((n) => {
          const changed =
            JSON.stringify(before.custom_attributes?.[n]) !== JSON.stringify(after.custom_attributes?.[n]);
          return h(
            "tr",
            { class: changed ? "changed" : "" },
            h("td", { "data-label": "Field" }, h("code", {}, `custom_attributes.${n}`)),
            h(
              "td",
              { "data-label": "Saved mapping" },
              n in (before.custom_attributes ?? {})
                ? shown(before.custom_attributes[n])
                : h("span", { class: "muted" }, "not mapped"),
            ),
            h(
              "td",
              { "data-label": "With these edits", "data-attribute": n },
              n in (after.custom_attributes ?? {})
                ? shown(after.custom_attributes[n])
                : h("span", { class: "muted" }, "not mapped"),
            ),
          );
        }),
        h(
          "tr",
          { class: before.role?.slug !== after.role?.slug ? "changed" : "" },
          h("td", { "data-label": "Field" }, h("code", {}, "role")),
          h("td", { "data-label": "Saved mapping" }, before.role?.slug ?? h("span", { class: "muted" }, "none")),
          h(
            "td",
            { "data-label": "With these edits", "data-role": "" },
            after.role?.slug ?? h("span", { class: "muted" }, "none"),
          ),
        ),
        h(
          "tr",
          { class: roleSlugs(before) !== roleSlugs(after) ? "changed" : "" },
          h("td", { "data-label": "Field" }, h("code", {}, "roles")),
          h("td", { "data-label": "Saved mapping" }, roles(before)),
          h("td", { "data-label": "With these edits" }, roles(after)),
        ),
      ),
    ),
  );
}

const PREVIEW_CHOICES = 25;

/** "ada@acme.com (Ada Lovelace)": what the operator searched by, so the match is recognised. */
function userChoice(u) {
  const name = [u.first_name, u.last_name].filter(Boolean).join(" ");
  const handle = u.email ?? u.username;
  return name && name !== handle ? `${handle} (${name})` : handle;
}

/**
 * Fills the select with the directory's users matching a search (the first ones without), the
 * first selected. An answer to an older search that arrives late is dropped.
 */
function previewUserLister(directoryId, select) {
  let asked = 0;
  return async function listUsers(search) {
    const mine = ++asked;
    select.replaceChildren(h("option", { value: "" }, search ? "Searching…" : "Loading users…"));
    try {
      const page = await api(
        "GET",
        `/directory_users${qs({ directory: directoryId, search, limit: PREVIEW_CHOICES })}`,
      );
      if (mine !== asked) return;
      if (page.data.length === 0) {
        select.replaceChildren(
          h("option", { value: "" }, search ? `No user matches "${search}"` : "No users yet: sync first"),
        );
        return;
      }
      const more = page.list_metadata?.after
        ? [h("option", { value: "", disabled: true }, `More than ${PREVIEW_CHOICES} match: search to narrow`)]
        : [];
      select.replaceChildren(...page.data.map((u) => h("option", { value: u.id }, userChoice(u))), ...more);
    } catch {
      if (mine === asked) select.replaceChildren(h("option", { value: "" }, "The users could not be listed"));
    }
  };
}

/** The directory page's mapping card: both editors, a preview on one of its users, Save. */
export function mappingCard(d) {
  const attributeList = h("ol", { class: "mapping-rows", "data-attribute-rows": "" });
  const ruleList = h("ol", { class: "mapping-rows", "data-rule-rows": "" });
  const fill = (attributes, rules) => {
    attributeList.replaceChildren(...Object.entries(attributes).map(([n, p]) => attributeRow(n, p)));
    ruleList.replaceChildren(...rules.map((r) => ruleRow(r)));
    if (attributeList.children.length === 0) attributeList.append(attributeRow());
  };
  let saved = { attribute_mapping: d.attribute_mapping ?? {}, role_mapping: d.role_mapping ?? [] };
  fill(saved.attribute_mapping, saved.role_mapping);

  const problem = h("div");
  const previewSlot = h("div");
  const userPick = h("select", { name: "preview-user" }, h("option", { value: "" }, "Loading users…"));
  const userSearch = h("input", {
    type: "search",
    name: "preview-search",
    placeholder: "name, email or username",
    autocomplete: "off",
    spellcheck: "false",
  });
  const listUsers = previewUserLister(d.id, userPick);
  let typing = 0;
  userSearch.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => listUsers(userSearch.value.trim()), 250);
  });
  // Enter searches at once; it must not submit (save) the mappings.
  userSearch.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    clearTimeout(typing);
    listUsers(userSearch.value.trim());
  });
  listUsers("");

  /** The editors' mappings, or undefined after showing what is wrong. */
  function checked() {
    const { attribute_mapping, role_mapping, errors } = readEditors(attributeList, ruleList);
    const rules = role_mapping;
    placeErrors(errors, attributeList, ruleList, rules);
    if (errors.length > 0) {
      problem.replaceChildren(
        errorBox(new ApiError(422, { code: "validation_error", message: "The mapping is invalid", errors })),
      );
      return undefined;
    }
    return {
      attribute_mapping,
      role_mapping: rules.map(({ group, role, priority }) => ({ group, role, priority })),
      rules,
    };
  }

  /** An API refusal: each field error on its row, and the whole answer in words above the buttons. */
  async function ask(slot, mapping, work) {
    slot.replaceChildren();
    try {
      return await work();
    } catch (error) {
      slot.replaceChildren(errorBox(error));
      if (error instanceof ApiError) placeErrors(error.errors, attributeList, ruleList, mapping.rules);
      return undefined;
    }
  }

  const preview = h("button", { type: "button" }, "Preview on this user");
  preview.addEventListener("click", async () => {
    problem.replaceChildren();
    previewSlot.replaceChildren();
    const mapping = checked();
    if (!mapping) return;
    if (!userPick.value) {
      previewSlot.replaceChildren(
        h(
          "p",
          { class: "warning" },
          "Pick a user to preview on (a directory without users has none: sync or wait for the provider first).",
        ),
      );
      return;
    }
    const body = {
      user: userPick.value,
      attribute_mapping: mapping.attribute_mapping,
      role_mapping: mapping.role_mapping,
    };
    const after = await ask(problem, mapping, () => api("POST", `/directories/${d.id}/mapping_preview`, body));
    if (!after) return;
    // The user as saved, for the left column; should it have gone meanwhile, the edits still show.
    const before = await api("GET", `/directory_users/${encodeURIComponent(userPick.value)}`).catch(() => ({
      custom_attributes: {},
      role: null,
      roles: [],
    }));
    previewSlot.replaceChildren(
      h("h3", {}, `${after.email ?? after.username}: saved mapping and these edits`),
      previewTable(before, after),
      h("p", { class: "hint" }, "Nothing is saved until you press Save."),
    );
  });

  const undoSlot = h("div");
  const form = h(
    "form",
    { class: "card form mapping-card" },
    h("h2", {}, "Mappings"),
    h(
      "datalist",
      { id: "attribute-path-examples" },
      PATH_EXAMPLES.map((p) => h("option", { value: p })),
    ),
    h("h3", {}, "Attribute mapping"),
    h(
      "p",
      { class: "hint" },
      "Each custom attribute (left) takes a source attribute path (right), as the source sent it: ",
      h("code", {}, "name.givenName"),
      ", ",
      h("code", {}, "title"),
      ", an enterprise-extension URN with ",
      h("code", {}, ":department"),
      ", or a filter such as ",
      h("code", {}, 'phoneNumbers[type eq "work"].value'),
      ". It shows on users as custom_attributes.",
    ),
    attributeList,
    h(
      "button",
      { type: "button", class: "small", onclick: () => attributeList.append(attributeRow()) },
      "Add an attribute",
    ),
    h("h3", {}, "Group → role mapping"),
    h(
      "p",
      { class: "hint" },
      "Members of a group (named by its name, id or idp_id) get the role; a user in several gets every one, and the one whose rule has the highest priority (the number) becomes its role.",
    ),
    ruleList,
    h("button", { type: "button", class: "small", onclick: () => ruleList.append(ruleRow()) }, "Add a rule"),
    h(
      "div",
      { class: "toolbar preview-bar" },
      field("Find a user to preview on", userSearch),
      field("Preview on", userPick),
      preview,
    ),
    problem,
    previewSlot,
    h("div", { class: "toolbar" }, h("button", { type: "submit", class: "primary" }, "Save the mappings")),
    undoSlot,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    undoSlot.replaceChildren();
    const mapping = checked();
    if (!mapping) return;
    const before = saved;
    const body = { attribute_mapping: mapping.attribute_mapping, role_mapping: mapping.role_mapping };
    const result = await ask(problem, mapping, () => api("PATCH", `/directories/${d.id}`, body));
    if (!result) return;
    saved = { attribute_mapping: result.attribute_mapping ?? {}, role_mapping: result.role_mapping ?? [] };
    fill(saved.attribute_mapping, saved.role_mapping);
    const putBack = h("button", { type: "button", class: "link" }, "put the previous mapping back in the editors");
    putBack.addEventListener("click", () => {
      fill(before.attribute_mapping, before.role_mapping);
      undoSlot.replaceChildren(notice("The previous mapping is back in the editors: Save to apply it again."));
    });
    undoSlot.replaceChildren(
      h(
        "p",
        { class: "notice-ok", role: "status" },
        "Saved, and applied to every user. To undo, ",
        putBack,
        " and save.",
      ),
    );
  });
  return form;
}
