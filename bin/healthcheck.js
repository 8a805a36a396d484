#!/usr/bin/env node
// The container's health check: exits 0 when this process's `/ready` answers 200 (the database
// answers), 1 otherwise. Reads the same PORT the server listens on; bounded to 4 s.
const port = process.env.PORT || "8080";
try {
  const res = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(4_000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
