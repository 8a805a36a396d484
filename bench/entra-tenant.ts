/**
 * The Microsoft Entra tenant the entra benchmarks read, in the test suite's stand-in: `users`
 * users and `groups` security groups (the first of a fifth of the users, 20,000 of 100,000; the
 * others 80 each), answered after `latencyMs`.
 */
import { type EntraStandin, startEntraStandin } from "../test/support/entra-standin.js";

export interface BenchEntraTenant {
  readonly entra: EntraStandin;
  readonly ids: readonly string[];
  readonly groupIds: readonly string[];
}

export async function benchEntraTenant(users: number, groups: number, latencyMs: number): Promise<BenchEntraTenant> {
  const entra = await startEntraStandin();
  const ids: string[] = [];
  for (let i = 0; i < users; i++) {
    ids.push(
      entra.addUser({
        userPrincipalName: `user${i}@bench.test`,
        mail: `user${i}@bench.test`,
        givenName: "U",
        surname: String(i),
        employeeId: `E${i}`,
      }).id,
    );
  }
  const groupIds: string[] = [];
  for (let g = 0; g < groups; g++) {
    groupIds.push(
      entra.addGroup(
        `group${g}`,
        g === 0 ? ids.slice(0, Math.floor(users / 5)) : ids.slice((g * 80) % users, ((g * 80) % users) + 80),
      ).id,
    );
  }
  entra.latencyMs = latencyMs;
  return { entra, ids, groupIds };
}

/** What a delta run then reads: 1 % of the users changed, the last one deleted, a member leaving one group. */
export function changeEntraTenant({ entra, ids, groupIds }: BenchEntraTenant): void {
  for (let i = 0; i < ids.length / 100; i++) entra.updateUser(ids[i * 100 + 1] as string, { jobTitle: "Changed" });
  entra.deleteUser(ids[ids.length - 1] as string);
  entra.setMembers(groupIds[1] as string, { remove: [ids[80] as string] });
}
