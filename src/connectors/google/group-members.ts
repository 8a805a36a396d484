import type { GoogleHttp } from "./google-http.js";
import { googlePages } from "./google-pages.js";
import { readMember } from "./google-group.js";

/** Google's largest page for `members.list`. */
export const MEMBERS_PAGE = 200;
/** Google's largest page for `users.list`. */
const USERS_PAGE = 500;

interface DirectMembers {
  readonly users: readonly string[];
  readonly groups: readonly string[];
  /** Customer IDs of `CUSTOMER` members: every user of that account is a member. */
  readonly customers: readonly string[];
}

/** A group's members with the groups inside it expanded: what Roster's flat member lists hold. */
export interface MemberReader {
  /** The ids of every user in the group, directly or through groups inside it; null when the group is gone (404). */
  usersOf(groupId: string, signal: AbortSignal): Promise<string[] | null>;
}

/**
 * Reads members with `members.list` and expands member groups itself, each group once per
 * expansion, so a cycle (A in B in A) ends. The direct members of a group met inside another are
 * kept for the run, so a group nested in many is read once. A `CUSTOMER` member ("all users in
 * the organization") stands for every user of the account: its user ids are listed once per run
 * (`users.list?customer=…`, ids only), whichever groups hold it.
 */
export function createMemberReader(http: GoogleHttp): MemberReader {
  const nested = new Map<string, Promise<DirectMembers | null>>();
  const accounts = new Map<string, Promise<string[]>>();

  async function accountUsers(customerId: string, signal: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    const list = {
      path: "/users",
      query: { customer: customerId, maxResults: USERS_PAGE, fields: "users(id),nextPageToken" },
      items: "users",
    };
    for await (const page of googlePages(http, list, signal)) {
      for (const user of page) {
        const id = (user as { id?: unknown } | null)?.id;
        if (typeof id === "string" && id !== "") ids.push(id);
      }
    }
    return ids;
  }

  function everyoneIn(customerId: string, signal: AbortSignal): Promise<string[]> {
    let read = accounts.get(customerId);
    if (!read) {
      read = accountUsers(customerId, signal);
      read.catch(() => accounts.delete(customerId));
      accounts.set(customerId, read);
    }
    return read;
  }

  async function direct(groupId: string, signal: AbortSignal): Promise<DirectMembers | null> {
    const users: string[] = [];
    const groups: string[] = [];
    const customers: string[] = [];
    let gone = false;
    const list = {
      path: `/groups/${encodeURIComponent(groupId)}/members`,
      query: { maxResults: MEMBERS_PAGE },
      items: "members",
    };
    // A 404 on the first page is a group deleted since it was listed: gone, not a failure.
    for await (const page of googlePages(http, list, signal, () => (gone = true))) {
      for (const entry of page) {
        const member = readMember(entry);
        if (member?.type === "USER") users.push(member.id);
        else if (member?.type === "GROUP") groups.push(member.id);
        else if (member?.type === "CUSTOMER") customers.push(member.id);
      }
    }
    return gone ? null : { users, groups, customers };
  }

  function nestedDirect(groupId: string, signal: AbortSignal): Promise<DirectMembers | null> {
    let read = nested.get(groupId);
    if (!read) {
      read = direct(groupId, signal);
      read.catch(() => nested.delete(groupId));
      nested.set(groupId, read);
    }
    return read;
  }

  return Object.freeze({
    async usersOf(groupId: string, signal: AbortSignal): Promise<string[] | null> {
      const top = await (nested.get(groupId) ?? direct(groupId, signal));
      if (top === null) return null;
      const users = new Set(top.users);
      const customers = new Set(top.customers);
      const visited = new Set([groupId]);
      const queue = [...top.groups];
      while (queue.length > 0) {
        const id = queue.shift() as string;
        if (visited.has(id)) continue;
        visited.add(id);
        const inner = await nestedDirect(id, signal);
        if (inner === null) continue;
        for (const user of inner.users) users.add(user);
        for (const customer of inner.customers) customers.add(customer);
        queue.push(...inner.groups);
      }
      for (const customer of customers) for (const user of await everyoneIn(customer, signal)) users.add(user);
      return [...users];
    },
  });
}
