/**
 * Where the tests find their data: the repository's testdata/, and the
 * conformance assets (CONFORMANCE_DIR, default ../shared/conformance), which
 * stay outside the repository.
 *
 * @module
 */

import { existsSync } from "node:fs";
import process from "node:process";
import { describe } from "node:test";
import { fileURLToPath } from "node:url";
import { testsUnavailable } from "./unavailable.ts";

/** The repository root. */
export const REPO_ROOT: string = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

/** The repository's testdata directory. */
export const TESTDATA: string = `${REPO_ROOT}/testdata`;

/** The conformance directory, or `undefined` when it is absent (see {@link conformanceUnavailable}). */
export const CONFORMANCE_DIR: string | undefined = (() => {
  const dir = process.env.CONFORMANCE_DIR ?? `${REPO_ROOT}/../shared/conformance`;
  return existsSync(`${dir}/assets/bundle-verify`) ? dir : undefined;
})();

/**
 * Stands in for the tests named `what` when the conformance assets are absent:
 * skipped locally, failing under `CI=true` (see `unavailable.ts`).
 */
export function conformanceUnavailable(what: string): void {
  testsUnavailable(
    what,
    "conformance assets not found (set CONFORMANCE_DIR or place them at ../shared/conformance)",
  );
}

/** `verify identity` of a genuine production bundle (sigstore-java's v0.3 test bundle), as CLI arguments. */
export const GENUINE_VERIFY_ARGS: readonly string[] = [
  "verify",
  "identity",
  "--bundle",
  `${TESTDATA}/genuine/java-bundle-v3-prod/bundle.sigstore.json`,
  "--cert-identity",
  "appu@google.com",
  "--cert-oidc-issuer",
  "https://accounts.google.com",
  `${TESTDATA}/genuine/java-bundle-v3-prod/artifact`,
];

/** `describe(name, body)` when the conformance assets are present, else {@link conformanceUnavailable}. */
export function describeWithConformance(name: string, body: (dir: string) => void): void {
  const dir = CONFORMANCE_DIR;
  if (dir === undefined) describe(name, () => conformanceUnavailable(name));
  else describe(name, () => body(dir));
}
