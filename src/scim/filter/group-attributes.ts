import { expressionBuilder, type SqlBool, sql } from "kysely";
import type { StorageCapabilities } from "../../storage/capabilities.js";
import type { Database, DirectoryGroupsTable, GroupMembershipsTable } from "../../storage/schema.js";
import type { MultiValuedAttribute, ResourceCatalog } from "./attribute-catalog.js";
import { dateTimeLeaf, textLeaf } from "./leaf-attributes.js";

export const GROUP_CORE_URN = "urn:ietf:params:scim:schemas:core:2.0:group";

type GroupScope = Database & { g: DirectoryGroupsTable; gm: GroupMembershipsTable };
const eb = expressionBuilder<GroupScope, "g" | "gm">();

// RFC 7643 §4.2: members.value is the member's id; members are rows of group_memberships.
function members(caps: StorageCapabilities): MultiValuedAttribute {
  const subs = { value: textLeaf(caps, eb.ref("gm.user_id"), { caseExact: true }) };
  return {
    kind: "multi",
    defaultSub: "value",
    some: (where) =>
      sql<SqlBool>`exists (select 1 from group_memberships as gm where ${eb.ref("gm.group_id")} = ${eb.ref("g.id")} and ${where(subs)})`,
  };
}

/** The filterable attributes of a Group, for queries over `directory_groups as g`. */
export function groupCatalog(caps: StorageCapabilities): ResourceCatalog {
  return {
    coreUrn: GROUP_CORE_URN,
    root: {
      id: textLeaf(caps, eb.ref("g.id"), { caseExact: true }),
      externalid: textLeaf(caps, eb.ref("g.idp_id"), { caseExact: true }),
      displayname: textLeaf(caps, eb.ref("g.name"), { caseExact: false, lowered: eb.ref("g.name_lower") }),
      members: members(caps),
      meta: {
        kind: "complex",
        children: {
          created: dateTimeLeaf(caps, eb.ref("g.created_at")),
          lastmodified: dateTimeLeaf(caps, eb.ref("g.updated_at")),
        },
      },
    },
  };
}
