import { FilterParser } from "ldapts";
import type { SourceGroup, SourceItem } from "../source.js";
import { addMemberDns, type GroupDraft, groupAttributes, toGroupDraft } from "./group-entry.js";
import { flattenMembers, flattenMemberUsernames } from "./group-members.js";
import { EntryValues } from "./entry-values.js";
import { parseGeneralizedTime } from "./generalized-time.js";
import type { LdapConfig } from "./ldap-config.js";
import type { LdapSession } from "./ldap-session.js";
import { searchPages } from "./paged-search.js";
import { readRemainingSlices } from "./ranged-members.js";

/**
 * Every group with its members as user idpIds. Groups are few, so all are read first (member
 * lists as plain string arrays), then nesting is flattened. posixGroup memberUids are passed on
 * as usernames for the engine to resolve against the users it stored: resolving them here would
 * mean reading every user again, also on delta runs. Members are not checked against the user
 * search: one the engine does not know is skipped there.
 *
 * With `changedSince` (a delta run), every group is still read (nesting needs the whole graph),
 * but only those whose flattened members may have changed are passed on: a group modified since
 * then, or one that nests such a group, at any depth.
 */
export async function* readGroups(
  session: LdapSession,
  config: LdapConfig,
  signal: AbortSignal,
  changedSince?: string,
): AsyncGenerator<SourceItem<SourceGroup>> {
  const drafts = new Map<string, GroupDraft>();
  const spec = {
    base: config.baseDn,
    filter: FilterParser.parseString(config.groupFilter),
    attributes: groupAttributes(config.attributes),
    pageSize: config.pageSize,
    during: "reading groups",
  };
  for await (const page of searchPages(session, signal, spec)) {
    for (const entry of page) {
      const draft = toGroupDraft(entry, config.attributes);
      if ("kind" in draft) yield draft;
      else drafts.set(draft.idpId, draft);
    }
  }
  await readRangedMembers(session, signal, drafts);

  const membersOf = (idpId: string) => drafts.get(idpId)?.memberDns;
  const usernamesOf = (idpId: string) => drafts.get(idpId)?.memberUids ?? [];
  const wanted = changedSince === undefined ? null : groupsAffectedSince(drafts, changedSince);
  for (const draft of drafts.values()) {
    if (wanted !== null && !wanted.has(draft.idpId)) continue;
    const memberUsernames = flattenMemberUsernames(draft.idpId, membersOf, usernamesOf);
    yield {
      kind: "record",
      record: {
        idpId: draft.idpId,
        name: draft.name,
        rawAttributes: draft.rawAttributes,
        memberIdpIds: flattenMembers(draft.idpId, membersOf),
        ...(memberUsernames.length > 0 ? { memberUsernames } : {}),
      },
    };
  }
}

/** The groups modified at or after `since` (or of unknown modification time), and every group that nests one of them. */
export function groupsAffectedSince(drafts: ReadonlyMap<string, GroupDraft>, since: string): Set<string> {
  const from = parseGeneralizedTime(since)?.getTime() ?? Number.NEGATIVE_INFINITY;
  const parentsOf = new Map<string, string[]>();
  const affected = new Set<string>();
  for (const draft of drafts.values()) {
    for (const member of draft.memberDns) {
      if (!drafts.has(member)) continue;
      const parents = parentsOf.get(member);
      if (parents) parents.push(draft.idpId);
      else parentsOf.set(member, [draft.idpId]);
    }
    const stamp = draft.rawAttributes.modifyTimestamp;
    const modified = typeof stamp === "string" ? parseGeneralizedTime(stamp)?.getTime() : undefined;
    if (modified === undefined || modified >= from) affected.add(draft.idpId);
  }
  const stack = [...affected];
  while (stack.length > 0) {
    for (const parent of parentsOf.get(stack.pop() as string) ?? []) {
      if (!affected.has(parent)) {
        affected.add(parent);
        stack.push(parent);
      }
    }
  }
  return affected;
}

async function readRangedMembers(
  session: LdapSession,
  signal: AbortSignal,
  drafts: Map<string, GroupDraft>,
): Promise<void> {
  for (const draft of drafts.values()) {
    for (const { attribute, next } of draft.moreRanges) {
      const dn = draft.rawAttributes.dn as string;
      const readSlice = (description: string) =>
        session.run(signal, "reading a large group's members", async (client) => {
          const { searchEntries } = await client.search(dn, {
            scope: "base",
            filter: "(objectClass=*)",
            attributes: [description],
          });
          return searchEntries[0] === undefined ? null : new EntryValues(searchEntries[0]);
        });
      await readRemainingSlices(attribute, next, readSlice, (values) => addMemberDns(draft, values));
    }
  }
}
