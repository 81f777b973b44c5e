/**
 * Object identifiers of RFC 3161 and CMS (RFC 5652), and the digest and
 * signature algorithms a timestamp may use. Private to `timestamp/`.
 *
 * @module
 */

import type { HashAlgorithm } from "../crypto/mod.ts";

/** OIDs used by timestamp tokens. */
export const TIMESTAMP_OID = {
  /** CMS content type signedData (RFC 5652 §5.1). */
  signedData: "1.2.840.113549.1.7.2",
  /** id-ct-TSTInfo (RFC 3161 §2.4.2). */
  tstInfo: "1.2.840.113549.1.9.16.1.4",
  /** Signed attribute contentType (RFC 5652 §11.1). */
  contentType: "1.2.840.113549.1.9.3",
  /** Signed attribute messageDigest (RFC 5652 §11.2). */
  messageDigest: "1.2.840.113549.1.9.4",
} as const;

/** SHA-2 digest OIDs accepted for message imprints and CMS digests; SHA-1 and others are refused. */
export const DIGEST_ALGORITHMS: Readonly<Record<string, HashAlgorithm>> = {
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

/** Key family a CMS `signatureAlgorithm` OID requires (the hash comes from `digestAlgorithm`). */
export type SignatureFamily = "ecdsa" | "rsa-pkcs1v15" | "ed25519";

/** CMS `signatureAlgorithm` OIDs accepted, by key family. SHA-1 variants are not listed. */
export const SIGNATURE_ALGORITHMS: Readonly<Record<string, SignatureFamily>> = {
  "1.2.840.10045.2.1": "ecdsa", // id-ecPublicKey, as some signers write it
  "1.2.840.10045.4.3.2": "ecdsa", // ecdsa-with-SHA256
  "1.2.840.10045.4.3.3": "ecdsa", // ecdsa-with-SHA384
  "1.2.840.10045.4.3.4": "ecdsa", // ecdsa-with-SHA512
  "1.2.840.113549.1.1.1": "rsa-pkcs1v15", // rsaEncryption
  "1.2.840.113549.1.1.11": "rsa-pkcs1v15", // sha256WithRSAEncryption
  "1.2.840.113549.1.1.12": "rsa-pkcs1v15", // sha384WithRSAEncryption
  "1.2.840.113549.1.1.13": "rsa-pkcs1v15", // sha512WithRSAEncryption
  "1.3.101.112": "ed25519", // Ed25519 (RFC 8419)
};
