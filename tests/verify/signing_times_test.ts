/**
 * Every verified time must meet every rule. A Rekor v2 conformance bundle
 * gets extra RFC 3161 timestamps over its own signature from a second test
 * TSA (added to the trust root): one inside the signing certificate's
 * validity, one after it. Each alone and both in either order must give the
 * verdict of the worst time, as the reference clients do.
 *
 * @module
 */

import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { decodeBase64, encodeBase64 } from "../../lib/encoding/mod.ts";
import { parseCertificate } from "../../lib/x509/mod.ts";
import { CONFORMANCE_DIR, conformanceUnavailable } from "../_support/paths.ts";
import { generateKey, issueCertificate, makeTimestamp } from "../timestamp/_fake_tsa.ts";
import { type Json, outcome, readCaseBundle } from "./_helpers.ts";

const CASE = "rekor2-happy-path";

if (CONFORMANCE_DIR === undefined) {
  conformanceUnavailable("tests/verify/signing_times_test.ts");
} else {
  describe("verifyBundle() checks every verified time", () => {
    let tsaAuthority: Json;
    let inside: string;
    let after: string;
    let future: string;
    before(async () => {
      const bundle = readCaseBundle(CASE);
      const leaf = parseCertificate(decodeBase64(bundle.verificationMaterial.certificate.rawBytes)!);
      const signature = decodeBase64(bundle.messageSignature.signature)!;
      const rootKey = await generateKey();
      const leafKey = await generateKey();
      const wide = {
        notBefore: new Date("2020-01-01T00:00:00Z"),
        notAfter: new Date("2040-01-01T00:00:00Z"),
      };
      const root = await issueCertificate({
        subject: "Second TSA Root",
        issuer: "Second TSA Root",
        serial: 1,
        key: rootKey,
        issuerKey: rootKey,
        ca: true,
        ...wide,
      });
      const tsaLeaf = await issueCertificate({
        subject: "Second TSA",
        issuer: "Second TSA Root",
        serial: 2,
        key: leafKey,
        issuerKey: rootKey,
        ekus: ["1.3.6.1.5.5.7.3.8"],
        ...wide,
      });
      const stamp = async (genTime: Date) =>
        encodeBase64(
          await makeTimestamp({ signedBytes: signature, genTime, signer: tsaLeaf, signerKey: leafKey }),
        );
      inside = await stamp(new Date(leaf.notBefore.getTime() + 60_000));
      after = await stamp(new Date(leaf.notAfter.getTime() + 60_000));
      future = await stamp(new Date("2039-01-01T00:00:00Z"));
      tsaAuthority = {
        subject: { organization: "test", commonName: "Second TSA" },
        uri: "https://second-tsa.test/api/v1/timestamp",
        certChain: {
          certificates: [{ rawBytes: encodeBase64(tsaLeaf.raw) }, { rawBytes: encodeBase64(root.raw) }],
        },
        validFor: { start: "2020-01-01T00:00:00Z" },
      };
    });
    const withStamps = (stamps: () => string[]) => ({
      bundle: (b: Json) => {
        const list = b.verificationMaterial.timestampVerificationData.rfc3161Timestamps;
        list.splice(0, list.length, ...stamps().map((signedTimestamp) => ({ signedTimestamp })));
      },
      root: (r: Json) => r.timestampAuthorities.push(tsaAuthority),
    });

    it("accepts a timestamp of the second TSA inside the certificate's validity (the control)", async () => {
      assert.equal(await outcome(CASE, withStamps(() => [inside])), "OK");
    });
    it("refuses a timestamp after the certificate expired (CERT_VALIDITY)", async () => {
      assert.equal(await outcome(CASE, withStamps(() => [after])), "CERT_VALIDITY");
    });
    it("refuses a good timestamp followed by a bad one from the same TSA", async () => {
      assert.equal(await outcome(CASE, withStamps(() => [inside, after])), "CERT_VALIDITY");
    });
    it("refuses a bad timestamp followed by a good one from the same TSA", async () => {
      assert.equal(await outcome(CASE, withStamps(() => [after, inside])), "CERT_VALIDITY");
    });
    it("refuses a second timestamp in the future, with or without an explicit now", async () => {
      assert.equal(await outcome(CASE, withStamps(() => [inside, future])), "TIMESTAMP");
      // Without `now`, verifyBundle reads the clock: the future check still runs.
      assert.equal(await outcome(CASE, { ...withStamps(() => [inside, future]), now: null }), "TIMESTAMP");
      assert.equal(await outcome(CASE, { ...withStamps(() => [inside]), now: null }), "OK");
    });
  });
}
