/**
 * Bundle verification: every step of the Sigstore client specification over
 * parsed inputs, without network access.
 *
 * @module
 */

export { verifyBundle } from "./verify_bundle.ts";
export { policyVerifyOptions } from "./policy_options.ts";
export type { PolicyVerifyOptions } from "./policy_options.ts";
export {
  artifactDigests,
  requiredDigestAlgorithms,
  verifyArtifact,
  verifyMessageSignature,
} from "./artifact.ts";
export type { ArtifactContext } from "./artifact.ts";
export { resolveSigner } from "./signer.ts";
export { verifySigningCertificate } from "./signing_certificate.ts";
export { digestArtifactStream, isArtifactDigestEnough } from "./stream.ts";
export type { ArtifactStreamOptions } from "./stream.ts";
export { verifyTimestamps } from "./timestamps.ts";
export type { SigningTime } from "./timestamps.ts";
export { verifyTlogEntries } from "./tlog_entries.ts";
export type { TlogEntriesContext, TlogEntriesVerification } from "./tlog_entries.ts";
export { FUTURE_SKEW_MS, verifySigningTimes } from "./signing_times.ts";
export type { BundleSigner } from "./signer.ts";
export type {
  ArtifactInput,
  SignerPolicy,
  VerificationResult,
  VerifiedTime,
  VerifyOptions,
} from "./types.ts";
