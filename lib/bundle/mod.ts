/**
 * Sigstore bundles: parsing v0.1–v0.3 into typed values, and DSSE PAE.
 *
 * @module
 */

export { MAX_BUNDLE_LIST, parseBundle, parseBundleJson } from "./parse_bundle.ts";
export { preAuthEncoding } from "./dsse.ts";
export type {
  Bundle,
  BundleVersion,
  DsseEnvelope,
  InclusionProof,
  MessageSignature,
  TransparencyLogEntry,
  VerificationContent,
} from "./types.ts";
export { buildBundleJson, BUNDLE_V03_MEDIA_TYPE } from "./serialize.ts";
export type { BundleParts } from "./serialize.ts";
