export { checkScimPullConfig, SCIM_PULL_DEFAULTS, type ScimPullConfig } from "./scim-pull-config.js";
export { scimPullKind } from "./scim-pull-kind.js";
export { createScimPullSource, type ScimPullOptions } from "./scim-pull-source.js";
