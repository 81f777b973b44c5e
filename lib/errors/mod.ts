/**
 * Typed errors for every failure sigstore-ts reports.
 *
 * One base class, {@linkcode SigstoreError}, carries a stable `code` naming
 * the step that failed; subclasses say what the caller does next: fix the
 * input ({@linkcode ParseError}), distrust the artifact
 * ({@linkcode VerificationError}), check who signed ({@linkcode PolicyError}),
 * retry ({@linkcode NetworkError}) or fix the setup ({@linkcode ConfigError}).
 *
 * Each class owns its codes: a constructor accepts only the codes listed for
 * its class (checked by the type checker and again at run time), so a
 * class and its code never disagree. To add a code, add it to the list of
 * the class that throws it.
 *
 * @module
 */

/** Codes of {@linkcode ParseError}: the input is malformed. */
export const PARSE_ERROR_CODES = [
  "BUNDLE_PARSE",
  "BUNDLE_UNSUPPORTED_VERSION",
  "TRUST_ROOT_PARSE",
  "SIGNING_CONFIG_PARSE",
  "DER_PARSE",
  "CERT_PARSE",
  "KEY_PARSE",
  "INPUT",
  "POLICY_PARSE",
  // TUF: metadata or an exported trust bundle is malformed
  "TUF_METADATA_PARSE",
  "TUF_BUNDLE_PARSE",
] as const;

/** Codes of {@linkcode VerificationError}: a verification step failed. */
export const VERIFICATION_ERROR_CODES = [
  "BUNDLE_INVALID",
  "CERT_CHAIN",
  "CERT_VALIDITY",
  "CERT_PROFILE",
  "SCT",
  "TLOG_MISSING",
  "TLOG_UNKNOWN_LOG",
  "TLOG_KIND",
  "TLOG_BODY_MISMATCH",
  "TLOG_SET",
  "TLOG_INCLUSION_PROOF",
  "TLOG_CHECKPOINT",
  "TLOG_INTEGRATED_TIME",
  "TIMESTAMP",
  "TIMESTAMP_UNTRUSTED",
  "TIME_MISSING",
  "TRUST_KEY_VALIDITY",
  "SIGNATURE",
  "ARTIFACT_DIGEST",
  "DSSE",
  "INTOTO_SUBJECT",
  "KEY_MISMATCH",
  "PREDICATE_TYPE",
  // TUF: metadata or a target fails a check of the client workflow
  "TUF_SIGNATURE",
  "TUF_ROLLBACK",
  "TUF_VERSION_MISMATCH",
  "TUF_EXPIRED",
  "TUF_HASH_MISMATCH",
  "TUF_TARGET_MISSING",
] as const;

/** Codes of {@linkcode PolicyError}: the signature is good but the signer is not the expected one. */
export const POLICY_ERROR_CODES = [
  "POLICY_IDENTITY",
  "POLICY_ISSUER",
  "POLICY_EXTENSION",
] as const;

/** Codes of {@linkcode NetworkError}: a service could not be reached or answered badly. */
export const NETWORK_ERROR_CODES = [
  "NETWORK",
  "RESPONSE_TOO_LARGE",
  // TUF: the repository cannot be read, or answers more than a role may hold
  "TUF_FETCH",
  "TUF_TOO_LARGE",
] as const;

/** Codes of {@linkcode ConfigError}: the setup (options, trust, token) cannot be used. */
export const CONFIG_ERROR_CODES = [
  "CONFIG",
  "OIDC_TOKEN",
  // trust: the cache cannot be used, or the trust in use is older than --max-trust-age allows
  "TUF_CACHE",
  "TRUST_STALE",
] as const;

/** Codes thrown as a plain {@linkcode SigstoreError}: failures of the environment, not of an input. */
export const SIGSTORE_ERROR_CODES = [
  "IO",
] as const;

/** A {@linkcode ParseError} code. */
export type ParseErrorCode = typeof PARSE_ERROR_CODES[number];
/** A {@linkcode VerificationError} code. */
export type VerificationErrorCode = typeof VERIFICATION_ERROR_CODES[number];
/** A {@linkcode PolicyError} code. */
export type PolicyErrorCode = typeof POLICY_ERROR_CODES[number];
/** A {@linkcode NetworkError} code. */
export type NetworkErrorCode = typeof NETWORK_ERROR_CODES[number];
/** A {@linkcode ConfigError} code. */
export type ConfigErrorCode = typeof CONFIG_ERROR_CODES[number];
/** A code of a plain {@linkcode SigstoreError}. */
export type SigstoreErrorCode = typeof SIGSTORE_ERROR_CODES[number];

/** Stable error codes. Each names the input or verification step that failed. */
export type ErrorCode =
  | ParseErrorCode
  | VerificationErrorCode
  | PolicyErrorCode
  | NetworkErrorCode
  | ConfigErrorCode
  | SigstoreErrorCode;

/** Options accepted by every {@linkcode SigstoreError} constructor. */
export interface SigstoreErrorOptions {
  /** The lower-level error that caused this one. */
  cause?: unknown;
}

/**
 * Base class of every error sigstore-ts throws on purpose. Constructed
 * directly only with the environment codes of `SIGSTORE_ERROR_CODES`; every
 * other code belongs to one subclass.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SigstoreError, VerificationError } from "./mod.ts";
 *
 * const e = new VerificationError("SIGNATURE", "Signature does not verify");
 * assert.ok(e instanceof SigstoreError);
 * assert.equal(e.name, "VerificationError");
 * // A code of another class is refused:
 * assert.throws(() => new VerificationError("NETWORK" as "SIGNATURE", "x"), TypeError);
 * ```
 */
export class SigstoreError extends Error {
  /** The codes this class accepts. */
  static readonly codes: readonly ErrorCode[] = SIGSTORE_ERROR_CODES;

  /** Stable machine-readable code of the failed step. */
  readonly code: ErrorCode;

  /**
   * Builds an error with a code and a one-line message.
   *
   * @throws {TypeError} When `code` is not one of this class's codes.
   */
  constructor(code: SigstoreErrorCode, message: string, options?: SigstoreErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    const allowed = (new.target as typeof SigstoreError).codes;
    if (!allowed.includes(code)) {
      throw new TypeError(`${new.target.name} does not take the code ${JSON.stringify(code)}`);
    }
    this.code = code;
    this.name = new.target.name;
  }
}

// The subclasses pass their own (checked) codes to the base constructor,
// whose parameter type is the base class's own codes; the run-time check
// there reads the subclass's `codes`.
type AnyCode = SigstoreErrorCode;

/** The input (bundle, trust root, certificate, file) is malformed. */
export class ParseError extends SigstoreError {
  /** The codes this class accepts. */
  static override readonly codes: readonly ErrorCode[] = PARSE_ERROR_CODES;
  /** Stable machine-readable code of the failed parse. */
  declare readonly code: ParseErrorCode;
  /** Builds a parse error; `code` must be a {@linkcode ParseErrorCode}. */
  constructor(code: ParseErrorCode, message: string, options?: SigstoreErrorOptions) {
    super(code as string as AnyCode, message, options);
  }
}

/** A cryptographic or structural verification step failed. */
export class VerificationError extends SigstoreError {
  /** The codes this class accepts. */
  static override readonly codes: readonly ErrorCode[] = VERIFICATION_ERROR_CODES;
  /** Stable machine-readable code of the failed step. */
  declare readonly code: VerificationErrorCode;
  /** Builds a verification error; `code` must be a {@linkcode VerificationErrorCode}. */
  constructor(code: VerificationErrorCode, message: string, options?: SigstoreErrorOptions) {
    super(code as string as AnyCode, message, options);
  }
}

/** The signature is valid but the signer does not match the policy. */
export class PolicyError extends SigstoreError {
  /** The codes this class accepts. */
  static override readonly codes: readonly ErrorCode[] = POLICY_ERROR_CODES;
  /** Stable machine-readable code of the failed policy check. */
  declare readonly code: PolicyErrorCode;
  /** Builds a policy error; `code` must be a {@linkcode PolicyErrorCode}. */
  constructor(code: PolicyErrorCode, message: string, options?: SigstoreErrorOptions) {
    super(code as string as AnyCode, message, options);
  }
}

/** A network call failed. */
export class NetworkError extends SigstoreError {
  /** The codes this class accepts. */
  static override readonly codes: readonly ErrorCode[] = NETWORK_ERROR_CODES;
  /** Stable machine-readable code of the failed call. */
  declare readonly code: NetworkErrorCode;
  /** Builds a network error; `code` must be a {@linkcode NetworkErrorCode}. */
  constructor(code: NetworkErrorCode, message: string, options?: SigstoreErrorOptions) {
    super(code as string as AnyCode, message, options);
  }
}

/** The configuration (trust root, signing config, options, token) cannot be used. */
export class ConfigError extends SigstoreError {
  /** The codes this class accepts. */
  static override readonly codes: readonly ErrorCode[] = CONFIG_ERROR_CODES;
  /** Stable machine-readable code of the unusable setting. */
  declare readonly code: ConfigErrorCode;
  /** Builds a configuration error; `code` must be a {@linkcode ConfigErrorCode}. */
  constructor(code: ConfigErrorCode, message: string, options?: SigstoreErrorOptions) {
    super(code as string as AnyCode, message, options);
  }
}

/**
 * Rewraps `error` with `prefix` before its message, keeping its class and
 * code and the original as `cause` (for a step that adds context, as in
 * "Cannot verify the entry Rekor created: …").
 *
 * @param error The error to rewrap.
 * @param prefix Text put before the original message.
 * @returns A new error of the same class with the same code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prefixError, ParseError } from "./mod.ts";
 *
 * const e = prefixError(new ParseError("CERT_PARSE", "bad length"), "Cannot read the entry: ");
 * assert.ok(e instanceof ParseError);
 * assert.equal(e.code, "CERT_PARSE");
 * assert.equal(e.message, "Cannot read the entry: bad length");
 * ```
 */
export function prefixError<E extends SigstoreError>(error: E, prefix: string): E {
  const Class = error.constructor as new (
    code: ErrorCode,
    message: string,
    options?: SigstoreErrorOptions,
  ) => E;
  return new Class(error.code, `${prefix}${error.message}`, { cause: error });
}
