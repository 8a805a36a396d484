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
  csv: [
    "Nothing to prepare: export the users as a CSV file (a header line, then one user a line) and upload it on the directory's page after creating it.",
  ],
  "okta api": [
    "Choose how Roster signs in to Okta: an API token (quickest), or an API service app (OAuth 2.0, recommended: no token tied to a person, only the read scopes granted).",
    "API token: in the Okta Admin Console open Security → API → Tokens → Create token, name it and copy the value (shown once). The token acts with the admin roles of the admin who created it, so create it while signed in as a dedicated admin holding only the Read-only Administrator role.",
    "Service app: open Applications → Applications → Create App Integration → API Services, name it and save. Copy its Client ID.",
    "On the service app's General tab, under Client Credentials, click Edit, choose Public key / Private key, then Add key → Generate new key. Copy the private key (PEM, or the JWK Okta shows), keep it for the form below, click Done and Save. “Require Demonstrating Proof of Possession (DPoP)” may stay on: Roster uses DPoP when the app requires it.",
    "On the Okta API Scopes tab, grant okta.users.read and okta.groups.read. On the Admin roles tab, click Edit assignments and give the app the Read-only Administrator role: scopes alone do not let it read.",
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
    "In the Microsoft Entra admin center open Identity → Applications → App registrations → New registration. Name it (e.g. “Roster directory sync”), keep “Accounts in this organizational directory only”, leave the redirect URI empty, and register it.",
    "On the registration's Overview, copy the Application (client) ID and the Directory (tenant) ID: both are asked for below.",
    "Open API permissions → Add a permission → Microsoft Graph → Application permissions (not delegated). Add User.Read.All and Group.Read.All (GroupMember.Read.All is enough for the members). Then click “Grant admin consent for …”: until a Global or Privileged Role Administrator consents, every read is refused.",
    "Open Certificates & secrets. Either create a New client secret and copy its Value right away (not the Secret ID; the value is shown only once), or upload a certificate (.cer, .pem or .crt, public part only) and keep its private key for the form below. A certificate is the stronger choice: nothing that can sign in is ever shown in Entra.",
    "Roster only reads: it never writes to the tenant, and the permissions above allow nothing else.",
  ],
});
