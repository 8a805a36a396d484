import { PULL_SETUP_STEPS } from "../connectors/setup-steps.js";
import type { DirectoryType } from "../directory/directory-types.js";

/** An identity provider the portal offers, and how its IT admin connects it to Roster. */
export interface IdpChoice {
  /** The form value and URL segment. */
  readonly key: string;
  readonly label: string;
  readonly type: DirectoryType;
  readonly blurb: string;
  /** Ingest choices: where to paste the SCIM base URL and token, step by step. */
  readonly steps: readonly string[];
  /** Which attributes to map (IdP attribute → what Roster reads). */
  readonly attributes: readonly string[];
  /** How to choose which users and groups are sent. */
  readonly groups: readonly string[];
}

const SCIM_ATTRIBUTES = [
  "userName: a unique login, usually the work email address (required).",
  'emails: the work email, marked primary (emails[type eq "work"].value).',
  "name.givenName and name.familyName: first and last name.",
  "active: whether the account is enabled; a disabled user becomes inactive in the application.",
  "title, and the enterprise extension's department and manager, if the application uses them.",
  "externalId: the identity provider's own id for the user (most providers send it on their own).",
];

/** Written from each provider's public setup documentation; menu names change, so steps name the screens as the providers do today. */
export const IDP_CHOICES: readonly IdpChoice[] = [
  {
    key: "okta",
    label: "Okta",
    type: "okta scim v2.0",
    blurb: "Okta pushes users and groups over SCIM 2.0 from an app integration.",
    steps: [
      "In the Okta Admin Console open Applications → Applications, and open the app integration for this application (or create one with Create App Integration → SAML 2.0 or SWA).",
      "On the General tab, edit App Settings, set Provisioning to SCIM and save. A Provisioning tab appears.",
      "On Provisioning → Integration, click Edit. Paste the SCIM base URL into “SCIM connector base URL” and type userName as the unique identifier field for users.",
      "Tick Push New Users, Push Profile Updates and Push Groups. Choose HTTP Header as the authentication mode and paste the bearer token into the Authorization field.",
      "Click Test Connector Configuration (Okta lists what it can do), then Save.",
      "On Provisioning → To App, click Edit and enable Create Users, Update User Attributes and Deactivate Users; save.",
    ],
    attributes: [
      "Okta's default To App mappings already send userName (from the Okta username), givenName, familyName, email and active: keep them.",
      "Add title, department or manager under Provisioning → To App → attribute mappings if the application needs them.",
    ],
    groups: [
      "Assignments tab: Assign → Assign to Groups (or People). Only assigned users are sent.",
      "Push Groups tab: + Push Groups → find the groups by name → Save. This sends the groups and keeps their members in step.",
    ],
  },
  {
    key: "entra",
    label: "Microsoft Entra ID",
    type: "azure scim v2.0",
    blurb: "Entra ID (formerly Azure AD) provisions through an enterprise application.",
    steps: [
      "In the Microsoft Entra admin center open Enterprise applications → New application → Create your own application, name it, and choose “Integrate any other application you don't find in the gallery (Non-gallery)”.",
      "In the new application open Provisioning and set the Provisioning Mode to Automatic.",
      "Under Admin Credentials paste the SCIM base URL into Tenant URL and the bearer token into Secret Token.",
      "Click Test Connection: Entra sends Roster a lookup for a random user, which must succeed. Then Save.",
      "Under Settings, choose “Sync only assigned users and groups”, set Provisioning Status to On, and Save. Entra's first cycle can take up to 40 minutes; Provision on demand sends one user at once.",
    ],
    attributes: [
      'The default mappings (Mappings → Provision Microsoft Entra ID Users) are what Roster reads: userPrincipalName → userName, mail → emails[type eq "work"].value, givenName → name.givenName, surname → name.familyName, the account\'s enabled state → active.',
      "jobTitle → title and department → the enterprise extension's department can stay; remove mappings for attributes your users do not have.",
    ],
    groups: [
      "Users and groups → Add user/group: assign the groups whose members should reach the application (nested groups are not expanded by Entra).",
      "Keep Mappings → Provision Microsoft Entra ID Groups enabled so the groups themselves and their members are sent.",
    ],
  },
  {
    key: "onelogin",
    label: "OneLogin",
    type: "onelogin scim v2.0",
    blurb: "OneLogin provisions through its SCIM Provisioner app.",
    steps: [
      "In OneLogin open Applications → Add App, search for “SCIM Provisioner with SAML (SCIM v2 Enterprise)” and save it.",
      "On the Configuration tab paste the SCIM base URL into SCIM Base URL and the bearer token into SCIM Bearer Token, then click Enable under API Connection.",
      "On the Provisioning tab tick Enable provisioning, and choose what a user's deletion or suspension in OneLogin does in the application (suspend keeps the user as inactive).",
      "Save. OneLogin tests the connection when the API connection is enabled.",
    ],
    attributes: [
      "On the Parameters tab, set scimusername to the user's email (or username): it becomes userName.",
      "Keep the SCIM JSON template's name, emails and active; unmapped placeholders are sent empty, which Roster treats as no value.",
    ],
    groups: [
      "Assign the app to users directly or through a role (Users → Roles → the role → Applications).",
      "To send groups: add a Groups parameter with “Include in User Provisioning” ticked, and a rule on the Rules tab that sets groups in this app.",
    ],
  },
  {
    key: "jumpcloud",
    label: "JumpCloud",
    type: "jump cloud scim v2.0",
    blurb: "JumpCloud exports users and groups from an SSO application with Identity Management.",
    steps: [
      "In the JumpCloud Admin Portal open SSO Applications → + Add New Application → Custom Application, and choose to export users to this app (Identity Management).",
      "On the application's Identity Management tab choose SCIM 2.0, paste the SCIM base URL into Base URL and the bearer token into Token Key.",
      "Enter a test user email and click Test Connection: JumpCloud creates a test user and group in Roster and deletes them again.",
      "Turn on Group Management if the application should receive groups, then Activate and save.",
    ],
    attributes: [
      "JumpCloud sends username, email, first and last name, job title, department and the account's state; no mapping is needed.",
    ],
    groups: [
      "On the application's User Groups tab, bind the user groups whose members should be exported; with Group Management on, those groups are sent too.",
    ],
  },
  {
    key: "scim",
    label: "Another SCIM 2.0 provider",
    type: "generic scim v2.0",
    blurb: "Any identity provider that provisions over SCIM 2.0 (RFC 7643/7644).",
    steps: [
      "In the provider's provisioning settings, choose SCIM 2.0 and paste the SCIM base URL where it asks for the SCIM endpoint, base URL or tenant URL.",
      "Choose bearer token (HTTP header “Authorization: Bearer …”) authentication and paste the token.",
      "Save and run the provider's connection test, if it has one: the request appears below.",
    ],
    attributes: SCIM_ATTRIBUTES,
    groups: [
      "Assign the users and groups to the application in the provider; groups are sent to /Groups with their members.",
    ],
  },
];

/**
 * A field of a pull source's setup form: a key of the directory's connector object. A secret is
 * never written back into the page (a form shown again with errors leaves it empty).
 */
export interface SetupField {
  readonly name: string;
  readonly label: string;
  readonly hint: string;
  readonly required: boolean;
  /**
   * `text` values are trimmed; `password` and `textarea` values are sent as typed; a ticked
   * `checkbox` is `true` (unticked, the setting is left to its default); a `list` is typed one
   * entry a line and sent as an array of the lines, trimmed, empty ones left out.
   */
  readonly kind: "text" | "password" | "textarea" | "checkbox" | "list";
  readonly secret: boolean;
  readonly placeholder?: string;
}

/** A pull source: Roster reads the directory itself; `steps` say what to prepare on the provider's side first. */
export type PullChoice = Pick<IdpChoice, "key" | "label" | "type" | "blurb"> & {
  readonly steps?: readonly string[];
  /** The connector settings the form asks for; none for CSV (uploads come later). */
  readonly fields?: readonly SetupField[];
  /** Said above the fields: how they go together. */
  readonly fieldsNote?: string;
};

const LDAP_FIELDS: readonly SetupField[] = [
  {
    name: "url",
    label: "Server URL",
    hint: "ldaps://ldap.example.com:636 or ldap://…",
    required: true,
    kind: "text",
    secret: false,
  },
  {
    name: "bind_dn",
    label: "Bind DN",
    hint: "The account Roster reads with, e.g. cn=roster,ou=services,dc=example,dc=com",
    required: true,
    kind: "text",
    secret: false,
  },
  {
    name: "password",
    label: "Bind password",
    hint: "Stored encrypted; never shown again",
    required: true,
    kind: "password",
    secret: true,
  },
  {
    name: "base_dn",
    label: "Base DN",
    hint: "Where users and groups are searched, e.g. dc=example,dc=com",
    required: true,
    kind: "text",
    secret: false,
  },
  {
    name: "user_filter",
    label: "User filter (optional)",
    hint: "Default: people and user objects",
    required: false,
    kind: "text",
    secret: false,
  },
  {
    name: "group_filter",
    label: "Group filter (optional)",
    hint: "Default: group objects",
    required: false,
    kind: "text",
    secret: false,
  },
];

const GOOGLE_FIELDS: readonly SetupField[] = [
  {
    name: "admin_email",
    label: "Administrator's email",
    hint: "The admin the service account acts as, read-only",
    required: true,
    kind: "text",
    secret: false,
  },
  {
    name: "customer_id",
    label: "Customer ID (optional)",
    hint: "Default: the administrator's own account (my_customer)",
    required: false,
    kind: "text",
    secret: false,
  },
  {
    name: "domain",
    label: "Domain (optional)",
    hint: "Read only this domain's users and groups, e.g. example.com",
    required: false,
    kind: "text",
    secret: false,
  },
  {
    name: "service_account_key",
    label: "Service account key (JSON)",
    hint: "The whole JSON key file. Stored encrypted; never shown again.",
    required: true,
    kind: "textarea",
    secret: true,
    placeholder: '{"type": "service_account", …}',
  },
];

const ENTRA_PULL_FIELDS: readonly SetupField[] = [
  {
    name: "tenant_id",
    label: "Directory (tenant) ID",
    hint: "A GUID, or the tenant's domain such as contoso.onmicrosoft.com",
    required: true,
    kind: "text",
    secret: false,
  },
  {
    name: "client_id",
    label: "Application (client) ID",
    hint: "From the app registration's Overview",
    required: true,
    kind: "text",
    secret: false,
  },
  {
    name: "client_secret",
    label: "Client secret value",
    hint: "Stored encrypted; never shown again. Leave empty when you use a certificate.",
    required: false,
    kind: "password",
    secret: true,
  },
  {
    name: "certificate",
    label: "Certificate (PEM, optional)",
    hint: "The certificate uploaded to the app registration, instead of a client secret",
    required: false,
    kind: "textarea",
    secret: false,
    placeholder: "-----BEGIN CERTIFICATE-----",
  },
  {
    name: "private_key",
    label: "Certificate's private key (PEM, optional)",
    hint: "Only with the certificate. Stored encrypted; never shown again.",
    required: false,
    kind: "textarea",
    secret: true,
    placeholder: "-----BEGIN PRIVATE KEY-----",
  },
  {
    name: "group_filter",
    label: "Only these groups (optional)",
    hint: "One group a line, by object ID or exact display name: only these groups and their members (nested too) are read. Empty: the whole tenant.",
    required: false,
    kind: "list",
    secret: false,
    placeholder: "Engineering\n0b5d3b4e-5a1c-4f0e-9d7a-2f4c1e8b6a90",
  },
];

const OKTA_API_FIELDS: readonly SetupField[] = [
  {
    name: "org_url",
    label: "Okta org URL",
    hint: "e.g. https://acme.okta.com",
    required: true,
    kind: "text",
    secret: false,
  },
  {
    name: "token",
    label: "API token",
    hint: "Stored encrypted; never shown again. Leave empty when you use a service app.",
    required: false,
    kind: "password",
    secret: true,
  },
  {
    name: "client_id",
    label: "Service app Client ID (optional)",
    hint: "Instead of an API token",
    required: false,
    kind: "text",
    secret: false,
  },
  {
    name: "private_key",
    label: "Service app private key (optional)",
    hint: "PEM or the JWK from Okta. Stored encrypted; never shown again.",
    required: false,
    kind: "textarea",
    secret: true,
    placeholder: "-----BEGIN PRIVATE KEY-----",
  },
  {
    name: "key_id",
    label: "Key ID (optional)",
    hint: "The key's KID on the app; taken from the JWK when it has one",
    required: false,
    kind: "text",
    secret: false,
  },
  {
    name: "include_app_groups",
    label: "Also read app groups",
    hint: "Groups imported from applications (APP_GROUP, e.g. from Active Directory) besides Okta's own groups",
    required: false,
    kind: "checkbox",
    secret: false,
  },
];

export const PULL_CHOICES: readonly PullChoice[] = [
  {
    key: "ldap",
    label: "LDAP or Active Directory",
    type: "ldap",
    blurb: "Roster reads users and groups from your LDAP server on a schedule.",
    fields: LDAP_FIELDS,
  },
  {
    key: "csv",
    label: "CSV file",
    type: "csv",
    blurb: "Upload a spreadsheet export of your users; upload again to update.",
  },
  {
    key: "google",
    label: "Google Workspace",
    type: "google workspace",
    blurb: "Roster reads users and groups through the Google Admin SDK.",
    steps: PULL_SETUP_STEPS["google workspace"],
    fields: GOOGLE_FIELDS,
  },
  {
    key: "entra-pull",
    label: "Microsoft Entra ID (read by Roster)",
    type: "entra id",
    blurb:
      "Roster reads users and groups through Microsoft Graph with an app registration; no provisioning setup in Entra.",
    steps: PULL_SETUP_STEPS["entra id"],
    fields: ENTRA_PULL_FIELDS,
    fieldsNote: "Give the client secret, or the certificate with its private key.",
  },
  {
    key: "okta-api",
    label: "Okta (read by Roster)",
    type: "okta api",
    blurb: "Roster reads users and groups through Okta's Management API with an API token or a service app.",
    steps: PULL_SETUP_STEPS["okta api"],
    fields: OKTA_API_FIELDS,
    fieldsNote: "Give the API token, or the service app's Client ID with its private key.",
  },
];

/** A form field's value as its connector setting. */
function settingOf(kind: SetupField["kind"], value: string): unknown {
  switch (kind) {
    case "text":
      return value.trim();
    case "checkbox":
      return true;
    case "list":
      return value
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== "");
    default:
      return value;
  }
}

/** The connector object from a pull choice's form: only the fields given, text trimmed, secrets as typed. */
export function connectorFromForm(
  choice: PullChoice,
  form: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  const connector: Record<string, unknown> = {};
  for (const field of choice.fields ?? []) {
    const value = form[field.name];
    if (value === undefined || value.trim() === "") continue;
    connector[field.name] = settingOf(field.kind, value);
  }
  return connector;
}

/** The generic SCIM guide: for an ingest type without one of its own. */
export const GENERIC_SCIM = IDP_CHOICES.find((c) => c.key === "scim") as IdpChoice;

export function ingestChoice(key: string): IdpChoice | undefined {
  return IDP_CHOICES.find((c) => c.key === key);
}

export function choiceForType(type: string): IdpChoice | undefined {
  return IDP_CHOICES.find((c) => c.type === type);
}
