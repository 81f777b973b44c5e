/**
 * The RFC 3161 step of bundle verification (Sigstore client spec
 * "Establish a time for the signature"): every timestamp in the bundle must
 * verify against a trusted timestamp authority, and each one yields a
 * verified signing time.
 *
 * @module
 */

import type { Bundle } from "../bundle/mod.ts";
import { encodeBase64 } from "../encoding/mod.ts";
import { VerificationError } from "../errors/mod.ts";
import { verifyRfc3161Timestamp } from "../timestamp/mod.ts";
import type { TrustedRoot } from "../trust/mod.ts";

/** A verified signing time, where it came from and who vouches for it. */
export interface SigningTime {
  /** A transparency log's signed entry timestamp, or an RFC 3161 timestamp authority */
  readonly source: "tlog" | "timestamp-authority";
  /** The verified time */
  readonly time: Date;
  /** The log's or TSA's URL */
  readonly by: string;
}

/**
 * Verifies every RFC 3161 timestamp of `bundle` over its signature and
 * returns one signing time per timestamp, in bundle order. Every time is
 * returned, also several from the same TSA: each must later meet every rule
 * (certificate validity, not in the future).
 *
 * @param bundle The parsed bundle.
 * @param trustedRoot The trust root whose `timestampAuthorities` vouch for the times.
 * @returns The verified times; empty when the bundle has no timestamp.
 * @throws {VerificationError} `TIMESTAMP` for a repeated or invalid token,
 *   `TIMESTAMP_UNTRUSTED` when no trusted TSA vouches for one.
 *
 * @example A bundle without timestamps has no TSA time
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyTimestamps } from "./timestamps.ts";
 * import type { Bundle } from "../bundle/mod.ts";
 * import type { TrustedRoot } from "../trust/mod.ts";
 *
 * const bundle = { rfc3161Timestamps: [] } as unknown as Bundle;
 * assert.deepEqual(await verifyTimestamps(bundle, { timestampAuthorities: [] } as unknown as TrustedRoot), []);
 * ```
 */
export async function verifyTimestamps(bundle: Bundle, trustedRoot: TrustedRoot): Promise<SigningTime[]> {
  if (bundle.rfc3161Timestamps.length > 0 && trustedRoot.timestampAuthorities.length === 0) {
    throw new VerificationError(
      "TIMESTAMP_UNTRUSTED",
      "Bundle has RFC 3161 timestamps but the trusted root lists no timestamp authority",
    );
  }
  const seen = new Set<string>();
  const times: SigningTime[] = [];
  for (const [i, token] of bundle.rfc3161Timestamps.entries()) {
    const key = encodeBase64(token);
    if (seen.has(key)) {
      throw new VerificationError("TIMESTAMP", `Bundle repeats the same RFC 3161 timestamp (timestamp ${i})`);
    }
    seen.add(key);
    const { time, authority } = await verifyRfc3161Timestamp(
      token,
      bundle.content.signature,
      trustedRoot.timestampAuthorities,
    );
    times.push({ source: "timestamp-authority", time, by: authority.uri });
  }
  return times;
}
