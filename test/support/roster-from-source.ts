// Test support: the `roster` command run from the TypeScript sources (as bin/roster.js runs dist/),
// so tests can start a real server or worker as a child process without a build.
import { runCli } from "../../src/cli/index.js";

await runCli(process.argv);
