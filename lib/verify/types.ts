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

/** Who must have signed: a certificate identity, or a managed public key. */
export type SignerPolicy =
  | { readonly kind: "identity"; readonly policy: IdentityPolicy }
  | { readonly kind: "key"; readonly key: PublicKey };

/** Options of `verifyBundle`. */
export interface VerifyOptions {
  readonly trustedRoot: TrustedRoot;
  readonly signer: SignerPolicy;
  /** The current time, for rejecting log times in the future. */
  readonly now?: Date;
  /** Distinct CT logs that must have signed SCTs (default 1). */
  readonly ctLogThreshold?: number;
}

/** A verified signing time and where it came from. */
export interface VerifiedTime {
  readonly source: "tlog" | "timestamp-authority";
  /** RFC 3339 time. */
  readonly time: string;
  /** The log's or TSA's URL. */
  readonly by: string;
}

/** The outcome of a successful verification; plain JSON data. */
export interface VerificationResult {
  readonly mediaType: string;
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
  readonly content:
    | { readonly kind: "messageSignature"; readonly artifactDigest: string }
    | {
      readonly kind: "dsseEnvelope";
      readonly payloadType: string;
      readonly predicateType: string | undefined;
      readonly artifactDigest: string;
    };
  readonly verifiedTimes: readonly VerifiedTime[];
  readonly tlogEntries: readonly {
    readonly logIndex: string;
    readonly log: string;
    readonly kind: string;
    readonly version: string;
  }[];
}
