export { apiBase, checkOktaConfig, OKTA_DEFAULTS, type OktaConfig } from "./okta-config.js";
export { oktaKind } from "./okta-kind.js";
export { createOktaSource, type OktaSourceOptions } from "./okta-source.js";
