/**
 * The Sigstore conformance suite's 70 bundle-verify cases, each run twice
 * (artifact path and sha256: digest) through the CLI in-process, exactly as
 * the upstream harness calls a client. A `_fail` suffix means the client
 * must reject. Read from CONFORMANCE_DIR (default ../shared/conformance);
 * skipped with a note when absent, failing under CI=true.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { CONFORMANCE_DIR, conformanceUnavailable } from "./_support/paths.ts";
import { runCli } from "./_support/cli.ts";

/** A time at which the embedded trust (as of 2026-08-21) is less than 30 days old: no age warning. */
const EMBEDDED_FRESH = new Date("2026-09-01T00:00:00Z");

import { CONFORMANCE_IDENTITY, CONFORMANCE_ISSUER } from "./_support/conformance_cases.ts";

if (CONFORMANCE_DIR === undefined) {
  conformanceUnavailable("tests/conformance_test.ts (140 conformance verifications)");
} else {
  const assets = `${CONFORMANCE_DIR}/assets/bundle-verify`;
  const cases = readdirSync(assets, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
    .sort();
  describe("conformance bundle-verify cases", () => {
    it("has all 70 cases", () => assert.equal(cases.length, 70));
    for (const name of cases) {
      const dir = `${assets}/${name}`;
      const mustFail = name.endsWith("_fail");
      const artifact = existsSync(`${dir}/artifact`) ? `${dir}/artifact` : `${assets}/a.txt`;
      const read = (f: string, fallback: string) =>
        existsSync(`${dir}/${f}`) ? readFileSync(`${dir}/${f}`, "utf8").trim() : fallback;
      // Cases without their own trusted root use the embedded production one, offline.
      const trustArgs = existsSync(`${dir}/trusted_root.json`)
        ? ["--trusted-root", `${dir}/trusted_root.json`]
        : ["--offline"];
      const signerArgs = existsSync(`${dir}/key.pub`) ? ["--key", `${dir}/key.pub`] : [
        "--certificate-identity",
        read("identity", CONFORMANCE_IDENTITY),
        "--certificate-oidc-issuer",
        read("issuer", CONFORMANCE_ISSUER),
      ];
      const digest = existsSync(artifact)
        ? `sha256:${createHash("sha256").update(readFileSync(artifact)).digest("hex")}`
        : "sha256:" + "0".repeat(64);
      for (const [mode, input] of [["PATH", artifact], ["DIGEST", digest]] as const) {
        it(`verify-bundle ${mustFail ? "rejects" : "accepts"} ${name} (${mode})`, async () => {
          const run = await runCli(
            [
              "verify-bundle",
              "--bundle",
              `${dir}/bundle.sigstore.json`,
              ...signerArgs,
              ...trustArgs,
              input,
            ],
            {},
            EMBEDDED_FRESH,
          );
          if (mustFail) {
            assert.notEqual(run.code, 0, `expected rejection, got: ${run.stderr}`);
            assert.match(run.stderr, /^(FAIL: .+|error: .+)\n/);
            assert.doesNotMatch(run.stderr, /internal error|\n\s+at /, "no internal errors or stack traces");
          } else {
            assert.equal(run.code, 0, run.stderr);
            assert.equal(run.stderr, `OK: ${input}\n`);
          }
        });
      }
    }
  });
}
