/**
 * Bundle verification: every step of the Sigstore client specification over
 * parsed inputs, without network access.
 *
 * @module
 */

export { verifyBundle } from "./verify_bundle.ts";
export { requiredDigestAlgorithms, verifyMessageSignature } from "./artifact.ts";
export { resolveSigner } from "./signer.ts";
export { verifySigningCertificate } from "./signing_certificate.ts";
export type { BundleSigner } from "./signer.ts";
export type {
  ArtifactInput,
  SignerPolicy,
  VerificationResult,
  VerifiedTime,
  VerifyOptions,
} from "./types.ts";
