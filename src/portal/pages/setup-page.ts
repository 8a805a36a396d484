import { html } from "../../web/html.js";
import type { FieldError } from "../../core/errors.js";
import type { IdpChoice } from "../idp-guides.js";
import type { PortalContext } from "../portal-session.js";
import { csrfField, portalPage } from "./portal-frame.js";

export interface SetupForm {
  readonly key: string;
  readonly label: string;
  readonly type: string;
  /** What to prepare on the provider's side before the form (pull sources that need it). */
  readonly steps?: readonly string[];
}

function errorList(message: string | null, errors: readonly FieldError[]) {
  if (!message) return null;
  return html`<div class="card error-box" role="alert"><p>${message}</p>${errors.length > 0 ? html`<ul>${errors.map((e) => html`<li><code>${e.field}</code> ${e.message}</li>`)}</ul>` : null}</div>`;
}

const LDAP_FIELDS = [
  { name: "url", label: "Server URL", hint: "ldaps://ldap.example.com:636 or ldap://…", required: true, type: "text" },
  { name: "bind_dn", label: "Bind DN", hint: "The account Roster reads with, e.g. cn=roster,ou=services,dc=example,dc=com", required: true, type: "text" },
  { name: "password", label: "Bind password", hint: "Stored encrypted; never shown again", required: true, type: "password" },
  { name: "base_dn", label: "Base DN", hint: "Where users and groups are searched, e.g. dc=example,dc=com", required: true, type: "text" },
  { name: "user_filter", label: "User filter (optional)", hint: "Default: people and user objects", required: false, type: "text" },
  { name: "group_filter", label: "Group filter (optional)", hint: "Default: group objects", required: false, type: "text" },
] as const;

const GOOGLE_FIELDS = [
  { name: "admin_email", label: "Administrator's email", hint: "The admin the service account acts as, read-only", required: true },
  { name: "customer_id", label: "Customer ID (optional)", hint: "Default: the administrator's own account (my_customer)", required: false },
  { name: "domain", label: "Domain (optional)", hint: "Read only this domain's users and groups, e.g. example.com", required: false },
] as const;

function googleFields(values: Readonly<Record<string, string>>) {
  return html`${GOOGLE_FIELDS.map((f) => html`<label>${f.label} <input name="${f.name}" type="text" ${f.required ? html`required` : null} value="${values[f.name] ?? ""}" autocomplete="off"></label><p class="hint">${f.hint}</p>`)}
  <label>Service account key (JSON) <textarea name="service_account_key" rows="6" required autocomplete="off" spellcheck="false" placeholder='{"type": "service_account", …}'></textarea></label>
  <p class="hint">The whole JSON key file. Stored encrypted; never shown again.</p>`;
}

/** Step 2: name the directory (and, for LDAP, say how to reach it). */
export function setupPage(ctx: PortalContext, choice: SetupForm, values: Readonly<Record<string, string>> = {}, problem: { message: string; errors: readonly FieldError[] } | null = null): string {
  const ldap = choice.type === "ldap";
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
  ${ldap ? LDAP_FIELDS.map((f) => html`<label>${f.label} <input name="${f.name}" type="${f.type}" ${f.required ? html`required` : null} value="${f.type === "password" ? "" : (values[f.name] ?? "")}" autocomplete="off"></label><p class="hint">${f.hint}</p>`) : null}
  ${choice.type === "google workspace" ? googleFields(values) : null}
  ${choice.type === "csv" ? html`<p class="hint">After creating the directory you upload the CSV file on its page.</p>` : null}
  <button type="submit" class="primary">Create the directory</button>
</form>`,
  );
}

export type { IdpChoice };
