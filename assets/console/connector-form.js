// Pull directories' connector settings: the fields of each kind the server offers (LDAP, SCIM
// server, CSV, Okta API, Google Workspace, Entra ID), for a new directory and for editing one, and
// the connection test. Credentials are write-only: the API says only that one is set
// (`<key>_set`), and the form offers to replace it, never shows it. A credential that is one of
// two ways in (an Okta API token or a service app's key; an Entra client secret or a certificate)
// can also be removed, to switch to the other: the PATCH sends `null` for it.
import { api, ApiError } from "./api.js";
import { h } from "./dom.js";
import { attempt, field, notice } from "./widgets.js";

// A field: `path` in the connector object (["tls", "ca"]), how it is entered, and whether it is a credential.
const text = (path, label, extra = {}) => ({ path: path.split("."), label, input: "text", ...extra });
const secret = (path, label, extra = {}) => ({
  path: path.split("."),
  label,
  input: "password",
  secret: true,
  ...extra,
});
const number = (path, label, extra = {}) => ({ path: path.split("."), label, input: "number", more: true, ...extra });
const flag = (path, label, extra = {}) => ({ path: path.split("."), label, input: "checkbox", ...extra });

const TIMEOUT = number("timeout_ms", "Request timeout (ms)", {
  hint: "Per request, 100 to 600000; 30000 when left empty.",
});

/** The kinds of pull directory, as the API names them, with their settings (docs/connector-sources.md, docs/ldap-connector.md). */
export const PULL_KINDS = {
  ldap: {
    label: "LDAP or Active Directory (pulled)",
    fields: [
      text("url", "Server URL", {
        required: true,
        placeholder: "ldaps://ldap.example.com:636",
        hint: "ldap:// or ldaps://, with the port when it is not the usual one.",
      }),
      text("bind_dn", "Bind DN", { required: true, placeholder: "cn=roster,ou=services,dc=example,dc=com" }),
      secret("password", "Bind password", { required: true }),
      text("base_dn", "Base DN", { required: true, placeholder: "dc=example,dc=com" }),
      text("user_filter", "User filter", {
        more: true,
        hint: "Left empty: inetOrgPerson entries, and AD's person users.",
      }),
      text("group_filter", "Group filter", {
        more: true,
        hint: "Left empty: groupOfNames, groupOfUniqueNames, posixGroup and AD groups.",
      }),
      text("attributes.username", "Username attribute(s)", {
        more: true,
        list: true,
        hint: "Tried in order, comma-separated; left empty: uid, sAMAccountName, cn.",
      }),
      text("attributes.email", "Email attribute", { more: true, placeholder: "mail" }),
      text("attributes.first_name", "First name attribute", { more: true, placeholder: "givenName" }),
      text("attributes.last_name", "Last name attribute", { more: true, placeholder: "sn" }),
      text("attributes.job_title", "Job title attribute", { more: true, placeholder: "title" }),
      text("attributes.group_name", "Group name attribute", { more: true, placeholder: "cn" }),
      text("attributes.active.attribute", "Active attribute", {
        more: true,
        placeholder: "userAccountControl",
        hint: "Says whether a user is active; left empty: every user the filter returns is active.",
      }),
      {
        path: ["attributes", "active", "format"],
        label: "The active attribute's format",
        input: "select",
        more: true,
        options: [
          ["", "as its name says: AD's flags for userAccountControl, else true/false"],
          ["boolean", "true, 1, yes or enabled means active"],
          ["inverted_boolean", "true means disabled (as nsAccountLock)"],
          ["account_control", "AD's userAccountControl flags (bit 2 set: disabled)"],
        ],
      },
      text("attributes.extra", "More attributes for raw_attributes", {
        more: true,
        list: true,
        hint: "Comma-separated; left empty: cn, displayName, employeeNumber, telephoneNumber, departmentNumber, manager.",
      }),
      flag("tls.starttls", "Use StartTLS (ldap:// URLs)", { more: true }),
      {
        path: ["tls", "ca"],
        label: "Certificate authority (PEM) to trust",
        input: "textarea",
        more: true,
        hint: "Only for a server whose certificate no public authority signed.",
      },
      flag("tls.reject_unauthorized", "Skip certificate verification (insecure, for tests only)", {
        more: true,
        inverted: true,
      }),
      number("page_size", "Page size", { hint: "Entries per page, 1 to 10000; 200 when left empty." }),
      TIMEOUT,
    ],
    // `attributes.active` is an attribute name, or { attribute, format }: one pair of fields for both.
    view(current) {
      const active = current.attributes?.active;
      if (typeof active !== "string") return current;
      return { ...current, attributes: { ...current.attributes, active: { attribute: active } } };
    },
    settle(next, errors) {
      const active = next.attributes?.active;
      if (!active || typeof active !== "object") return;
      if (active.attribute === undefined) {
        if (active.format !== undefined)
          errors.push({ field: "connector.attributes.active.attribute", message: "is required with a format" });
        delete next.attributes.active;
      } else if (active.format === undefined) next.attributes.active = active.attribute;
    },
  },
  "scim pull": {
    label: "SCIM 2.0 server (pulled)",
    fields: [
      text("base_url", "SCIM base URL", {
        required: true,
        placeholder: "https://idp.example.com/scim/v2",
        hint: "The URL /Users and /Groups are appended to.",
      }),
      secret("token", "Bearer token", { required: true }),
      number("page_size", "Page size", { hint: "Resources per list request, 1 to 1000; 100 when left empty." }),
      TIMEOUT,
    ],
  },
  csv: {
    label: "CSV upload",
    fields: [
      {
        path: ["mapping"],
        label: "Column names",
        input: "pairs",
        placeholder: "Login = username\nMail = email\nTeam = groups",
        hint: "One a line, CSV column = Roster field (username, email, first_name, last_name, job_title, state, groups, external_id). Columns already named so need no line.",
      },
      text("path", "File on the server", { more: true, hint: "Left empty: rows come only from uploads on this page." }),
    ],
  },
  "okta api": {
    label: "Okta API (pulled)",
    fields: [
      text("org_url", "Okta org URL", { required: true, placeholder: "https://acme.okta.com" }),
      secret("token", "API token", {
        hint: "Or, instead, an API service app: its Client ID and private key below.",
        removable: "Remove the API token (to use a service app instead)",
      }),
      text("client_id", "Service app Client ID", { hint: "With the private key, instead of an API token." }),
      {
        path: ["private_key"],
        label: "Service app private key (PEM, or the JWK Okta shows)",
        input: "textarea",
        secret: true,
        removable: "Remove the service app's private key (to use an API token instead)",
      },
      text("key_id", "Key ID", { more: true, hint: "The key's KID on the app; taken from the JWK when it has one." }),
      text("token_url", "Token endpoint", { more: true, placeholder: "{org_url}/oauth2/v1/token" }),
      flag("include_app_groups", "Also read app groups (groups imported from apps such as Active Directory)"),
      TIMEOUT,
    ],
  },
  "google workspace": {
    label: "Google Workspace (pulled)",
    fields: [
      {
        path: ["service_account_key"],
        label: "Service account key (the JSON file's text)",
        input: "textarea",
        secret: true,
        required: true,
      },
      text("admin_email", "Administrator to act as", { required: true, placeholder: "admin@acme.com" }),
      text("customer_id", "Customer ID", {
        placeholder: "my_customer",
        hint: "Left empty: the administrator's own account.",
      }),
      text("domain", "Only this domain", { placeholder: "acme.com", hint: "Left empty: every domain of the account." }),
      number("requests_per_minute", "Requests per minute", { hint: "At most; Google's default quota is 2400." }),
      text("api_url", "Admin SDK base URL", { more: true, placeholder: "https://admin.googleapis.com" }),
      text("token_url", "Token endpoint", { more: true, placeholder: "https://oauth2.googleapis.com/token" }),
      TIMEOUT,
    ],
  },
  "entra id": {
    label: "Microsoft Entra ID (pulled)",
    fields: [
      text("tenant_id", "Directory (tenant) ID", {
        required: true,
        placeholder: "contoso.onmicrosoft.com or the tenant's GUID",
      }),
      text("client_id", "Application (client) ID", { required: true }),
      secret("client_secret", "Client secret (its Value)", {
        hint: "Or, instead, the certificate uploaded to the app registration and its private key below.",
        removable: "Remove the client secret (to use a certificate instead)",
      }),
      {
        path: ["certificate"],
        label: "Certificate (PEM)",
        input: "textarea",
        placeholder: "-----BEGIN CERTIFICATE-----",
        hint: "Its public part; with the private key, instead of a client secret.",
      },
      {
        path: ["private_key"],
        label: "Certificate's private key (PEM)",
        input: "textarea",
        secret: true,
        removable: "Remove the certificate's private key (to use a client secret instead)",
      },
      text("group_filter", "Only members of these groups", {
        input: "lines",
        hint: "Group ids or display names, one a line (a name may hold a comma); left empty: the whole tenant.",
      }),
      text("graph_url", "Microsoft Graph base URL", { more: true, placeholder: "https://graph.microsoft.com/v1.0" }),
      text("token_url", "Token endpoint", {
        more: true,
        placeholder: "https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token",
      }),
      TIMEOUT,
    ],
  },
};

// The sync engine's keys, taken by every kind.
const COMMON = [
  text("schedule", "Schedule", {
    placeholder: "15m",
    hint: 'An interval ("15m", "1h") or a 5-field cron expression; left empty: only when asked.',
  }),
  {
    path: ["removal"],
    label: "Users the source no longer lists",
    input: "select",
    options: [
      ["", "are deactivated (the default)"],
      ["delete", "are deleted"],
    ],
  },
  number("max_removal_percent", "Hold a run removing more than this % of users", {
    hint: "0 to 100; 20 when left empty. A held run waits for a person.",
  }),
  text("full_sync_interval", "Full run at least every", {
    more: true,
    placeholder: "1d",
    hint: "Scheduled runs read only changes where the source allows it, and everything this often.",
  }),
];

export const isPullType = (type) => type in PULL_KINDS;

/** What to prepare at the provider, as the server ships it with the page (the setup portal's text). */
function setupSteps(type) {
  const holder = document.getElementById("connector-setup-steps");
  try {
    return JSON.parse(holder?.dataset.steps ?? "{}")[type] ?? [];
  } catch {
    return [];
  }
}

export function setupGuide(type, open = false) {
  const steps = setupSteps(type);
  if (steps.length === 0) return null;
  return h(
    "details",
    { class: "setup-steps", open },
    h("summary", {}, "What to prepare first"),
    h(
      "ol",
      {},
      steps.map((step) => h("li", {}, step)),
    ),
  );
}

const getPath = (object, path) =>
  path.reduce((value, key) => (value && typeof value === "object" ? value[key] : undefined), object);

function setPath(object, path, value) {
  let at = object;
  for (const key of path.slice(0, -1)) {
    if (!at[key] || typeof at[key] !== "object") at[key] = {};
    at = at[key];
  }
  if (value === undefined) delete at[path.at(-1)];
  else at[path.at(-1)] = value;
}

/** An error the API would give, found before asking it: shown the same way. */
function formError(errors) {
  return new ApiError(422, { code: "validation_error", message: "The connector settings are not complete", errors });
}

function inputFor(spec, current) {
  const name = `connector.${spec.path.join(".")}`;
  const value = getPath(current, spec.path);
  if (spec.input === "checkbox") {
    const checked = spec.inverted ? value === false : value === true;
    return h("input", { type: "checkbox", name, checked });
  }
  if (spec.input === "select")
    return h(
      "select",
      { name },
      spec.options.map(([v, label]) => h("option", { value: v, selected: (value ?? "") === v }, label)),
    );
  const isSet = spec.secret && current[`${spec.path[0]}_set`] === true;
  // No `required` attribute: a missing setting is named in words with the others, as the API names them.
  const props = {
    name,
    "aria-required": spec.required ? "true" : undefined,
    spellcheck: "false",
    autocomplete: spec.secret ? "new-password" : "off",
    placeholder: isSet ? "set: leave empty to keep it, or type a new one to replace it" : spec.placeholder,
  };
  if (spec.input === "textarea" || spec.input === "pairs" || spec.input === "lines") {
    const shown = spec.secret
      ? ""
      : spec.input === "pairs"
        ? Object.entries(value ?? {})
            .map(([k, v]) => `${k} = ${v}`)
            .join("\n")
        : spec.input === "lines"
          ? (value ?? []).join("\n")
          : (value ?? "");
    return h("textarea", { ...props, rows: spec.input === "textarea" ? 5 : 4, value: shown });
  }
  const shown =
    spec.secret || value === undefined || value === null ? "" : Array.isArray(value) ? value.join(", ") : String(value);
  return h("input", {
    ...props,
    type: spec.input === "number" ? "number" : spec.input === "password" ? "password" : "text",
    value: shown,
  });
}

function readInput(spec, input, errors) {
  const name = `connector.${spec.path.join(".")}`;
  if (spec.input === "checkbox")
    return spec.inverted ? (input.checked ? false : undefined) : input.checked ? true : undefined;
  const raw = input.value.trim();
  if (raw === "") return undefined;
  if (spec.input === "number") {
    const n = Number(raw);
    if (!Number.isFinite(n)) errors.push({ field: name, message: "must be a number" });
    return n;
  }
  if (spec.list)
    return raw
      .split(/[,\n]/)
      .map((s) => s.trim())
      .filter(Boolean);
  if (spec.input === "lines")
    return raw
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean);
  if (spec.input === "pairs") {
    const pairs = {};
    for (const line of raw
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)) {
      const at = line.indexOf("=");
      if (at <= 0) errors.push({ field: name, message: `"${line}" is not "CSV column = Roster field"` });
      else pairs[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    return pairs;
  }
  return raw;
}

function badgeFor(spec, current) {
  if (!spec.secret) return null;
  return current[`${spec.path[0]}_set`] === true
    ? h("span", { class: "badge state-linked", "data-secret-state": spec.path[0] }, "set")
    : h("span", { class: "badge", "data-secret-state": spec.path[0] }, "not set");
}

/** A set credential that may go (`removable`): a checkbox that empties and disables its input while ticked. */
function removeControl(spec, current, editing, input) {
  if (!editing || !spec.removable || current[`${spec.path[0]}_set`] !== true) return null;
  const box = h("input", { type: "checkbox", name: `remove.${spec.path[0]}`, "data-remove-secret": spec.path[0] });
  box.addEventListener("change", () => {
    input.disabled = box.checked;
    if (box.checked) input.value = "";
  });
  return box;
}

/**
 * The fields of one kind. `current` is the directory's `connector` as the API shows it (edit) or {}
 * (new). `read()` gives the connector object to send: for a new directory every value given; for an
 * edit the changed keys, `null` for one emptied or a credential removed, credentials only when a new
 * one was typed.
 */
export function connectorFields(type, current = {}, { editing = false } = {}) {
  const kind = PULL_KINDS[type];
  const specs = [...kind.fields, ...COMMON];
  const shown = kind.view ? kind.view(current) : current;
  const inputs = specs.map((spec) => {
    const input = inputFor(spec, shown);
    return { spec, input, remove: removeControl(spec, current, editing, input) };
  });
  const row = ({ spec, input, remove }) => {
    const label = spec.secret && editing ? [spec.label, " ", badgeFor(spec, current)] : spec.label;
    if (spec.input === "checkbox") return h("div", { class: "field check" }, h("label", {}, input, " ", spec.label));
    const f = field(
      spec.label,
      input,
      spec.secret && editing && current[`${spec.path[0]}_set`]
        ? "Stored encrypted and never shown: type a new value only to replace it."
        : spec.hint,
    );
    f.querySelector("label").replaceChildren(...[label].flat());
    if (remove) f.append(h("div", { class: "field check remove-secret" }, h("label", {}, remove, " ", spec.removable)));
    return f;
  };
  const element = h(
    "div",
    { class: "connector-fields", "data-kind": type },
    inputs.filter((i) => !i.spec.more).map(row),
    h(
      "details",
      { class: "more-settings" },
      h("summary", {}, "More settings"),
      inputs.filter((i) => i.spec.more).map(row),
    ),
  );

  function read() {
    const errors = [];
    const next = {};
    const removed = [];
    // Keys the form does not show (an LDAP attribute list, …) are kept as they are.
    for (const [key, value] of Object.entries(current)) if (!key.endsWith("_set")) next[key] = structuredClone(value);
    for (const { spec, input, remove } of inputs) {
      if (remove?.checked) {
        removed.push(spec.path[0]);
        continue;
      }
      const value = readInput(spec, input, errors);
      if (spec.secret && value === undefined) {
        if (spec.required && !current[`${spec.path[0]}_set`])
          errors.push({ field: `connector.${spec.path.join(".")}`, message: "is required" });
        continue;
      }
      if (spec.required && value === undefined)
        errors.push({ field: `connector.${spec.path.join(".")}`, message: "is required" });
      setPath(next, spec.path, value);
    }
    kind.settle?.(next, errors);
    for (const key of Object.keys(next))
      if (
        next[key] &&
        typeof next[key] === "object" &&
        !Array.isArray(next[key]) &&
        Object.keys(next[key]).length === 0 &&
        key !== "mapping"
      )
        delete next[key];
    if (errors.length > 0) throw formError(errors);
    if (!editing) return next;
    const patch = {};
    for (const key of new Set([...Object.keys(next), ...Object.keys(current).filter((k) => !k.endsWith("_set"))])) {
      if (!(key in next)) patch[key] = null;
      else if (JSON.stringify(next[key]) !== JSON.stringify(current[key])) patch[key] = next[key];
    }
    for (const key of removed) patch[key] = null;
    return patch;
  }

  return { element, read };
}

const PRIVATE_NETWORK_LABEL = "May reach private addresses (loopback, private networks, link-local)";
const PRIVATE_NETWORK_HINT =
  "The admin's leave, for a source inside your network, when ROSTER_OUTBOUND_PRIVATE keeps tenants' connectors off private addresses.";

/** The admin key's `private_network` checkbox (an organization key may not set it: the API refuses). */
function privateNetworkBox(checked) {
  const box = h("input", { type: "checkbox", name: "private_network", checked });
  return {
    box,
    element: h(
      "div",
      { class: "field check private-network" },
      h("label", {}, box, " ", PRIVATE_NETWORK_LABEL),
      h("p", { class: "hint" }, PRIVATE_NETWORK_HINT),
    ),
  };
}

/**
 * The connector part of the new-directory form: follows the type select, shows the kind's setup steps
 * and fields. `body()` gives `{ connector }` for a pull type (with `private_network` for the admin
 * key: ticked, as the API's default for the admin), `{}` for an ingest one.
 */
export function newConnectorSection(typeSelect, { isAdmin = false } = {}) {
  const slot = h("div", { class: "new-connector" });
  let fields = null;
  const privateNetwork = isAdmin ? privateNetworkBox(true) : null;
  const show = () => {
    fields = isPullType(typeSelect.value) ? connectorFields(typeSelect.value) : null;
    slot.replaceChildren(
      ...(fields
        ? [
            h("h4", {}, "Connector settings"),
            setupGuide(typeSelect.value),
            fields.element,
            privateNetwork?.element,
          ].filter(Boolean)
        : []),
    );
  };
  typeSelect.addEventListener("change", show);
  show();
  return {
    element: slot,
    body: () =>
      fields
        ? { connector: fields.read(), ...(privateNetwork ? { private_network: privateNetwork.box.checked } : {}) }
        : {},
  };
}

const RESULT_WORDS = { true: "passed", false: "failed" };

/** The test's answer in words: one line per check, in the order a run needs them. */
function testReport(result) {
  return h(
    "div",
    {
      class: `card connector-test ${result.ok ? "done" : "error-box"}`,
      role: "status",
      "data-test-ok": String(result.ok),
    },
    h(
      "p",
      {},
      h(
        "strong",
        {},
        result.ok
          ? "Every check passed: a sync can run."
          : "Some checks failed: fix the settings above, save, and test again.",
      ),
    ),
    h(
      "ul",
      { class: "plain checks" },
      result.checks.map((c) =>
        h(
          "li",
          { class: c.ok ? "check-ok" : "check-failed" },
          h("strong", {}, `${c.ok ? "✓" : "✗"} ${c.name}: ${RESULT_WORDS[c.ok]}. `),
          c.message,
        ),
      ),
    ),
  );
}

/**
 * The directory page's connector card: setup steps, the settings (credentials write-only), the
 * admin's `private_network` leave, Save, Test connection.
 */
export function connectorCard(d, { isAdmin = false } = {}) {
  const fields = connectorFields(d.type, d.connector ?? {}, { editing: true });
  const privateNetwork = isAdmin ? privateNetworkBox(d.private_network === true) : null;
  const privateNote =
    !isAdmin && d.private_network
      ? h(
          "p",
          { class: "hint", "data-private-network": "" },
          "The admin lets this connector reach private addresses; pointing it at a new address takes that leave away.",
        )
      : null;
  const problem = h("div");
  const report = h("div", { "data-connector-test": "" });
  const canTest = d.type !== "csv";
  const test = h("button", { type: "button" }, "Test connection");
  test.addEventListener("click", async () => {
    test.disabled = true;
    report.replaceChildren(h("p", { class: "muted" }, "Testing the connection…"));
    const result = await attempt(report, () => api("POST", `/directories/${d.id}/connector/test`));
    test.disabled = false;
    if (result) report.replaceChildren(testReport(result));
  });
  const toSync = h(
    "button",
    {
      type: "button",
      class: "link",
      onclick: () =>
        document.querySelector("[data-sync-history]")?.closest("section")?.scrollIntoView({ block: "start" }),
    },
    "Sync now or do a dry run",
  );
  const form = h(
    "form",
    { class: "card form connector-card" },
    h("h2", {}, "Connector"),
    setupGuide(d.type),
    fields.element,
    privateNetwork?.element,
    privateNote,
    problem,
    h(
      "div",
      { class: "toolbar" },
      h("button", { type: "submit", class: "primary" }, "Save the connector settings"),
      canTest ? test : null,
    ),
    report,
    h(
      "p",
      { class: "hint" },
      canTest
        ? "The test checks the saved settings against the provider and writes nothing. Then: "
        : "Upload rows in the Sync card: ",
      toSync,
      ".",
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.replaceChildren();
    let patch;
    try {
      patch = fields.read();
    } catch (error) {
      await attempt(problem, () => Promise.reject(error));
      return;
    }
    const body = {
      ...(Object.keys(patch).length > 0 ? { connector: patch } : {}),
      ...(privateNetwork && privateNetwork.box.checked !== (d.private_network === true)
        ? { private_network: privateNetwork.box.checked }
        : {}),
    };
    if (Object.keys(body).length === 0) {
      problem.replaceChildren(notice("Nothing changed."));
      return;
    }
    const saved = await attempt(problem, () => api("PATCH", `/directories/${d.id}`, body));
    if (!saved) return;
    d.connector = saved.connector;
    d.private_network = saved.private_network;
    if (privateNetwork) privateNetwork.box.checked = saved.private_network === true;
    const again = connectorFields(d.type, saved.connector ?? {}, { editing: true });
    fields.element.replaceWith(again.element);
    Object.assign(fields, again);
    problem.replaceChildren(notice(canTest ? "Saved. Test the connection to check the new settings." : "Saved."));
  });
  return form;
}
