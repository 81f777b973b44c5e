/**
 * Signing: the ephemeral key, the Fulcio certificate, Rekor v1 and v2
 * entries, RFC 3161 timestamps and the v0.3 bundle, checked by our own
 * verifier before it is returned.
 *
 * @module
 */

export { chooseServices, createSigner } from "./signer.ts";
export type { SignedBundle, Signer, SignerOptions, SigningIdentity } from "./signer.ts";
export { ecdsaRawToDer, generateEphemeralKey, signWithEphemeralKey } from "./ephemeral_key.ts";
export type { EphemeralKey } from "./ephemeral_key.ts";
export { requestSigningCertificate } from "./fulcio.ts";
export type { FulcioIdentity, SigningCertificate } from "./fulcio.ts";
export { createRekorV1Entry } from "./rekor_v1.ts";
export { createRekorV2Entry } from "./rekor_v2.ts";
export { encodeTimeStampRequest, requestTimestamp } from "./timestamp_request.ts";
export { encodeRekorV1Request, verifyNewEntry } from "./rekor_v1.ts";
export type {
  CreateRekorEntryOptions,
  InclusionProofJson,
  RekorEntryRequest,
  TransparencyLogEntryJson,
} from "./rekor_v1.ts";
export { encodeRekorV2Request } from "./rekor_v2.ts";
export type {
  RequestedTimestamp,
  RequestTimestampOptions,
  TimeStampRequestOptions,
} from "./timestamp_request.ts";
export { findRekorV1Entry, getRekorV1EntryByIndex } from "./rekor_v1_lookup.ts";
