/**
 * The integrated time of a transparency log entry as a date. Rekor v1 signs
 * it in the SET; on Rekor v2 entries nothing signs it (it is 0). An int64
 * can name seconds far beyond what a date can hold, so the conversion is
 * checked.
 *
 * @module
 */

import type { TransparencyLogEntry } from "../bundle/mod.ts";
import { VerificationError } from "../errors/mod.ts";

/** The largest Unix time in seconds a JavaScript date can hold (ECMA-262: ±8.64e15 ms). */
const MAX_DATE_SECONDS = 8_640_000_000_000n;

/**
 * Converts the entry's `integratedTime` (Unix seconds) to a date; `undefined`
 * when it is 0 (absent).
 *
 * @param entry The transparency log entry.
 * @returns The integrated time, or `undefined` when the entry has none.
 * @throws {VerificationError} `TLOG_INTEGRATED_TIME` when the time lies
 *   beyond the range of dates.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { integratedTimeOf } from "./integrated_time.ts";
 * import type { TransparencyLogEntry } from "../bundle/mod.ts";
 *
 * const at = (integratedTime: bigint) => ({ integratedTime }) as TransparencyLogEntry;
 * assert.equal(integratedTimeOf(at(0n)), undefined);
 * assert.equal(integratedTimeOf(at(1700000000n))?.toISOString(), "2023-11-14T22:13:20.000Z");
 * assert.throws(() => integratedTimeOf(at(2n ** 62n)), { code: "TLOG_INTEGRATED_TIME" });
 * ```
 */
export function integratedTimeOf(entry: TransparencyLogEntry): Date | undefined {
  const seconds = entry.integratedTime;
  if (seconds === 0n) return undefined;
  if (seconds < 0n || seconds > MAX_DATE_SECONDS) {
    throw new VerificationError(
      "TLOG_INTEGRATED_TIME",
      `Log entry integrated time ${seconds} is outside the range of dates`,
    );
  }
  return new Date(Number(seconds) * 1000);
}
