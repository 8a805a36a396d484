export { apiBase, checkGoogleConfig, GOOGLE_DEFAULTS, type GoogleConfig } from "./google-config.js";
export { googleKind } from "./google-kind.js";
export { createGoogleSource, type GoogleSourceOptions } from "./google-source.js";
