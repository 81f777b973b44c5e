/**
 * Typed form of an RFC 3161 `TimeStampResp` after parsing: the status, the
 * CMS SignedData wrapper (RFC 5652 §5) and the TSTInfo it signs (RFC 3161
 * §2.4.2). Byte fields keep the exact DER they were read from, so the
 * verifier hashes and checks signatures over the signer's own encoding.
 *
 * @module
 */

import type { Certificate } from "../x509/mod.ts";

/** `TSTInfo.messageImprint`: the hash of the timestamped data. */
export interface MessageImprint {
  /** OID of `hashAlgorithm` (for example `2.16.840.1.101.3.4.2.1`, SHA-256). */
  readonly hashAlgorithm: string;
  /** The hash of the timestamped data. */
  readonly hashedMessage: Uint8Array;
}

/** `TSTInfo.accuracy`: the deviation around `genTime`; absent parts are `undefined`. */
export interface TimestampAccuracy {
  /** Whole seconds. */
  readonly seconds: number | undefined;
  /** Milliseconds, 1 to 999. */
  readonly millis: number | undefined;
  /** Microseconds, 1 to 999. */
  readonly micros: number | undefined;
}

/** The signed content of a timestamp token (RFC 3161 §2.4.2 `TSTInfo`). */
export interface TstInfo {
  /** The DER of TSTInfo: the `eContent` octets that `messageDigest` covers. */
  readonly raw: Uint8Array;
  /** Always 1. */
  readonly version: number;
  /** TSA policy OID. */
  readonly policy: string;
  /** The hash of the timestamped data (for Sigstore: of the signature bytes). */
  readonly messageImprint: MessageImprint;
  /** Serial number contents (big-endian two's complement), as the TSA wrote it. */
  readonly serialNumber: Uint8Array;
  /** The time the TSA vouches for (fractional seconds truncated to milliseconds). */
  readonly genTime: Date;
  /** How far `genTime` may be off, if the TSA says. */
  readonly accuracy: TimestampAccuracy | undefined;
  /** `ordering`; false when absent. */
  readonly ordering: boolean;
  /** The nonce echoed from the request, if any. */
  readonly nonce: bigint | undefined;
  /** DER of the `tsa` GeneralName (inside its `[0]` wrapper), if present. */
  readonly tsa: Uint8Array | undefined;
  /** DER of the `[1]` extensions field, if present. */
  readonly extensions: Uint8Array | undefined;
}

/** How a SignerInfo names its certificate (RFC 5652 §5.3 `SignerIdentifier`). */
export type SignerIdentifier =
  | {
    readonly kind: "issuerAndSerialNumber";
    /** DER of the issuer Name, comparable with `Certificate.issuer`. */
    readonly issuer: Uint8Array;
    /** Serial number contents, comparable with `Certificate.serialNumber`. */
    readonly serialNumber: Uint8Array;
  }
  | { readonly kind: "subjectKeyIdentifier"; readonly keyIdentifier: Uint8Array };

/** The single SignerInfo of a timestamp token (RFC 5652 §5.3). */
export interface TimestampSignerInfo {
  /** 1 with issuerAndSerialNumber, 3 with subjectKeyIdentifier. */
  readonly version: number;
  /** The certificate that signed, by issuer and serial or by key identifier. */
  readonly sid: SignerIdentifier;
  /** OID of the digest algorithm for `messageDigest` and the signature. */
  readonly digestAlgorithm: string;
  /**
   * DER of `signedAttrs` with its `[0]` tag byte (0xA0) replaced by SET
   * (0x31): exactly the bytes the signature covers.
   */
  readonly signedAttributes: Uint8Array;
  /** The `contentType` signed attribute (must be id-ct-TSTInfo). */
  readonly contentType: string;
  /** The `messageDigest` signed attribute. */
  readonly messageDigest: Uint8Array;
  /** OID of `signatureAlgorithm`. */
  readonly signatureAlgorithm: string;
  /** The signature value (DER for ECDSA, raw for RSA and Ed25519). */
  readonly signature: Uint8Array;
}

/** A parsed `TimeStampResp` whose status granted a token. */
export interface TimestampResponse {
  /** `PKIStatus`: 0 granted or 1 grantedWithMods. */
  readonly status: 0 | 1;
  /** SignedData version. */
  readonly signedDataVersion: number;
  /** OIDs of SignedData `digestAlgorithms`. */
  readonly digestAlgorithms: readonly string[];
  /** OID of `encapContentInfo.eContentType` (always id-ct-TSTInfo). */
  readonly contentType: string;
  /** The signed TSTInfo. */
  readonly tstInfo: TstInfo;
  /** Certificates embedded in the token (`[0] certificates`); empty when none. */
  readonly certificates: readonly Certificate[];
  /** The token's only SignerInfo. */
  readonly signerInfo: TimestampSignerInfo;
}
