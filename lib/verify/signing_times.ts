/**
 * The signing-time step of bundle verification (Sigstore client spec
 * "Establish a time for the signature"): at least one verified time, and no
 * verified time in the future. Every time a log or a TSA vouches for must
 * meet both rules, not only the first from each source.
 *
 * @module
 */

import { VerificationError } from "../errors/mod.ts";
import type { SigningTime } from "./timestamps.ts";

/** How far a verified time may lie ahead of `now` (clock skew), in milliseconds. */
export const FUTURE_SKEW_MS = 60_000;

/**
 * Checks the verified signing times against `now`.
 *
 * @param times Every verified time (TSA timestamps and verified SETs).
 * @param now The current time.
 * @throws {VerificationError} `TIME_MISSING` when `times` is empty;
 *   `TLOG_INTEGRATED_TIME` (log) or `TIMESTAMP` (TSA) when a time lies more
 *   than a minute after `now`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifySigningTimes } from "./signing_times.ts";
 *
 * const now = new Date("2025-01-01T00:00:00Z");
 * const time = (iso: string) => ({ source: "tlog" as const, time: new Date(iso), by: "https://rekor.example" });
 * verifySigningTimes([time("2024-12-31T00:00:00Z")], now);
 * assert.throws(() => verifySigningTimes([], now), { code: "TIME_MISSING" });
 * assert.throws(
 *   () => verifySigningTimes([time("2024-12-31T00:00:00Z"), time("2025-02-01T00:00:00Z")], now),
 *   { code: "TLOG_INTEGRATED_TIME" },
 * );
 * ```
 */
export function verifySigningTimes(times: readonly SigningTime[], now: Date): void {
  if (times.length === 0) {
    throw new VerificationError(
      "TIME_MISSING",
      "Bundle has no verified signing time: it needs a signed entry timestamp from the log or an RFC 3161 timestamp",
    );
  }
  for (const t of times) {
    if (t.time.getTime() > now.getTime() + FUTURE_SKEW_MS) {
      const what = t.source === "tlog" ? "Log entry integrated time" : "Timestamp genTime";
      throw new VerificationError(
        t.source === "tlog" ? "TLOG_INTEGRATED_TIME" : "TIMESTAMP",
        `${what} ${t.time.toISOString()} from ${t.by} is in the future (now ${now.toISOString()})`,
      );
    }
  }
}
