let installed = false;

/**
 * `roster … | head`: once the reader has gone, nothing more can be said. The process ends quietly
 * with the exit status it has so far, instead of dying on an unhandled `EPIPE` with a stack trace
 * (and a `tail` that never stops writing to a closed pipe). Installed once per process.
 */
export function endQuietlyOnClosedPipe(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit();
      throw error;
    });
  }
}
