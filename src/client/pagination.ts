import type { List, PageParams } from "./types.js";

/** Any list method of the client, such as `client.organizations.list` (whose parameters are optional). */
export type ListFunction<T, P extends PageParams | undefined> = (params: P) => Promise<List<T>>;

/**
 * Yields every item of a list, page after page, following `list_metadata.after` until the last
 * page. Pages are fetched lazily, so breaking out of the loop stops the requests. The parameters
 * are typed by the list method alone, so a filter-only object such as `{ directory }` checks.
 *
 * @example
 * for await (const org of iterate(client.organizations.list, { limit: 100 })) console.log(org.name);
 * for await (const user of iterate(client.directoryUsers.list, { directory: "directory_…" })) console.log(user.email);
 * for await (const key of iterate((p) => client.apiKeys.list(orgId, p), {})) console.log(key.id);
 */
export async function* iterate<T, P extends PageParams | undefined>(
  list: ListFunction<T, P>,
  params: NoInfer<NonNullable<P>>,
): AsyncGenerator<T, void, undefined> {
  let request: NonNullable<P> = params;
  for (;;) {
    const page = await list(request);
    yield* page.data;
    const next = page.list_metadata.after;
    // A cursor that does not move would loop forever; the server never sends one, but be sure.
    if (next === null || page.data.length === 0 || next === request.after) return;
    request = { ...request, before: undefined, after: next };
  }
}

/** Alias of {@link iterate}, by the name other directory-sync SDKs use. */
export const autoPaginate = iterate;

/** Collects every item of a list into an array (every page is fetched: mind large lists). */
export async function listAll<T, P extends PageParams | undefined>(
  list: ListFunction<T, P>,
  params: NoInfer<NonNullable<P>>,
): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterate(list, params)) items.push(item);
  return items;
}
