import type { Kysely, Transaction } from "kysely";
import type { DeactivatedMembersPolicy } from "./directory-types.js";
import type { Database } from "../storage/schema.js";

export type Db = Kysely<Database> | Transaction<Database>;

/** The directory a change belongs to, as the store needs it. */
export interface DirectoryContext {
  readonly id: string;
  readonly organizationId: string;
  readonly deactivatedMembers: DeactivatedMembersPolicy;
}

export interface EmailInput {
  readonly value: string;
  readonly type: string | null;
  readonly primary: boolean;
}

/** A user as every source (SCIM, connectors) hands it to the store, already normalized. */
export interface UserInput {
  readonly username: string;
  readonly idpId: string | null;
  readonly active: boolean;
  readonly emails: readonly EmailInput[];
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly jobTitle: string | null;
  /** The resource as the source sent it (secrets such as passwords already removed). */
  readonly rawAttributes: Record<string, unknown>;
}

export interface GroupInput {
  readonly name: string;
  readonly idpId: string | null;
  readonly rawAttributes: Record<string, unknown>;
}

/**
 * A change of membership, never the whole member list: adding or removing N members costs O(N)
 * whatever the group's size. `replaceAll` (a full push) is applied as a diff.
 */
export interface MemberChange {
  readonly replaceAll: readonly string[] | null;
  readonly add: readonly string[];
  readonly remove: readonly string[];
}

export const NO_MEMBER_CHANGE: MemberChange = Object.freeze({ replaceAll: null, add: [], remove: [] });
