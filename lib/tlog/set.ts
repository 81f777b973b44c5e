/**
 * Signed entry timestamps (SETs, "inclusion promises") of Rekor v1 entries
 * (protocol reference §3.6.2). The log signs the RFC 8785 (JCS) form of
 *
 * ```json
 * {"body":"<base64 body>","integratedTime":<int>,"logID":"<hex log ID>","logIndex":<int>}
 * ```
 *
 * with its key. Only a verified SET makes `integratedTime` a trustworthy
 * signing time. Rekor v2 issues no SETs.
 *
 * @module
 */

import { verifySignature } from "../crypto/mod.ts";
import type { TransparencyLogEntry } from "../bundle/mod.ts";
import { canonicalJson, encodeBase64, encodeHex, utf8Encode } from "../encoding/mod.ts";
import { VerificationError } from "../errors/mod.ts";
import { describePeriod, isValidAt } from "../trust/mod.ts";
import type { TransparencyLogInstance } from "../trust/mod.ts";
import { integratedTimeOf } from "./integrated_time.ts";

/**
 * Builds the bytes a Rekor v1 SET signs: the JCS form of the entry's body,
 * integrated time, log ID (lower-case hex) and global log index.
 *
 * @param entry The transparency log entry.
 * @returns The canonical JSON payload as UTF-8 bytes.
 * @throws {VerificationError} `TLOG_SET` when a number does not fit in a JSON
 *   integer that JavaScript represents exactly (above 2^53 - 1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { signedEntryTimestampPayload } from "./set.ts";
 * import type { TransparencyLogEntry } from "../bundle/mod.ts";
 *
 * const entry = {
 *   canonicalizedBody: new Uint8Array([123, 125]),
 *   integratedTime: 2n,
 *   logId: new Uint8Array([0xab]),
 *   logIndex: 1n,
 * } as TransparencyLogEntry;
 * assert.equal(
 *   new TextDecoder().decode(signedEntryTimestampPayload(entry)),
 *   '{"body":"e30=","integratedTime":2,"logID":"ab","logIndex":1}',
 * );
 * ```
 */
export function signedEntryTimestampPayload(entry: TransparencyLogEntry): Uint8Array {
  return utf8Encode(canonicalJson({
    body: encodeBase64(entry.canonicalizedBody),
    integratedTime: toSafeNumber(entry.integratedTime, "integratedTime"),
    logID: encodeHex(entry.logId),
    logIndex: toSafeNumber(entry.logIndex, "logIndex"),
  }));
}

function toSafeNumber(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new VerificationError(
      "TLOG_SET",
      `Cannot build the signed entry timestamp payload: ${field} ${value} is too large`,
    );
  }
  return Number(value);
}

/**
 * Verifies a Rekor v1 entry's signed entry timestamp and returns the
 * integrated time it vouches for.
 *
 * Checks that the entry has a SET, that it verifies with the log key over
 * {@linkcode signedEntryTimestampPayload} (DER ECDSA with the curve's hash,
 * SHA-256 for P-256), and, as sigstore-go does, that the integrated time lies
 * in the log key's `validFor` window (closed at both ends; a window without a
 * start is never valid).
 *
 * @param entry The transparency log entry.
 * @param log The trusted log the entry was selected for.
 * @returns The verified integrated time.
 * @throws {VerificationError} `TLOG_SET` when the SET is missing, the log key
 *   is unusable, or the signature does not verify; `TLOG_INTEGRATED_TIME` when
 *   the signed time lies beyond the range of dates; `TRUST_KEY_VALIDITY` when
 *   the integrated time is outside the log key's validity window.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifySignedEntryTimestamp } from "./set.ts";
 * import type { TransparencyLogEntry } from "../bundle/mod.ts";
 * import type { TransparencyLogInstance } from "../trust/mod.ts";
 *
 * const entry = { signedEntryTimestamp: undefined } as TransparencyLogEntry;
 * const log = {} as TransparencyLogInstance;
 * await assert.rejects(verifySignedEntryTimestamp(entry, log), { code: "TLOG_SET" });
 * ```
 */
export async function verifySignedEntryTimestamp(
  entry: TransparencyLogEntry,
  log: TransparencyLogInstance,
): Promise<Date> {
  const set = entry.signedEntryTimestamp;
  if (set === undefined) throw new VerificationError("TLOG_SET", "Entry has no signed entry timestamp");
  const key = log.publicKey;
  if (key === undefined) {
    throw new VerificationError(
      "TLOG_SET",
      `Cannot verify signed entry timestamp: the key of log ${log.baseUrl} is not usable`,
    );
  }
  const payload = signedEntryTimestampPayload(entry);
  if (!(await verifySignature(key, payload, set, { trustRootKey: true }))) {
    throw new VerificationError(
      "TLOG_SET",
      `Signed entry timestamp does not verify with the key of log ${log.baseUrl}`,
    );
  }
  const integratedTime = integratedTimeOf(entry) ?? new Date(0);
  // sigstore-go: the integrated time must lie in the log key's validity window.
  if (!isValidAt(log.validFor, integratedTime)) {
    throw new VerificationError(
      "TRUST_KEY_VALIDITY",
      `Log key of ${log.baseUrl} was not valid at the integrated time: ${integratedTime.toISOString()} is outside ${
        describePeriod(log.validFor)
      }`,
    );
  }
  return integratedTime;
}
