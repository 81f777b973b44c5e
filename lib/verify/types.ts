/**
 * Inputs and results of bundle verification.
 *
 * @module
 */

import type { HashAlgorithm, PublicKey } from "../crypto/mod.ts";
import type { IdentityPolicy } from "../policy/mod.ts";
import type { TrustedRoot } from "../trust/mod.ts";

/** The artifact: its bytes, or digests computed elsewhere (a stream, or a `sha256:` input). */
export type ArtifactInput =
  | { readonly kind: "bytes"; readonly bytes: Uint8Array }
  | { readonly kind: "digest"; readonly digests: ReadonlyMap<HashAlgorithm, Uint8Array> };

/**
 * Who must have signed: a certificate identity, any one of several
 * certificate identities (`anyOf`, at least one), or a managed public key.
 */
export type SignerPolicy =
  | { readonly kind: "identity"; readonly policy: IdentityPolicy }
  | { readonly kind: "anyOf"; readonly policies: readonly IdentityPolicy[] }
  | { readonly kind: "key"; readonly key: PublicKey };

/** Options of `verifyBundle`. */
export interface VerifyOptions {
  /** Trust root whose logs and authorities the bundle is checked against */
  readonly trustedRoot: TrustedRoot;
  /** The expected signer: a certificate identity policy or a public key */
  readonly signer: SignerPolicy;
  /** The current time, for refusing signing times in the future; default: the clock, read once. */
  readonly now?: Date;
  /** Distinct CT logs that must have signed SCTs: a whole number, at least 1 (default 1). */
  readonly ctLogThreshold?: number;
  /** Transparency log entries the bundle must carry, each verified: a whole number, at least 1 (default 1). */
  readonly tlogThreshold?: number;
  /** Verified RFC 3161 timestamps the bundle must carry: a whole number, at least 0 (default 0). */
  readonly timestampThreshold?: number;
  /**
   * Accepted in-toto predicate types: when given (at least one), the bundle
   * must be a DSSE in-toto statement whose `predicateType` is one of them.
   */
  readonly predicateTypes?: readonly string[];
}

/** A verified signing time and where it came from. */
export interface VerifiedTime {
  /** Whether a transparency log or a timestamp authority vouched for the time */
  readonly source: "tlog" | "timestamp-authority";
  /** RFC 3339 time. */
  readonly time: string;
  /** The log's or TSA's URL. */
  readonly by: string;
}

/** The outcome of a successful verification; plain JSON data. */
export interface VerificationResult {
  /** The verified bundle's media type */
  readonly mediaType: string;
  /** Who signed: the certificate's identities, issuer, validity and extensions, or a managed key */
  readonly signer:
    | {
      readonly kind: "certificate";
      readonly identities: readonly string[];
      readonly issuer: string | undefined;
      readonly notBefore: string;
      readonly notAfter: string;
      readonly extensions: Readonly<Record<string, string>>;
    }
    | { readonly kind: "key" };
  /** What was signed: the artifact digest, plus the payload and predicate types for DSSE */
  readonly content:
    | { readonly kind: "messageSignature"; readonly artifactDigest: string }
    | {
      readonly kind: "dsseEnvelope";
      readonly payloadType: string;
      readonly predicateType: string | undefined;
      readonly artifactDigest: string;
    };
  /** The signing times that were verified */
  readonly verifiedTimes: readonly VerifiedTime[];
  /** The verified log entries: index, log URL, entry kind and version */
  readonly tlogEntries: readonly {
    readonly logIndex: string;
    readonly log: string;
    readonly kind: string;
    readonly version: string;
  }[];
}
