/**
 * What to prepare on a provider's side before a pull directory can read it (which credential, which
 * scopes or permissions, whose consent), by directory type: one text for the setup portal and the
 * console. Written from each provider's public admin documentation; menus are named as they are today.
 */
export const PULL_SETUP_STEPS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  ldap: [
    "Create (or pick) a service account that may read the users and groups under the base DN; it needs no write access.",
    "Roster binds as that account: give its DN and password below. Prefer ldaps:// (or StartTLS) so the password is not sent in clear.",
  ],
  "scim pull": [
    "In the upstream SCIM server, create a bearer token that may list /Users and /Groups (read access is enough).",
    "Give its SCIM base URL (the one /Users is appended to) and the token below.",
  ],
  csv: ["Nothing to prepare: export the users as a CSV file (a header line, then one user a line) and upload it on the directory's page after creating it."],
  "okta api": [
    "Sign in to the Okta Admin Console as an administrator who may read users and groups (a Read-Only Administrator is enough).",
    "Open Security → API → Tokens → Create token. The token acts as that administrator and expires after 30 days without use.",
    "Give the org's URL (https://acme.okta.com) and the token below.",
  ],
  "google workspace": [
    "In the Google Cloud console, pick or create a project, open APIs & Services → Library, and enable the Admin SDK API.",
    "Open IAM & Admin → Service Accounts → Create service account; it needs no project roles. Open it, go to Keys → Add key → Create new key → JSON, and keep the downloaded file: it is pasted below.",
    "Copy the service account's unique ID (its OAuth 2 client ID) from the Details tab.",
    "In the Google Admin console (admin.google.com) open Security → Access and data control → API controls → Manage Domain Wide Delegation → Add new. Paste the client ID and, comma-separated, the scopes https://www.googleapis.com/auth/admin.directory.user.readonly, https://www.googleapis.com/auth/admin.directory.group.readonly and https://www.googleapis.com/auth/admin.directory.group.member.readonly. Authorize.",
    "Below, give the email address of an administrator who may read users and groups (a super admin, or a custom role with the Users and Groups read privileges): the service account acts as that person, read-only.",
    "Delegation can take a few minutes, sometimes longer, to apply; if the first sync says a scope is not authorized, wait and sync again.",
  ],
  "entra id": [
    "In the Microsoft Entra admin center open Identity → Applications → App registrations → New registration: any name, “Accounts in this organizational directory only”, no redirect URI. Copy the Application (client) ID and the Directory (tenant) ID from its Overview.",
    "Certificates & secrets → Client secrets → New client secret: copy its Value when it is shown (the Secret ID is not the secret), and note when it expires.",
    "API permissions → Add a permission → Microsoft Graph → Application permissions: User.Read.All, Group.Read.All and GroupMember.Read.All (or Directory.Read.All alone).",
    "On the same page, Grant admin consent for the tenant (an administrator who may grant tenant-wide consent must do it): until then Graph answers 403.",
  ],
});
