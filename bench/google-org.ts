/**
 * The Google Workspace account the google benchmarks read, in the test suite's stand-in: `users`
 * users, `groups` groups (the first of 20,000 members, or a fifth of everyone if fewer; the rest
 * of 200 each, one page), ten of them nested in the first, and the admin the service account acts as.
 */
import { type GoogleStandin, type ServiceAccountKeyFile, startGoogleStandin } from "../test/support/google-standin.js";

export const BENCH_ADMIN = "admin@acme.test";

export async function benchGoogleOrg(
  users: number,
  groups: number,
  latencyMs: number,
): Promise<{ google: GoogleStandin; key: ServiceAccountKeyFile; ids: string[] }> {
  const google = await startGoogleStandin();
  const key = google.serviceAccount();
  google.addUser(BENCH_ADMIN, { isAdmin: true });
  const ids: string[] = [];
  for (let i = 0; i < users; i++)
    ids.push(
      google.addUser(`user${i}@acme.test`, {
        name: { givenName: "U", familyName: String(i) },
        organizations: [{ title: "Staff" }],
        orgUnitPath: "/Staff",
      }).id,
    );
  const largest = google.addGroup("group0", ids.slice(0, Math.min(20_000, Math.floor(users / 5))));
  for (let g = 1; g < groups; g++) {
    const start = (g * 200) % Math.max(1, users - 200);
    const group = google.addGroup(`group${g}`, ids.slice(start, start + 200));
    if (g <= 10) largest.members.set(group.id, "GROUP");
  }
  google.latencyMs = latencyMs;
  return { google, key, ids };
}
