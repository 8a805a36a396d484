export { checkEntraConfig, ENTRA_DEFAULTS, type EntraConfig } from "./entra-config.js";
export { entraKind } from "./entra-kind.js";
export { createEntraSource, type EntraSourceOptions } from "./entra-source.js";
export { testEntraConnection } from "./entra-test.js";
