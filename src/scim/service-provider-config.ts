/** RFC 7643 §5: what this service provider supports, told truthfully. */
export function serviceProviderConfig(
  baseUrl: string,
  limits: { maxOperations: number; maxPayloadSize: number; maxResults: number },
) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    documentationUri: "https://github.com/roster-dev/roster/blob/main/docs/scim.md",
    patch: { supported: true },
    bulk: { supported: true, maxOperations: limits.maxOperations, maxPayloadSize: limits.maxPayloadSize },
    filter: { supported: true, maxResults: limits.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    // RFC 9865 §4: both ways of paging are offered; index is what clients get when they ask for neither.
    pagination: { cursor: true, index: true, defaultPaginationMethod: "index", maxPageSize: limits.maxResults },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "OAuth Bearer Token",
        description: "The directory's SCIM bearer token",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${baseUrl}/ServiceProviderConfig` },
  };
}
