/**
 * RFC 3161 timestamps: parsing a DER `TimeStampResp` and verifying it over a
 * bundle's signature against the trust root's timestamp authorities
 * (Sigstore client spec "Establish signing time").
 *
 * @module
 */

export { parseTimestampResponse } from "./parse_timestamp_response.ts";
export { verifyRfc3161Timestamp } from "./verify_rfc3161_timestamp.ts";
export type { Rfc3161TimestampResult } from "./verify_rfc3161_timestamp.ts";
export type {
  MessageImprint,
  SignerIdentifier,
  TimestampAccuracy,
  TimestampResponse,
  TimestampSignerInfo,
  TstInfo,
} from "./types.ts";
