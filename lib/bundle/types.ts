/**
 * Typed form of a Sigstore bundle (`dev.sigstore.bundle.v1.Bundle`) after
 * parsing: one-of fields are tagged unions, bytes are `Uint8Array`, int64s
 * are `bigint`, and required fields are never `undefined`.
 *
 * @module
 */

/** Bundle format versions this client reads. */
export type BundleVersion = "0.1" | "0.2" | "0.3";

/** The key or certificate material a bundle carries. */
export type VerificationContent =
  | { readonly kind: "x509CertificateChain"; readonly certificates: readonly Uint8Array[] }
  | { readonly kind: "certificate"; readonly certificate: Uint8Array }
  | { readonly kind: "publicKey"; readonly hint: string };

/** A Merkle inclusion proof with its checkpoint (signed note). */
export interface InclusionProof {
  readonly logIndex: bigint;
  readonly rootHash: Uint8Array;
  readonly treeSize: bigint;
  readonly hashes: readonly Uint8Array[];
  /** The signed note text, or `undefined` when absent (only allowed in v0.1 bundles). */
  readonly checkpoint: string | undefined;
}

/** One transparency log entry (`dev.sigstore.rekor.v1.TransparencyLogEntry`). */
export interface TransparencyLogEntry {
  readonly logIndex: bigint;
  readonly logId: Uint8Array;
  readonly kind: string;
  readonly kindVersion: string;
  /** Unix seconds; 0 when absent (always so on Rekor v2). */
  readonly integratedTime: bigint;
  readonly signedEntryTimestamp: Uint8Array | undefined;
  readonly inclusionProof: InclusionProof | undefined;
  readonly canonicalizedBody: Uint8Array;
}

/** A message signature over an artifact (hashedrekord). */
export interface MessageSignature {
  readonly kind: "messageSignature";
  /** Informational digest; if present it must match the artifact. */
  readonly messageDigest: { readonly algorithm: string; readonly digest: Uint8Array } | undefined;
  readonly signature: Uint8Array;
}

/** A DSSE envelope with exactly one signature. */
export interface DsseEnvelope {
  readonly kind: "dsseEnvelope";
  readonly payload: Uint8Array;
  readonly payloadType: string;
  readonly signature: Uint8Array;
  readonly keyid: string;
}

/** A parsed, shape-checked bundle. */
export interface Bundle {
  readonly mediaType: string;
  readonly version: BundleVersion;
  readonly verificationContent: VerificationContent;
  readonly tlogEntries: readonly TransparencyLogEntry[];
  /** DER `TimeStampResp` values from `timestampVerificationData`. */
  readonly rfc3161Timestamps: readonly Uint8Array[];
  readonly content: MessageSignature | DsseEnvelope;
}
