/**
 * Trust configuration: TrustedRoot and ClientTrustConfig parsing, validity
 * windows, and the embedded production and staging trusted roots.
 *
 * @module
 */

export { parseTrustedRoot, parseTrustedRootJson } from "./parse_trusted_root.ts";
export { parseClientTrustConfigJson } from "./parse_client_trust_config.ts";
export type { ClientTrustConfig } from "./parse_client_trust_config.ts";
export { describePeriod, isValidAt } from "./validity.ts";
export {
  EMBEDDED_TRUST_SOURCES,
  embeddedDocument,
  embeddedSigningConfig,
  embeddedTrustedRoot,
} from "./embedded.ts";
export type { EmbeddedInstance, EmbeddedTrustSource } from "./embedded.ts";
export type { CertificateAuthority, TransparencyLogInstance, TrustedRoot, ValidityPeriod } from "./types.ts";
export { parseSigningConfig, parseSigningConfigJson, selectServices } from "./signing_config.ts";
export type { Service, ServiceSelector, SigningConfig } from "./signing_config.ts";
