/**
 * Writes bundles: v0.3 (`application/vnd.dev.sigstore.bundle.v0.3+json`) in
 * protobuf JSON form (camelCase, padded base64, int64 as strings), the only
 * version a writer should emit.
 *
 * @module
 */

import { encodeBase64 } from "../encoding/mod.ts";

/** The media type this client writes. */
export const BUNDLE_V03_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

/** What goes into a new bundle. */
export interface BundleParts {
  /** DER of the signing certificate (leaf only). */
  readonly certificate: Uint8Array;
  /** Transparency log entries in protobuf JSON form, as the logs returned them. */
  readonly tlogEntries: readonly unknown[];
  /** DER `TimeStampResp` values. */
  readonly rfc3161Timestamps: readonly Uint8Array[];
  /** The signature: over the artifact's sha256 digest, or a DSSE envelope */
  readonly content:
    | { readonly kind: "messageSignature"; readonly sha256: Uint8Array; readonly signature: Uint8Array }
    | {
      readonly kind: "dsseEnvelope";
      readonly payload: Uint8Array;
      readonly payloadType: string;
      readonly signature: Uint8Array;
    };
}

/** Builds the bundle JSON value. */
export function buildBundleJson(parts: BundleParts): Record<string, unknown> {
  const verificationMaterial: Record<string, unknown> = {
    certificate: { rawBytes: encodeBase64(parts.certificate) },
    tlogEntries: parts.tlogEntries,
  };
  if (parts.rfc3161Timestamps.length > 0) {
    verificationMaterial.timestampVerificationData = {
      rfc3161Timestamps: parts.rfc3161Timestamps.map((t) => ({ signedTimestamp: encodeBase64(t) })),
    };
  }
  const bundle: Record<string, unknown> = { mediaType: BUNDLE_V03_MEDIA_TYPE, verificationMaterial };
  const c = parts.content;
  if (c.kind === "messageSignature") {
    bundle.messageSignature = {
      messageDigest: { algorithm: "SHA2_256", digest: encodeBase64(c.sha256) },
      signature: encodeBase64(c.signature),
    };
  } else {
    bundle.dsseEnvelope = {
      payload: encodeBase64(c.payload),
      payloadType: c.payloadType,
      signatures: [{ sig: encodeBase64(c.signature), keyid: "" }],
    };
  }
  return bundle;
}
