/**
 * Typed form of a TrustedRoot (`dev.sigstore.trustroot.v1.TrustedRoot`)
 * after parsing: keys are parsed, certificates are parsed, validity windows
 * are dates.
 *
 * @module
 */

import type { PublicKey } from "../crypto/mod.ts";
import type { Certificate } from "../x509/mod.ts";

/**
 * A validity window, closed at both ends. A window without a `start` is
 * never valid (a trust root must state when a key begins); a window without
 * an `end` is still open.
 */
export interface ValidityPeriod {
  readonly start: Date | undefined;
  readonly end: Date | undefined;
}

/** A transparency log (Rekor v1 or v2) or CT log from the trust root. */
export interface TransparencyLogInstance {
  readonly baseUrl: string;
  readonly hashAlgorithm: string;
  /** `keyDetails` as written in the trust root (e.g. `PKIX_ECDSA_P256_SHA_256`). */
  readonly keyDetails: string;
  /** The parsed key, or `undefined` when it cannot be used (unsupported encoding). */
  readonly publicKey: PublicKey | undefined;
  /** The raw `publicKey.rawBytes`. */
  readonly publicKeyBytes: Uint8Array;
  readonly validFor: ValidityPeriod;
  /** `logId.keyId`: SHA-256 of the SPKI (v1, CT) or the C2SP checkpoint key ID (v2). */
  readonly logId: Uint8Array;
  /** `checkpointKeyId.keyId` when present. */
  readonly checkpointKeyId: Uint8Array | undefined;
}

/** A certificate authority (Fulcio) or timestamp authority from the trust root. */
export interface CertificateAuthority {
  readonly uri: string;
  /** Ordered leaf-most first; the last element is the trust anchor. */
  readonly certChain: readonly Certificate[];
  readonly validFor: ValidityPeriod;
}

/** A parsed TrustedRoot. */
export interface TrustedRoot {
  readonly mediaType: string;
  readonly tlogs: readonly TransparencyLogInstance[];
  readonly certificateAuthorities: readonly CertificateAuthority[];
  readonly ctlogs: readonly TransparencyLogInstance[];
  readonly timestampAuthorities: readonly CertificateAuthority[];
}
