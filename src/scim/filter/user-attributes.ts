import { expressionBuilder, type SqlBool, sql } from "kysely";
import type { StorageCapabilities } from "../../storage/capabilities.js";
import type {
  Database,
  DirectoryGroupsTable,
  DirectoryUsersTable,
  GroupMembershipsTable,
  UserEmailsTable,
} from "../../storage/schema.js";
import {
  jsonMultiValued,
  jsonText,
  jsonTextLeaves,
  type MultiValuedAttribute,
  type ResourceCatalog,
} from "./attribute-catalog.js";
import { booleanLeaf, dateTimeLeaf, textLeaf } from "./leaf-attributes.js";

export const USER_CORE_URN = "urn:ietf:params:scim:schemas:core:2.0:user";
export const ENTERPRISE_USER_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user";

type UserScope = Database & {
  u: DirectoryUsersTable;
  ue: UserEmailsTable;
  ug: GroupMembershipsTable;
  ugg: DirectoryGroupsTable;
};
const eb = expressionBuilder<UserScope, "u" | "ue" | "ug" | "ugg">();
const raw = eb.ref("u.raw_attributes");

/** RFC 7643 §4.1.2: the multi-valued complex attributes kept only in the raw document. */
const PLURALS = {
  phonenumbers: ["value", "display", "type"],
  ims: ["value", "display", "type"],
  photos: ["value", "display", "type"],
  entitlements: ["value", "display", "type"],
  roles: ["value", "display", "type"],
  addresses: ["formatted", "streetaddress", "locality", "region", "postalcode", "country", "type"],
} as const;

function emails(caps: StorageCapabilities): MultiValuedAttribute {
  const subs = {
    value: textLeaf(caps, eb.ref("ue.value"), { caseExact: false, lowered: eb.ref("ue.value_lower") }),
    type: textLeaf(caps, eb.ref("ue.type"), { caseExact: false }),
    primary: booleanLeaf({
      isTrue: sql<SqlBool>`${eb.ref("ue.primary")} = 1`,
      isFalse: sql<SqlBool>`${eb.ref("ue.primary")} = 0`,
      present: sql<SqlBool>`1 = 1`,
    }),
  };
  return {
    kind: "multi",
    defaultSub: "value",
    some: (where) =>
      sql<SqlBool>`exists (select 1 from user_emails as ue where ${eb.ref("ue.user_id")} = ${eb.ref("u.id")} and ${where(subs)})`,
  };
}

// A user's `groups` (RFC 7643 §4.1.2) are its rows in group_memberships; value is the group id.
function groups(caps: StorageCapabilities): MultiValuedAttribute {
  const subs = {
    value: textLeaf(caps, eb.ref("ug.group_id"), { caseExact: true }),
    display: textLeaf(caps, eb.ref("ugg.name"), { caseExact: false, lowered: eb.ref("ugg.name_lower") }),
  };
  return {
    kind: "multi",
    defaultSub: "value",
    some: (where) =>
      sql<SqlBool>`exists (select 1 from group_memberships as ug inner join directory_groups as ugg on ${eb.ref("ugg.id")} = ${eb.ref("ug.group_id")} where ${eb.ref("ug.user_id")} = ${eb.ref("u.id")} and ${where(subs)})`,
  };
}

/** The filterable attributes of a User, for queries over `directory_users as u`. */
export function userCatalog(caps: StorageCapabilities): ResourceCatalog {
  const text = (name: string) => textLeaf(caps, jsonText(caps, raw, [name]), { caseExact: false });
  const plurals = Object.fromEntries(
    Object.entries(PLURALS).map(([key, subs]) => [
      key,
      jsonMultiValued(caps, raw, key, subs, key === "addresses" ? null : "value"),
    ]),
  );
  return {
    coreUrn: USER_CORE_URN,
    root: {
      id: textLeaf(caps, eb.ref("u.id"), { caseExact: true }),
      externalid: textLeaf(caps, eb.ref("u.idp_id"), { caseExact: true }),
      username: textLeaf(caps, eb.ref("u.username"), { caseExact: false, lowered: eb.ref("u.username_lower") }),
      name: {
        kind: "complex",
        children: {
          givenname: textLeaf(caps, eb.ref("u.first_name"), { caseExact: false }),
          familyname: textLeaf(caps, eb.ref("u.last_name"), { caseExact: false }),
          ...jsonTextLeaves(caps, raw, ["name"], ["formatted", "middlename", "honorificprefix", "honorificsuffix"]),
        },
      },
      displayname: text("displayname"),
      nickname: text("nickname"),
      profileurl: text("profileurl"),
      title: textLeaf(caps, eb.ref("u.job_title"), { caseExact: false }),
      usertype: text("usertype"),
      preferredlanguage: text("preferredlanguage"),
      locale: text("locale"),
      timezone: text("timezone"),
      active: booleanLeaf({
        isTrue: sql<SqlBool>`${eb.ref("u.state")} = 'active'`,
        isFalse: sql<SqlBool>`${eb.ref("u.state")} <> 'active'`,
        present: sql<SqlBool>`1 = 1`,
      }),
      emails: emails(caps),
      groups: groups(caps),
      ...plurals,
      meta: {
        kind: "complex",
        children: {
          created: dateTimeLeaf(caps, eb.ref("u.created_at")),
          lastmodified: dateTimeLeaf(caps, eb.ref("u.updated_at")),
        },
      },
      [ENTERPRISE_USER_URN]: {
        kind: "complex",
        children: {
          ...jsonTextLeaves(
            caps,
            raw,
            [ENTERPRISE_USER_URN],
            ["employeenumber", "costcenter", "organization", "division", "department"],
          ),
          manager: {
            kind: "complex",
            children: jsonTextLeaves(caps, raw, [ENTERPRISE_USER_URN, "manager"], ["value", "displayname"]),
          },
        },
      },
    },
  };
}
