import { it } from "node:test";
import assert from "node:assert/strict";
import { encodeHex } from "../../lib/encoding/mod.ts";
import { VerificationError } from "../../lib/errors/mod.ts";
import { parseTimestampResponse } from "../../lib/timestamp/mod.ts";
import { loadCase } from "./_helpers.ts";
import { describeWithConformance } from "../_support/paths.ts";

describeWithConformance("parseTimestampResponse()", () => {
  it("reads the fields of the Sigstore staging TSA token in rekor2-happy-path", () => {
    const { timestamp, authorities } = loadCase("rekor2-happy-path");
    const r = parseTimestampResponse(timestamp);
    assert.equal(r.status, 0);
    assert.equal(r.signedDataVersion, 3);
    assert.deepEqual(r.digestAlgorithms, ["2.16.840.1.101.3.4.2.1"]);
    assert.equal(r.contentType, "1.2.840.113549.1.9.16.1.4");
    const t = r.tstInfo;
    assert.equal(t.version, 1);
    assert.equal(t.policy, "1.3.6.1.4.1.57264.2");
    assert.equal(t.messageImprint.hashAlgorithm, "2.16.840.1.101.3.4.2.1");
    assert.equal(
      encodeHex(t.messageImprint.hashedMessage),
      "6ddf31609e2a6c814f8266aab75204b7a1f5e96d1bc07dde6ff39add8408cda2",
    );
    assert.equal(encodeHex(t.serialNumber), "559742c71edae5b645233a7ac43a8d033142a5ac");
    assert.equal(t.genTime.toISOString(), "2025-06-12T12:02:20.000Z");
    assert.deepEqual(t.accuracy, { seconds: 1, millis: undefined, micros: undefined });
    assert.equal(t.ordering, false);
    assert.equal(t.nonce, 0x8f59f2afe69cc8a8n);
    assert.ok(t.tsa !== undefined && t.tsa[0] === 0xa0);
    assert.equal(t.extensions, undefined);
    assert.equal(r.certificates.length, 1);
    assert.deepEqual(r.certificates[0]!.raw, authorities[0]!.certChain[0]!.raw);
    const s = r.signerInfo;
    assert.equal(s.version, 1);
    assert.equal(s.sid.kind, "issuerAndSerialNumber");
    if (s.sid.kind === "issuerAndSerialNumber") {
      assert.equal(encodeHex(s.sid.serialNumber), "0a35a10661d5e24173c68996a7f27df27e037ca7");
      assert.deepEqual(s.sid.issuer, authorities[0]!.certChain[0]!.issuer);
    }
    assert.equal(s.digestAlgorithm, "2.16.840.1.101.3.4.2.1");
    assert.equal(s.contentType, "1.2.840.113549.1.9.16.1.4");
    assert.equal(s.messageDigest.length, 32);
    assert.equal(s.signedAttributes[0], 0x31);
    assert.equal(s.signatureAlgorithm, "1.2.840.10045.4.3.2");
  });

  it("reads a token whose certificates field is present but empty", () => {
    const r = parseTimestampResponse(loadCase("rekor2-timestamp-without-embedded-cert").timestamp);
    assert.equal(r.certificates.length, 0);
  });

  it("reads the FreeTSA token (RSA, SHA-512 digest, ordering, two certificates)", () => {
    const r = parseTimestampResponse(
      loadCase("rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail").timestamp,
    );
    assert.equal(r.tstInfo.policy, "1.2.3.4.1");
    assert.equal(r.tstInfo.ordering, true);
    assert.equal(r.tstInfo.accuracy, undefined);
    assert.equal(r.tstInfo.genTime.toISOString(), "2025-08-06T19:38:49.000Z");
    assert.equal(r.certificates.length, 2);
    assert.equal(r.signerInfo.digestAlgorithm, "2.16.840.1.101.3.4.2.3");
    assert.equal(r.signerInfo.signatureAlgorithm, "1.2.840.113549.1.1.1");
  });

  it("does not alias the caller's buffer", () => {
    const { timestamp } = loadCase("rekor2-happy-path");
    const copy = timestamp.slice();
    const r = parseTimestampResponse(copy);
    copy.fill(0);
    assert.equal(r.tstInfo.genTime.toISOString(), "2025-06-12T12:02:20.000Z");
    assert.notEqual(r.tstInfo.raw[0], 0);
  });

  it("rejects a SignedData version below 3", () => {
    const { timestamp } = loadCase("rekor2-happy-path");
    // TimeStampResp(4) status(5) ContentInfo(4) OID(11) [0](4) SignedData(4), then INTEGER 3.
    assert.deepEqual([...timestamp.subarray(32, 35)], [0x02, 0x01, 0x03]);
    const bad = timestamp.slice();
    bad[34] = 0x01;
    assert.throws(() => parseTimestampResponse(bad), (e: unknown) => {
      assert.ok(e instanceof VerificationError);
      assert.equal(e.code, "TIMESTAMP");
      assert.equal(e.message, "Cannot parse timestamp response: SignedData version is 1, expected 3, 4 or 5");
      return true;
    });
  });

  it("wraps DER errors with the parse error as cause", () => {
    assert.throws(() => parseTimestampResponse(Uint8Array.of(0x30, 0x80)), (e: unknown) => {
      assert.ok(e instanceof VerificationError);
      assert.equal(e.code, "TIMESTAMP");
      assert.equal(e.message, "Cannot parse timestamp response: Malformed DER: indefinite length");
      assert.equal((e.cause as { code?: string } | undefined)?.code, "DER_PARSE");
      return true;
    });
  });
});
