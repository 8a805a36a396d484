/** Roster as a library: start a server in-process, or build the app for tests and embedding. */
export { buildApp, createServices } from "./app.js";
export { loadConfig, type RosterConfig } from "./config.js";
export { startServer, type RunningServer } from "./server/start.js";
export { createRosterClient } from "./client/index.js";
