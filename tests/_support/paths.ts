/**
 * Where the tests find their data: the repository's testdata/, and the
 * conformance assets (CONFORMANCE_DIR, default ../shared/conformance), which
 * stay outside the repository.
 *
 * @module
 */

import { existsSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const REPO_ROOT: string = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

/** The repository's testdata directory. */
export const TESTDATA: string = `${REPO_ROOT}/testdata`;

/** The conformance directory, or `undefined` when it is absent (tests then say they skipped). */
export const CONFORMANCE_DIR: string | undefined = (() => {
  const dir = process.env.CONFORMANCE_DIR ?? `${REPO_ROOT}/../shared/conformance`;
  return existsSync(`${dir}/assets/bundle-verify`) ? dir : undefined;
})();

/** Prints the standard skip note once per file. */
export function noteConformanceSkipped(what: string): void {
  console.log(
    `SKIPPED ${what}: conformance assets not found (set CONFORMANCE_DIR or place them at ../shared/conformance)`,
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
