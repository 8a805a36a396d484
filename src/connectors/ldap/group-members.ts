/**
 * A group's users with nesting flattened: a member that is itself a known group contributes its
 * members, transitively. Each group is entered once per root, so cycles end; members that are not
 * known groups are taken as users (their DN is their idpId).
 */
export function flattenMembers(
  rootIdpId: string,
  membersOfGroup: (idpId: string) => readonly string[] | undefined,
): string[] {
  const users = new Set<string>();
  const visited = new Set<string>([rootIdpId]);
  const stack: string[] = [rootIdpId];
  while (stack.length > 0) {
    const members = membersOfGroup(stack.pop() as string) ?? [];
    for (const member of members) {
      if (membersOfGroup(member) === undefined) users.add(member);
      else if (!visited.has(member)) {
        visited.add(member);
        stack.push(member);
      }
    }
  }
  return [...users];
}

/**
 * The usernames (posixGroup memberUids, lower-cased) of a group and of every group nested in it,
 * transitively, by the same walk as `flattenMembers`.
 */
export function flattenMemberUsernames(
  rootIdpId: string,
  membersOfGroup: (idpId: string) => readonly string[] | undefined,
  usernamesOfGroup: (idpId: string) => readonly string[],
): string[] {
  const usernames = new Set<string>();
  const visited = new Set<string>([rootIdpId]);
  const stack: string[] = [rootIdpId];
  while (stack.length > 0) {
    const group = stack.pop() as string;
    for (const username of usernamesOfGroup(group)) usernames.add(username.toLowerCase());
    for (const member of membersOfGroup(group) ?? []) {
      if (membersOfGroup(member) !== undefined && !visited.has(member)) {
        visited.add(member);
        stack.push(member);
      }
    }
  }
  return [...usernames];
}
