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
  /** First instant of the window, if given */
  readonly start: Date | undefined;
  /** Last instant of the window; `undefined` while it is open */
  readonly end: Date | undefined;
}

/** A transparency log (Rekor v1 or v2) or CT log from the trust root. */
export interface TransparencyLogInstance {
  /** The log's base URL, such as `https://rekor.sigstore.dev` */
  readonly baseUrl: string;
  /** The log's Merkle tree hash algorithm (default `SHA2_256`) */
  readonly hashAlgorithm: string;
  /** `keyDetails` as written in the trust root (e.g. `PKIX_ECDSA_P256_SHA_256`). */
  readonly keyDetails: string;
  /** The parsed key, or `undefined` when it cannot be used (unsupported, or an RSA key under 2048 bits). */
  readonly publicKey: PublicKey | undefined;
  /** Why `publicKey` is `undefined`, for messages. */
  readonly unusableKeyReason?: string;
  /** The raw `publicKey.rawBytes`. */
  readonly publicKeyBytes: Uint8Array;
  /** When the log's key may be used */
  readonly validFor: ValidityPeriod;
  /** `logId.keyId`: SHA-256 of the SPKI (v1, CT) or the C2SP checkpoint key ID (v2). */
  readonly logId: Uint8Array;
  /** `checkpointKeyId.keyId` when present. */
  readonly checkpointKeyId: Uint8Array | undefined;
}

/** A certificate authority (Fulcio) or timestamp authority from the trust root. */
export interface CertificateAuthority {
  /** The authority's URI, or `""` when absent */
  readonly uri: string;
  /** Ordered leaf-most first; the last element is the trust anchor. */
  readonly certChain: readonly Certificate[];
  /** When the authority's chain may be used */
  readonly validFor: ValidityPeriod;
}

/** A parsed TrustedRoot. */
export interface TrustedRoot {
  /** The trust root's media type as written in the file */
  readonly mediaType: string;
  /** Rekor transparency logs */
  readonly tlogs: readonly TransparencyLogInstance[];
  /** Fulcio certificate authorities */
  readonly certificateAuthorities: readonly CertificateAuthority[];
  /** Certificate transparency logs, whose SCTs the certificates carry */
  readonly ctlogs: readonly TransparencyLogInstance[];
  /** RFC 3161 timestamp authorities */
  readonly timestampAuthorities: readonly CertificateAuthority[];
}
