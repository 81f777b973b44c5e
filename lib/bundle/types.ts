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
  /** Index of the entry in the log the proof is for */
  readonly logIndex: bigint;
  /** Merkle tree root hash the proof leads to */
  readonly rootHash: Uint8Array;
  /** Size of the tree the root hash belongs to */
  readonly treeSize: bigint;
  /** Sibling hashes from the leaf up to the root */
  readonly hashes: readonly Uint8Array[];
  /** The signed note text, or `undefined` when absent (only allowed in v0.1 bundles). */
  readonly checkpoint: string | undefined;
}

/** One transparency log entry (`dev.sigstore.rekor.v1.TransparencyLogEntry`). */
export interface TransparencyLogEntry {
  /** Index of the entry in its log */
  readonly logIndex: bigint;
  /** Key ID of the log (`logId.keyId`), which names the log in the trust root */
  readonly logId: Uint8Array;
  /** Entry type, such as `hashedrekord` or `dsse` (`kindVersion.kind`) */
  readonly kind: string;
  /** Version of the entry type (`kindVersion.version`) */
  readonly kindVersion: string;
  /** Unix seconds; 0 when absent (always so on Rekor v2). */
  readonly integratedTime: bigint;
  /** The log's signed entry timestamp (`inclusionPromise`), if present */
  readonly signedEntryTimestamp: Uint8Array | undefined;
  /** Inclusion proof, if present (required from v0.2 on) */
  readonly inclusionProof: InclusionProof | undefined;
  /** The entry body as the log stored it */
  readonly canonicalizedBody: Uint8Array;
}

/** A message signature over an artifact (hashedrekord). */
export interface MessageSignature {
  /** Tag of this content variant */
  readonly kind: "messageSignature";
  /** Informational digest; if present it must match the artifact. */
  readonly messageDigest: { readonly algorithm: string; readonly digest: Uint8Array } | undefined;
  /** Signature over the artifact */
  readonly signature: Uint8Array;
}

/** A DSSE envelope with exactly one signature. */
export interface DsseEnvelope {
  /** Tag of this content variant */
  readonly kind: "dsseEnvelope";
  /** The envelope's payload bytes */
  readonly payload: Uint8Array;
  /** The envelope's payload type, such as `application/vnd.in-toto+json` */
  readonly payloadType: string;
  /** The envelope's signature over the pre-authentication encoding */
  readonly signature: Uint8Array;
  /** The signature's key ID; `""` when absent */
  readonly keyid: string;
}

/** A parsed, shape-checked bundle. */
export interface Bundle {
  /** The bundle's media type as written in the file */
  readonly mediaType: string;
  /** Bundle format version, derived from the media type */
  readonly version: BundleVersion;
  /** The signing certificate, chain or public key hint */
  readonly verificationContent: VerificationContent;
  /** Transparency log entries for the signature */
  readonly tlogEntries: readonly TransparencyLogEntry[];
  /** DER `TimeStampResp` values from `timestampVerificationData`. */
  readonly rfc3161Timestamps: readonly Uint8Array[];
  /** The signature: a message signature or a DSSE envelope */
  readonly content: MessageSignature | DsseEnvelope;
}
