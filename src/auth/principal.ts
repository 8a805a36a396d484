/** Who is calling: resolved once per request from the bearer credential, kept on the request. */
export type Principal =
  | { readonly kind: "admin" }
  | { readonly kind: "organization"; readonly organizationId: string; readonly keyId: string }
  | { readonly kind: "directory"; readonly directoryId: string; readonly organizationId: string };

/** The organization a principal is confined to, or null for the admin (sees everything). */
export function organizationScope(principal: Principal): string | null {
  return principal.kind === "admin" ? null : principal.organizationId;
}
