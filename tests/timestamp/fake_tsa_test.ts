import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ErrorCode, VerificationError } from "../../lib/errors/mod.ts";
import { parseTimestampResponse, verifyRfc3161Timestamp } from "../../lib/timestamp/mod.ts";
import { generateKey, issueCertificate, LEAF_NOT_AFTER, makeFakeTsa, makeTimestamp } from "./_fake_tsa.ts";

const SIGNED = new TextEncoder().encode("signature bytes");
const GEN_TIME = new Date("2025-06-01T12:00:00.000Z");
const TIME_STAMPING = "1.3.6.1.5.5.7.3.8";
const CODE_SIGNING = "1.3.6.1.5.5.7.3.3";

async function assertRejects(promise: Promise<unknown>, code: ErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof VerificationError, `expected a VerificationError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
}

describe("verifyRfc3161Timestamp() against a fake TSA", () => {
  it("accepts a token without embedded certificates", async () => {
    const tsa = await makeFakeTsa();
    const der = await makeTimestamp({
      signedBytes: SIGNED,
      genTime: GEN_TIME,
      signer: tsa.leaf,
      signerKey: tsa.leafKey,
    });
    const result = await verifyRfc3161Timestamp(der, SIGNED, [tsa.authority]);
    assert.equal(result.time.toISOString(), GEN_TIME.toISOString());
    assert.equal(result.authority, tsa.authority);
  });

  it("accepts a token that names its signer by subjectKeyIdentifier", async () => {
    const keyId = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const tsa = await makeFakeTsa({ subjectKeyId: keyId });
    const der = await makeTimestamp({
      signedBytes: SIGNED,
      genTime: GEN_TIME,
      signer: tsa.leaf,
      signerKey: tsa.leafKey,
      sidKeyId: keyId,
    });
    assert.equal(parseTimestampResponse(der).signerInfo.sid.kind, "subjectKeyIdentifier");
    const result = await verifyRfc3161Timestamp(der, SIGNED, [tsa.authority]);
    assert.equal(result.authority, tsa.authority);
  });

  it("accepts an embedded signer that is not in the trust root but chains to its anchor", async () => {
    const tsa = await makeFakeTsa();
    const otherKey = await generateKey();
    const other = await issueCertificate({
      subject: "Test TSA 2",
      issuer: "Test TSA Root",
      serial: 3,
      key: otherKey,
      issuerKey: tsa.rootKey,
      notBefore: new Date("2025-01-01T00:00:00Z"),
      notAfter: new Date("2026-01-01T00:00:00Z"),
      ekus: [TIME_STAMPING],
    });
    const der = await makeTimestamp({
      signedBytes: SIGNED,
      genTime: GEN_TIME,
      signer: other,
      signerKey: otherKey,
      embed: [other],
    });
    const result = await verifyRfc3161Timestamp(der, SIGNED, [tsa.authority]);
    assert.equal(result.authority, tsa.authority);
  });

  it("rejects an embedded signer issued by an untrusted root of the same name", async () => {
    const tsa = await makeFakeTsa();
    const impostor = await makeFakeTsa();
    const der = await makeTimestamp({
      signedBytes: SIGNED,
      genTime: GEN_TIME,
      signer: impostor.leaf,
      signerKey: impostor.leafKey,
      embed: [impostor.leaf],
    });
    await assertRejects(
      verifyRfc3161Timestamp(der, SIGNED, [tsa.authority]),
      "TIMESTAMP_UNTRUSTED",
      /^No trusted TSA vouches for the timestamp: certificate chain of TSA .*: TSA leaf certificate signature does not verify with its issuer's key$/,
    );
  });

  it("rejects a token signed by another key under the trusted certificate's name", async () => {
    const tsa = await makeFakeTsa();
    const impostor = await makeFakeTsa();
    const der = await makeTimestamp({
      signedBytes: SIGNED,
      genTime: GEN_TIME,
      signer: tsa.leaf,
      signerKey: impostor.leafKey,
    });
    await assertRejects(
      verifyRfc3161Timestamp(der, SIGNED, [tsa.authority]),
      "TIMESTAMP",
      /^Timestamp signature does not verify: with the certificate of TSA "https:\/\/tsa.test\/api\/v1\/timestamp": the signature over the signed attributes is invalid$/,
    );
  });

  it("rejects a signer whose extended key usage is not critical", async () => {
    const tsa = await makeFakeTsa({ ekuCritical: false });
    const der = await makeTimestamp({
      signedBytes: SIGNED,
      genTime: GEN_TIME,
      signer: tsa.leaf,
      signerKey: tsa.leafKey,
    });
    await assertRejects(
      verifyRfc3161Timestamp(der, SIGNED, [tsa.authority]),
      "TIMESTAMP_UNTRUSTED",
      /^No trusted TSA vouches for the timestamp: TSA certificate extended key usage is not marked critical$/,
    );
  });

  it("rejects a signer with an extra extended key usage", async () => {
    const tsa = await makeFakeTsa({ ekus: [TIME_STAMPING, CODE_SIGNING] });
    const der = await makeTimestamp({
      signedBytes: SIGNED,
      genTime: GEN_TIME,
      signer: tsa.leaf,
      signerKey: tsa.leafKey,
    });
    await assertRejects(
      verifyRfc3161Timestamp(der, SIGNED, [tsa.authority]),
      "TIMESTAMP_UNTRUSTED",
      /^No trusted TSA vouches for the timestamp: TSA certificate extended key usage is \["1.3.6.1.5.5.7.3.8","1.3.6.1.5.5.7.3.3"\]: expected exactly \["1.3.6.1.5.5.7.3.8"\]$/,
    );
  });

  it("rejects a signer without the timeStamping extended key usage", async () => {
    const tsa = await makeFakeTsa({ ekus: [CODE_SIGNING] });
    const der = await makeTimestamp({
      signedBytes: SIGNED,
      genTime: GEN_TIME,
      signer: tsa.leaf,
      signerKey: tsa.leafKey,
    });
    await assertRejects(
      verifyRfc3161Timestamp(der, SIGNED, [tsa.authority]),
      "TIMESTAMP_UNTRUSTED",
      /^No trusted TSA vouches for the timestamp: certificate chain of TSA .*lacks the extended key usage 1.3.6.1.5.5.7.3.8$/,
    );
  });

  it("rejects a genTime after the signer certificate expired", async () => {
    const tsa = await makeFakeTsa();
    const late = new Date(LEAF_NOT_AFTER.getTime() + 1000);
    const der = await makeTimestamp({
      signedBytes: SIGNED,
      genTime: late,
      signer: tsa.leaf,
      signerKey: tsa.leafKey,
    });
    await assertRejects(
      verifyRfc3161Timestamp(der, SIGNED, [tsa.authority]),
      "TIMESTAMP_UNTRUSTED",
      /^No trusted TSA vouches for the timestamp: certificate chain of TSA .*: TSA leaf certificate is not valid at 2026-01-01T00:00:01.000Z/,
    );
  });

  it("accepts a genTime equal to the signer certificate's notAfter", async () => {
    const tsa = await makeFakeTsa();
    const der = await makeTimestamp({
      signedBytes: SIGNED,
      genTime: LEAF_NOT_AFTER,
      signer: tsa.leaf,
      signerKey: tsa.leafKey,
    });
    const result = await verifyRfc3161Timestamp(der, SIGNED, [tsa.authority]);
    assert.equal(result.time.getTime(), LEAF_NOT_AFTER.getTime());
  });

  it("rejects a genTime before the authority's validFor start", async () => {
    const tsa = await makeFakeTsa();
    const authority = {
      ...tsa.authority,
      validFor: { start: new Date("2025-07-01T00:00:00Z"), end: undefined },
    };
    const der = await makeTimestamp({
      signedBytes: SIGNED,
      genTime: GEN_TIME,
      signer: tsa.leaf,
      signerKey: tsa.leafKey,
    });
    await assertRejects(
      verifyRfc3161Timestamp(der, SIGNED, [authority]),
      "TIMESTAMP_UNTRUSTED",
      /^No trusted TSA vouches for the timestamp: genTime 2025-06-01T12:00:00.000Z is outside the validity of TSA "https:\/\/tsa.test\/api\/v1\/timestamp": 2025-07-01T00:00:00.000Z to open$/,
    );
  });

  it("rejects a SHA-1 message imprint", async () => {
    const tsa = await makeFakeTsa();
    const der = await makeTimestamp({
      signedBytes: SIGNED,
      genTime: GEN_TIME,
      signer: tsa.leaf,
      signerKey: tsa.leafKey,
      imprint: { oid: "1.3.14.3.2.26", hash: new Uint8Array(20) },
    });
    await assertRejects(
      verifyRfc3161Timestamp(der, SIGNED, [tsa.authority]),
      "TIMESTAMP",
      /^Timestamp message imprint uses hash algorithm "1.3.14.3.2.26": expected SHA-256, SHA-384 or SHA-512$/,
    );
  });

  it("rejects a signed contentType other than id-ct-TSTInfo", async () => {
    const tsa = await makeFakeTsa();
    const der = await makeTimestamp({
      signedBytes: SIGNED,
      genTime: GEN_TIME,
      signer: tsa.leaf,
      signerKey: tsa.leafKey,
      contentType: "1.2.840.113549.1.7.1",
    });
    await assertRejects(
      verifyRfc3161Timestamp(der, SIGNED, [tsa.authority]),
      "TIMESTAMP",
      /^Timestamp signed attribute contentType is "1.2.840.113549.1.7.1": expected id-ct-TSTInfo/,
    );
  });

  it("rejects a token with two SignerInfos", async () => {
    const tsa = await makeFakeTsa();
    const der = await makeTimestamp({
      signedBytes: SIGNED,
      genTime: GEN_TIME,
      signer: tsa.leaf,
      signerKey: tsa.leafKey,
      signerInfoCount: 2,
    });
    await assertRejects(
      verifyRfc3161Timestamp(der, SIGNED, [tsa.authority]),
      "TIMESTAMP",
      /^Cannot parse timestamp response: token has 2 SignerInfos, expected exactly 1$/,
    );
  });
});
