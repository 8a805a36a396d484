import type { RouteOptions } from "fastify";

/**
 * Which methods each registered path answers, so a known path asked with another method is a
 * `405` with an `Allow` header (RFC 9110 §15.5.6) rather than a `404`. Fed by an `onRoute` hook;
 * read only when no route matched, so a linear scan of the patterns costs nothing on served requests.
 */
export interface AllowedMethods {
  onRoute(route: RouteOptions): void;
  /** The methods `path` (no query string) answers, or none when no route has that path. */
  of(path: string): string[];
}

function patternOf(url: string): RegExp {
  const source = url
    .split("/")
    .map((segment) =>
      segment.startsWith(":") ? "[^/]+" : segment === "*" ? ".*" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("/");
  return new RegExp(`^${source}$`);
}

export function createAllowedMethods(): AllowedMethods {
  const routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  return {
    onRoute(route) {
      const entry = routes.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
      for (const method of [route.method].flat()) entry.methods.add(method);
      routes.set(route.url, entry);
    },
    of(path) {
      const allowed = new Set<string>();
      for (const { pattern, methods } of routes.values())
        if (pattern.test(path)) for (const m of methods) allowed.add(m);
      return [...allowed].sort();
    },
  };
}
