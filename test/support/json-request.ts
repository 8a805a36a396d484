/**
 * One request to a live server with a bearer key and an optional JSON body; the answer's status,
 * its body as text and parsed (`{}` when empty). The browser tests use it to arrange and check
 * what the pages show through the public API.
 */
export async function jsonRequest<J>(
  baseUrl: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: J; text: string }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as J, text };
}
