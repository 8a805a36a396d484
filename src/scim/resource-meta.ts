/** A weak ETag from the stored version (RFC 7644 §3.14). */
export function etag(version: number): string {
  return `W/"${version}"`;
}

export function meta(
  resourceType: "User" | "Group",
  location: string,
  created: string,
  lastModified: string,
  version: number,
) {
  return { resourceType, created, lastModified, location, version: etag(version) };
}
