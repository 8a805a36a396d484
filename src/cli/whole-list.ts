import { type List, type ListFunction, listAll, type PageParams } from "../client/index.js";

/**
 * Every page of a list as one list envelope with no cursors left, so `--json` output has the
 * same shape (`.data[]`) whether a command printed one page or all of them.
 */
export async function wholeList<T, P extends PageParams>(list: ListFunction<T, P>, params: P): Promise<List<T>> {
  return { object: "list", data: await listAll(list, params), list_metadata: { before: null, after: null } };
}
