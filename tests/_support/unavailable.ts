/**
 * The one way a test says that what it needs is absent (the conformance
 * assets in ../shared, the local Sigstore instance, a reference client):
 * locally it is skipped with a `SKIPPED` note; under `CI=true` it fails,
 * because CI provides all of it and a silent skip would hide a broken setup.
 *
 * @module
 */

import process from "node:process";
import { it } from "node:test";

/** True when the suite runs in CI (`CI=true`), where missing test data is a failure. */
export const IN_CI: boolean = process.env.CI === "true";

/**
 * Registers one test named `what` standing for the tests that cannot run:
 * skipped with `SKIPPED what: reason` locally, failing under `CI=true`.
 */
export function testsUnavailable(what: string, reason: string): void {
  if (IN_CI) {
    it(what, () => {
      throw new Error(`${what} cannot run under CI=true: ${reason}`);
    });
    return;
  }
  console.log(`SKIPPED ${what}: ${reason}`);
  it(what, { skip: reason }, () => {});
}

/** The part of a test context that can skip the running test. */
interface Skippable {
  skip(message?: string): void;
}

/** Skips the running test locally, or fails it under `CI=true`, because `reason` (what is missing). */
export function skipTest(t: Skippable, reason: string): void {
  if (IN_CI) throw new Error(`cannot run under CI=true: ${reason}`);
  t.skip(reason);
}
