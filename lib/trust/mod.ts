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
// The trust loaders (refresh, cache, trust bundles) touch the file system: they are the runtime
// edge lib/trust/tuf_trust.ts, imported by lib/cli only; their types are here.
export type { TufRepository, TufTrust, TufTrustOptions } from "./tuf_trust.ts";
export { checkTrustAge, describeDuration, describeTrust, trustAgeMs, trustInfoJson } from "./trust_info.ts";
export type { TrustInfo, TrustSourceKind } from "./trust_info.ts";
export { parseTrustBundle, TRUST_BUNDLE_MEDIA_TYPE } from "./trust_bundle.ts";
export type { TrustBundle } from "./trust_bundle.ts";
export type { CacheEnvironment } from "./tuf_cache.ts";
export { createHttpTufSource } from "./tuf_source.ts";
export type { HttpTufSourceOptions, MetadataRequest, TufSource } from "./tuf_source.ts";
export type {
  LocalTufMetadata,
  TufRoleState,
  TufSession,
  TufSessionOptions,
  TufState,
  TufTargetInfo,
} from "./tuf_session.ts";
