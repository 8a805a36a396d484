// The console's building blocks: error boxes, confirmations, once-shown secrets, copy fields,
// tables and cursor pagers. Each returns an element; none writes HTML.
import { describeError } from "./api.js";
import { h } from "./dom.js";

export function errorBox(error) {
  const { title, detail, fields } = describeError(error);
  return h(
    "div",
    { class: "card error-box", role: "alert" },
    h("p", {}, h("strong", {}, title)),
    detail ? h("p", {}, detail) : null,
    fields.length
      ? h(
          "ul",
          {},
          fields.map((f) => h("li", {}, f)),
        )
      : null,
  );
}

/** Runs `work`; shows its error (in words) in `slot` instead of throwing. Returns its result or undefined. */
export async function attempt(slot, work) {
  slot.replaceChildren();
  try {
    return await work();
  } catch (error) {
    slot.replaceChildren(errorBox(error));
    slot.querySelector("[role=alert]")?.scrollIntoView?.({ block: "nearest" });
    return undefined;
  }
}

/** A modal question; resolves true only when the person confirms. Escape or Cancel resolves false. */
export function confirmDialog({ title, body, confirm, danger = true }) {
  return new Promise((resolve) => {
    const yes = h("button", { type: "submit", class: danger ? "danger" : "primary", value: "yes" }, confirm);
    const dialog = h(
      "dialog",
      { class: "confirm", "aria-labelledby": "confirm-title" },
      h(
        "form",
        { method: "dialog" },
        h("h2", { id: "confirm-title" }, title),
        (Array.isArray(body) ? body : [body]).map((line) => h("p", {}, line)),
        h("div", { class: "actions" }, h("button", { type: "submit", value: "no", autofocus: true }, "Cancel"), yes),
      ),
    );
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "yes");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

let copyIds = 0;

/** A read-only value with a Copy button. */
export function copyField(label, value, { id = `copy-${++copyIds}`, secret = false } = {}) {
  const input = h("input", { id, readonly: true, value, spellcheck: "false", autocomplete: "off" });
  const button = h("button", { type: "button", dataset: { copy: id } }, "Copy");
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      input.select();
      document.execCommand("copy");
    }
    button.textContent = "Copied";
    setTimeout(() => (button.textContent = "Copy"), 2000);
  });
  return h(
    "div",
    { class: `copy-field${secret ? " secret" : ""}` },
    h("label", { for: id }, label),
    h("div", { class: "copy-row" }, input, button),
  );
}

/** A secret the API shows once: copy it now, it will not be shown again. */
export function secretOnce(title, label, value, note, id) {
  return h(
    "div",
    { class: "card secret", role: "status" },
    h("h3", {}, title),
    copyField(label, value, { id, secret: true }),
    h("p", { class: "warning" }, note ?? "Copy it now: Roster keeps only its hash and will not show it again."),
  );
}

/** A table: columns are [header, (row) => cell]; an empty list says so in words. */
export function table(columns, rows, empty = "Nothing here yet.") {
  if (rows.length === 0) return h("p", { class: "muted empty" }, empty);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          columns.map(([header]) => h("th", { scope: "col" }, header)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h(
            "tr",
            {},
            columns.map(([header, cell]) => h("td", { "data-label": header }, cell(row))),
          ),
        ),
      ),
    ),
  );
}

/**
 * Previous / Next over a list's cursors (list_metadata.before / after), as links that keep the
 * rest of the route's query, so the browser's Back button pages back too.
 */
export function pager(meta, hrefFor, labels = { prev: "← Newer", next: "Older →" }) {
  const prev = meta?.before
    ? h("a", { href: hrefFor({ before: meta.before }), class: "button", rel: "prev" }, labels.prev)
    : null;
  const next = meta?.after
    ? h("a", { href: hrefFor({ after: meta.after }), class: "button", rel: "next" }, labels.next)
    : null;
  if (!prev && !next) return null;
  return h("nav", { class: "pager", "aria-label": "Pages" }, prev, next);
}

export function badge(state) {
  const labels = {
    linked: "Linked",
    unlinked: "Unlinked",
    validating: "Validating",
    invalid_credentials: "Invalid credentials",
    deleting: "Deleting",
    active: "Active",
    inactive: "Inactive",
    deleted: "Deleted",
  };
  return h("span", { class: `badge state-${state}` }, labels[state] ?? state);
}

/** A labelled form field. */
export function field(label, input, hint) {
  const id = input.id || `f-${++copyIds}`;
  input.id = id;
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    hint ? h("p", { class: "hint" }, hint) : null,
    input,
  );
}

/** A short success line that screen readers announce. */
export function notice(text) {
  return h("p", { class: "notice-ok", role: "status" }, text);
}

export function definitionList(pairs) {
  return h(
    "dl",
    {},
    pairs.filter(Boolean).map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]),
  );
}
