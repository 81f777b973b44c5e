/**
 * Validity-window checks for trust-root keys and authorities.
 *
 * @module
 */

import type { ValidityPeriod } from "./types.ts";

/** True when `time` lies in the closed window; a window without a start is never valid. */
export function isValidAt(period: ValidityPeriod, time: Date): boolean {
  if (period.start === undefined) return false;
  const t = time.getTime();
  if (t < period.start.getTime()) return false;
  return period.end === undefined || t <= period.end.getTime();
}

/** Describes a window for error messages. */
export function describePeriod(period: ValidityPeriod): string {
  const start = period.start?.toISOString() ?? "(no start: never valid)";
  const end = period.end?.toISOString() ?? "open";
  return `${start} to ${end}`;
}
