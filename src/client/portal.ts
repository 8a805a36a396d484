import type { Transport } from "./http.js";

export interface GeneratePortalLinkInput {
  /** The organization whose IT admin sets up a directory (`org_…`). */
  readonly organization: string;
  /** What the link sets up: only `"dsync"` (directory sync). */
  readonly intent: "dsync";
  /** Where the portal's "Back to the application" link goes (http or https). */
  readonly return_url?: string;
  /** Where the portal sends the IT admin once the directory is linked (http or https). */
  readonly success_url?: string;
}

/** `/portal`: setup links for a customer's IT admin (WorkOS's Admin Portal shapes). */
export interface PortalApi {
  /**
   * A single-use setup link, valid 5 minutes until opened; opening it starts a one-hour session
   * in which the IT admin sets up directories of that organization only. Admin key or that
   * organization's key. Hand the link over at once: it is not stored and cannot be shown again.
   */
  generateLink(input: GeneratePortalLinkInput): Promise<{ link: string }>;
}

/** Binds the portal methods to a transport. */
export function createPortalApi(http: Transport): PortalApi {
  return Object.freeze({
    generateLink: (input: GeneratePortalLinkInput) =>
      http.json<{ link: string }>({ method: "POST", path: "/portal/generate_link", body: input }),
  });
}
