/** The SCIM URNs Roster serves. */
export const URN = {
  user: "urn:ietf:params:scim:schemas:core:2.0:User",
  group: "urn:ietf:params:scim:schemas:core:2.0:Group",
  enterpriseUser: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
  listResponse: "urn:ietf:params:scim:api:messages:2.0:ListResponse",
  patchOp: "urn:ietf:params:scim:api:messages:2.0:PatchOp",
  searchRequest: "urn:ietf:params:scim:api:messages:2.0:SearchRequest",
  bulkRequest: "urn:ietf:params:scim:api:messages:2.0:BulkRequest",
  bulkResponse: "urn:ietf:params:scim:api:messages:2.0:BulkResponse",
} as const;

export const USER_SCHEMAS = [URN.user, URN.enterpriseUser] as const;
export const GROUP_SCHEMAS = [URN.group] as const;
