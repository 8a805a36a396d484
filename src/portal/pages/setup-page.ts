import { html } from "../../web/html.js";
import type { FieldError } from "../../core/errors.js";
import type { IdpChoice, SetupField } from "../idp-guides.js";
import type { PortalContext } from "../portal-session.js";
import { csrfField, portalPage } from "./portal-frame.js";

export interface SetupForm {
  readonly key: string;
  readonly label: string;
  readonly type: string;
  /** What to prepare on the provider's side before the form (pull sources that need it). */
  readonly steps?: readonly string[];
  /** A pull source's connector settings. */
  readonly fields?: readonly SetupField[];
  readonly fieldsNote?: string;
}

function errorList(message: string | null, errors: readonly FieldError[]) {
  if (!message) return null;
  return html`<div class="card error-box" role="alert"><p>${message}</p>${errors.length > 0 ? html`<ul>${errors.map((e) => html`<li><code>${e.field}</code> ${e.message}</li>`)}</ul>` : null}</div>`;
}

function fieldInput(f: SetupField, value: string) {
  const required = f.required ? html`required` : null;
  switch (f.kind) {
    case "textarea":
    case "list":
      return html`<textarea name="${f.name}" rows="${f.kind === "list" ? 4 : 5}" ${required} autocomplete="off" spellcheck="false" placeholder="${f.placeholder ?? ""}">${value}</textarea>`;
    default:
      return html`<input name="${f.name}" type="${f.kind}" ${required} value="${value}" autocomplete="${f.kind === "password" ? "new-password" : "off"}">`;
  }
}

/** A pull choice's settings; a secret's value is never written back into the page. */
function settingFields(fields: readonly SetupField[], values: Readonly<Record<string, string>>) {
  return fields.map((f) => {
    const value = f.secret ? "" : (values[f.name] ?? "");
    if (f.kind === "checkbox") {
      const checked = value !== "" ? html`checked` : null;
      return html`<label class="check"><input name="${f.name}" type="checkbox" value="true" ${checked}> ${f.label}</label><p class="hint">${f.hint}</p>`;
    }
    return html`<label>${f.label} ${fieldInput(f, value)}</label><p class="hint">${f.hint}</p>`;
  });
}

/** Step 2: name the directory (and, for LDAP, say how to reach it). */
export function setupPage(
  ctx: PortalContext,
  choice: SetupForm,
  values: Readonly<Record<string, string>> = {},
  problem: { message: string; errors: readonly FieldError[] } | null = null,
): string {
  const steps = choice.steps ?? [];
  return portalPage(
    ctx,
    `Set up ${choice.label}`,
    html`<h1>Set up ${choice.label}</h1>
${errorList(problem?.message ?? null, problem?.errors ?? [])}
${steps.length > 0 ? html`<section class="card"><h2>Before you start</h2><ol>${steps.map((step) => html`<li>${step}</li>`)}</ol></section>` : null}
<form method="post" action="/portal/directories" class="card form">
  ${csrfField(ctx)}
  <input type="hidden" name="idp" value="${choice.key}">
  <label>Directory name <input name="name" required maxlength="200" value="${values.name ?? `${choice.label} directory`}"></label>
  <p class="hint">A name for your own reference, e.g. “${choice.label} – employees”.</p>
  ${choice.fieldsNote ? html`<p class="hint">${choice.fieldsNote}</p>` : null}
  ${settingFields(choice.fields ?? [], values)}
  ${choice.type === "csv" ? html`<p class="hint">After creating the directory you upload the CSV file on its page.</p>` : null}
  <button type="submit" class="primary">Create the directory</button>
</form>`,
  );
}

export type { IdpChoice };
