/**
 * verifySigningCertificate() called alone (the signer calls it too): the CT
 * log threshold is checked at this level as well, so no caller can pass 0.
 *
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { decodeBase64 } from "../../lib/encoding/mod.ts";
import { parseTrustedRoot } from "../../lib/trust/mod.ts";
import { verifySigningCertificate } from "../../lib/verify/mod.ts";
import { parseCertificate } from "../../lib/x509/mod.ts";
import { CONFORMANCE_DIR, conformanceUnavailable } from "../_support/paths.ts";
import { readCaseBundle } from "./_helpers.ts";

if (CONFORMANCE_DIR === undefined) {
  conformanceUnavailable("tests/verify/signing_certificate_test.ts");
} else {
  describe("verifySigningCertificate()", () => {
    const bundle = readCaseBundle("happy-path-v0.3");
    const leaf = parseCertificate(decodeBase64(bundle.verificationMaterial.certificate.rawBytes)!);
    const root = parseTrustedRoot(
      JSON.parse(readFileSync(`${CONFORMANCE_DIR}/production/trusted_root.json`, "utf8")),
    );
    const time = new Date(Number(bundle.verificationMaterial.tlogEntries[0].integratedTime) * 1000);
    it("accepts the genuine leaf at its integrated time with threshold 1", async () => {
      await verifySigningCertificate(leaf, [time], root, 1);
    });
    it("refuses a CT log threshold below 1 (CONFIG), and one above the SCTs present (SCT)", async () => {
      await assert.rejects(verifySigningCertificate(leaf, [time], root, 0), { code: "CONFIG" });
      await assert.rejects(verifySigningCertificate(leaf, [time], root, 2), { code: "SCT" });
    });
  });
}
