/**
 * Typed errors for every failure sigstore-ts reports.
 *
 * One base class, {@linkcode SigstoreError}, carries a stable `code` naming
 * the step that failed; subclasses say what the caller does next: fix the
 * input ({@linkcode ParseError}), distrust the artifact
 * ({@linkcode VerificationError}), check who signed ({@linkcode PolicyError}),
 * retry ({@linkcode NetworkError}) or fix the setup ({@linkcode ConfigError}).
 *
 * @module
 */

/** Stable error codes. Each names the input or verification step that failed. */
export type ErrorCode =
  // parsing
  | "BUNDLE_PARSE"
  | "BUNDLE_UNSUPPORTED_VERSION"
  | "TRUST_ROOT_PARSE"
  | "SIGNING_CONFIG_PARSE"
  | "DER_PARSE"
  | "CERT_PARSE"
  | "KEY_PARSE"
  | "INPUT"
  // verification steps
  | "BUNDLE_INVALID"
  | "CERT_CHAIN"
  | "CERT_VALIDITY"
  | "CERT_PROFILE"
  | "SCT"
  | "TLOG_MISSING"
  | "TLOG_UNKNOWN_LOG"
  | "TLOG_KIND"
  | "TLOG_BODY_MISMATCH"
  | "TLOG_SET"
  | "TLOG_INCLUSION_PROOF"
  | "TLOG_CHECKPOINT"
  | "TLOG_INTEGRATED_TIME"
  | "TIMESTAMP"
  | "TIMESTAMP_UNTRUSTED"
  | "TIME_MISSING"
  | "TRUST_KEY_VALIDITY"
  | "SIGNATURE"
  | "ARTIFACT_DIGEST"
  | "DSSE"
  | "INTOTO_SUBJECT"
  | "KEY_MISMATCH"
  // policy
  | "POLICY_IDENTITY"
  | "POLICY_ISSUER"
  | "POLICY_EXTENSION"
  // trust over TUF (refresh, cache, exported trust bundles)
  | "TUF_METADATA_PARSE"
  | "TUF_SIGNATURE"
  | "TUF_ROLLBACK"
  | "TUF_VERSION_MISMATCH"
  | "TUF_EXPIRED"
  | "TUF_HASH_MISMATCH"
  | "TUF_TOO_LARGE"
  | "TUF_FETCH"
  | "TUF_TARGET_MISSING"
  | "TUF_CACHE"
  | "TUF_BUNDLE_PARSE"
  | "TRUST_STALE"
  // environment
  | "OIDC_TOKEN"
  | "NETWORK"
  | "RESPONSE_TOO_LARGE"
  | "CONFIG"
  | "IO";

/** Options accepted by every {@linkcode SigstoreError} constructor. */
export interface SigstoreErrorOptions {
  /** The lower-level error that caused this one. */
  cause?: unknown;
}

/** Base class of every error sigstore-ts throws on purpose. */
export class SigstoreError extends Error {
  /** Stable machine-readable code of the failed step. */
  readonly code: ErrorCode;

  /** Builds an error with a code and a one-line message. */
  constructor(code: ErrorCode, message: string, options?: SigstoreErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** The input (bundle, trust root, certificate, file) is malformed. */
export class ParseError extends SigstoreError {}

/** A cryptographic or structural verification step failed. */
export class VerificationError extends SigstoreError {}

/** The signature is valid but the signer does not match the policy. */
export class PolicyError extends SigstoreError {}

/** A network call failed. */
export class NetworkError extends SigstoreError {}

/** The configuration (trust root, signing config, flags) cannot be used. */
export class ConfigError extends SigstoreError {}
