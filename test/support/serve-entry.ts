// A `roster serve` from the TypeScript sources, for tests that run the server as a child process
// (`server-process.ts`): the same start and shutdown as the built command, without a build.
import { loadConfig } from "../../src/config.js";
import { serve } from "../../src/server/start.js";

await serve(loadConfig(), (line) => process.stdout.write(`${line}\n`));
