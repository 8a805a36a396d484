/**
 * The Okta org the okta benchmarks read, in the test suite's stand-in: `users` users and `groups`
 * Okta groups (the first of a quarter of the users, the others 50 each), answered after `latencyMs`.
 */
import { type OktaStandin, startOktaStandin } from "../test/support/okta-standin.js";

const LONG_AGO = "2026-01-01T00:00:00.000Z";

export interface BenchOktaOrg {
  readonly okta: OktaStandin;
  readonly ids: readonly string[];
}

export async function benchOktaOrg(users: number, groups: number, latencyMs: number): Promise<BenchOktaOrg> {
  const okta = await startOktaStandin();
  const ids: string[] = [];
  for (let i = 0; i < users; i++)
    ids.push(
      okta.addUser({ login: `user${i}@bench.test`, firstName: "U", lastName: String(i) }, "ACTIVE", LONG_AGO).id,
    );
  for (let g = 0; g < groups; g++)
    okta.addGroup(
      `group${g}`,
      g === 0 ? ids.slice(0, Math.floor(users / 4)) : ids.slice((g * 50) % users, ((g * 50) % users) + 50),
      "OKTA_GROUP",
      LONG_AGO,
    );
  okta.latencyMs = latencyMs;
  return { okta, ids };
}

/** What a delta run then reads: 1 % of the users changed, a member leaving one group. */
export function changeOktaOrg({ okta, ids }: BenchOktaOrg): void {
  for (let i = 0; i < ids.length / 100; i++) okta.updateUser(ids[i * 100] as string, { profile: { title: "Changed" } });
  okta.setMembers([...okta.groups.keys()][1] as string, { remove: [ids[50] as string] });
}
