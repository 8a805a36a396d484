/**
 * The one door for HTTP requests Roster makes to addresses its users configure (pull connectors' APIs and token
 * endpoints, webhook endpoints). Keeping them on one function is what lets a policy on where they may go (the
 * private-network guard) hold for every connector at once.
 */
export function outboundFetch(input: string | URL, init?: RequestInit): Promise<Response> {
  return fetch(input, init);
}
