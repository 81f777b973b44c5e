import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { encodeDer, TAG } from "../../lib/der/mod.ts";
import { concatBytes, utf8Encode } from "../../lib/encoding/mod.ts";
import { type ErrorCode, VerificationError } from "../../lib/errors/mod.ts";
import { parseTimestampResponse, verifyRfc3161Timestamp } from "../../lib/timestamp/mod.ts";
import { flipByte, listTimestampCases, loadCase } from "./_helpers.ts";
import { describeWithConformance } from "../_support/paths.ts";

async function assertRejects(promise: Promise<unknown>, code: ErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof VerificationError, `expected a VerificationError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
}

describeWithConformance("verifyRfc3161Timestamp() on conformance bundles", () => {
  const accepted: [string, string][] = [
    ["rekor2-happy-path", "2025-06-12T12:02:20.000Z"],
    ["rekor2-timestamp-with-embedded-cert", ""],
    ["rekor2-timestamp-without-embedded-cert", ""],
    ["rekor2-timestamp-with-expired-cert-chain", "2025-08-07T15:32:26.000Z"],
    ["trust-root-tsa-validity-end-inclusive", "2025-06-12T12:02:20.000Z"],
    ["rekor2-dsse-happy-path", ""],
  ];
  for (const [name, time] of accepted) {
    it(`accepts ${name}`, async () => {
      const c = loadCase(name);
      const result = await verifyRfc3161Timestamp(c.timestamp, c.signedBytes, c.authorities);
      assert.equal(result.authority, c.authorities[0]);
      assert.deepEqual(result.time, parseTimestampResponse(c.timestamp).tstInfo.genTime);
      if (time !== "") assert.equal(result.time.toISOString(), time);
    });
  }

  it("accepts a timestamp when only a later authority in the list vouches for it", async () => {
    const c = loadCase("rekor2-happy-path");
    const untrusted = loadCase("rekor2-timestamp-with-expired-cert-chain").authorities;
    const result = await verifyRfc3161Timestamp(c.timestamp, c.signedBytes, [...untrusted, ...c.authorities]);
    assert.equal(result.authority, c.authorities[0]);
  });

  const rejected: [string, ErrorCode, RegExp][] = [
    [
      "rekor2-timestamp-outside-trust-root-tsa-validity_fail",
      "TIMESTAMP_UNTRUSTED",
      /^No trusted TSA vouches for the timestamp: genTime 2025-06-12T12:02:20.000Z is outside the validity of TSA/,
    ],
    [
      "rekor2-timestamp-outside-tsa-cert-validity_fail",
      "TIMESTAMP_UNTRUSTED",
      /^No trusted TSA vouches for the timestamp: certificate chain of TSA .* rejected at genTime: TSA leaf certificate is not valid at/,
    ],
    [
      "rekor2-timestamp-payload-mismatch_fail",
      "TIMESTAMP",
      /^Timestamp does not cover the signature: message imprint is/,
    ],
    [
      "rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail",
      "TIMESTAMP_UNTRUSTED",
      /^No trusted TSA vouches for the timestamp: certificate chain of TSA .* TSA certificate was not issued by a trusted TSA CA/,
    ],
    [
      "rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail",
      "TIMESTAMP_UNTRUSTED",
      /^No trusted TSA vouches for the timestamp: the token names a signer that is not the certificate of TSA/,
    ],
  ];
  for (const [name, code, message] of rejected) {
    it(`rejects ${name} with ${code}`, async () => {
      const c = loadCase(name);
      await assertRejects(verifyRfc3161Timestamp(c.timestamp, c.signedBytes, c.authorities), code, message);
    });
  }

  it("rejects rekor2-happy-path when the trust root has no timestamp authorities", async () => {
    const c = loadCase("rekor2-happy-path");
    await assertRejects(
      verifyRfc3161Timestamp(c.timestamp, c.signedBytes, []),
      "TIMESTAMP_UNTRUSTED",
      /the trust root has no timestamp authorities$/,
    );
  });

  it("rejects an authority whose validFor has no start", async () => {
    const c = loadCase("rekor2-happy-path");
    const [authority] = c.authorities;
    const noStart = { ...authority!, validFor: { start: undefined, end: undefined } };
    await assertRejects(
      verifyRfc3161Timestamp(c.timestamp, c.signedBytes, [noStart]),
      "TIMESTAMP_UNTRUSTED",
      /is outside the validity of TSA .*never valid/,
    );
  });

  it("rejects an authority whose chain lacks the anchor that issued the signer", async () => {
    const c = loadCase("rekor2-happy-path");
    const [authority] = c.authorities;
    const other = loadCase("rekor2-timestamp-with-expired-cert-chain").authorities[0]!;
    const mixed = { ...authority!, certChain: [authority!.certChain[0]!, ...other.certChain.slice(1)] };
    await assertRejects(
      verifyRfc3161Timestamp(c.timestamp, c.signedBytes, [mixed]),
      "TIMESTAMP_UNTRUSTED",
      /certificate chain of TSA .* not issued by a trusted TSA CA/,
    );
  });
});

describeWithConformance("verifyRfc3161Timestamp() across every conformance bundle with a timestamp", () => {
  // Cases whose rejection is the timestamp's own; every other case (including _fail cases that
  // fail for another reason, such as rekor2-timestamp-with-incorrect-time_fail) has a good timestamp.
  const timestampFailures = new Set([
    "rekor2-timestamp-outside-trust-root-tsa-validity_fail",
    "rekor2-timestamp-outside-tsa-cert-validity_fail",
    "rekor2-timestamp-payload-mismatch_fail",
    "rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail",
    "rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail",
  ]);
  it("finds the timestamp cases", () => {
    assert.ok(listTimestampCases().length >= 30);
  });
  for (const name of listTimestampCases()) {
    const expectFailure = timestampFailures.has(name);
    it(`${expectFailure ? "rejects" : "accepts"} the timestamp of ${name}`, async () => {
      const c = loadCase(name);
      const outcome = verifyRfc3161Timestamp(c.timestamp, c.signedBytes, c.authorities);
      if (expectFailure) await assert.rejects(outcome, VerificationError);
      else await outcome;
    });
  }
});

describeWithConformance("verifyRfc3161Timestamp() on tampered twins of a good token", () => {
  it("rejects a flipped byte in the SignerInfo signature", async () => {
    const c = loadCase("rekor2-happy-path");
    const sig = parseTimestampResponse(c.timestamp).signerInfo.signature;
    const bad = flipByte(c.timestamp, sig.byteOffset + sig.length - 1);
    await assertRejects(
      verifyRfc3161Timestamp(bad, c.signedBytes, c.authorities),
      "TIMESTAMP",
      /^Timestamp signature does not verify with the embedded TSA certificate: the signature over the signed attributes is invalid$/,
    );
  });

  it("rejects a flipped signature byte in a token without embedded certificates", async () => {
    const c = loadCase("rekor2-timestamp-without-embedded-cert");
    const sig = parseTimestampResponse(c.timestamp).signerInfo.signature;
    const bad = flipByte(c.timestamp, sig.byteOffset + sig.length - 1);
    await assertRejects(
      verifyRfc3161Timestamp(bad, c.signedBytes, c.authorities),
      "TIMESTAMP",
      /^Timestamp signature does not verify: with the certificate of TSA .*: the signature over the signed attributes is invalid$/,
    );
  });

  it("rejects a flipped byte in the TSTInfo (messageDigest mismatch)", async () => {
    const c = loadCase("rekor2-happy-path");
    const serial = parseTimestampResponse(c.timestamp).tstInfo.serialNumber;
    const bad = flipByte(c.timestamp, serial.byteOffset + serial.length - 1);
    await assertRejects(
      verifyRfc3161Timestamp(bad, c.signedBytes, c.authorities),
      "TIMESTAMP",
      /^Timestamp signed attribute messageDigest does not match the TSTInfo: got [0-9a-f]{64}, expected sha256 [0-9a-f]{64}$/,
    );
  });

  it("rejects a flipped byte in the signed attributes", async () => {
    const c = loadCase("rekor2-happy-path");
    const digest = parseTimestampResponse(c.timestamp).signerInfo.messageDigest;
    const bad = flipByte(c.timestamp, digest.byteOffset);
    await assertRejects(
      verifyRfc3161Timestamp(bad, c.signedBytes, c.authorities),
      "TIMESTAMP",
      /^Timestamp signed attribute messageDigest does not match the TSTInfo/,
    );
  });

  it("rejects wrong signed bytes", async () => {
    const c = loadCase("rekor2-happy-path");
    await assertRejects(
      verifyRfc3161Timestamp(c.timestamp, flipByte(c.signedBytes, 0), c.authorities),
      "TIMESTAMP",
      /^Timestamp does not cover the signature: message imprint is [0-9a-f]{64}, expected sha256 [0-9a-f]{64}$/,
    );
  });

  it("rejects a message imprint hashed with SHA-224", async () => {
    const c = loadCase("rekor2-happy-path");
    const hashed = parseTimestampResponse(c.timestamp).tstInfo.messageImprint.hashedMessage;
    // The imprint is SEQUENCE { SEQUENCE { OID sha256, NULL }, OCTET STRING }; the OID's last byte
    // sits 5 bytes before the hash (05 00 04 20 <hash>). 0x01 → 0x04 makes it SHA-224.
    const bad = flipByte(c.timestamp, hashed.byteOffset - 5, 0x05);
    assert.equal(parseTimestampResponse(bad).tstInfo.messageImprint.hashAlgorithm, "2.16.840.1.101.3.4.2.4");
    await assertRejects(
      verifyRfc3161Timestamp(bad, c.signedBytes, c.authorities),
      "TIMESTAMP",
      /^Timestamp message imprint uses hash algorithm "2.16.840.1.101.3.4.2.4": expected SHA-256, SHA-384 or SHA-512$/,
    );
  });

  it("rejects a response with status 2 (rejection) and a token", async () => {
    const c = loadCase("rekor2-happy-path");
    // 30 82 xx xx | 30 03 02 01 <status>
    assert.deepEqual([...c.timestamp.subarray(4, 9)], [0x30, 0x03, 0x02, 0x01, 0x00]);
    const bad = c.timestamp.slice();
    bad[8] = 2;
    await assertRejects(
      verifyRfc3161Timestamp(bad, c.signedBytes, c.authorities),
      "TIMESTAMP",
      /^Timestamp response was not granted: status 2 \(rejection\), expected 0 \(granted\) or 1 \(grantedWithMods\)$/,
    );
  });

  it("rejects a truncated response", async () => {
    const c = loadCase("rekor2-happy-path");
    await assertRejects(
      verifyRfc3161Timestamp(c.timestamp.subarray(0, c.timestamp.length - 10), c.signedBytes, c.authorities),
      "TIMESTAMP",
      /^Cannot parse timestamp response: Malformed DER: element longer than its container$/,
    );
  });

  it("rejects a response with trailing bytes", async () => {
    const c = loadCase("rekor2-happy-path");
    await assertRejects(
      verifyRfc3161Timestamp(concatBytes(c.timestamp, Uint8Array.of(0)), c.signedBytes, c.authorities),
      "TIMESTAMP",
      /^Cannot parse timestamp response: Malformed DER: trailing bytes after element$/,
    );
  });
});

describe("verifyRfc3161Timestamp() on hand-made responses", () => {
  it("rejects a rejection response without a token", async () => {
    const statusString = encodeDer(TAG.SEQUENCE, encodeDer(TAG.UTF8_STRING, utf8Encode("bad request")));
    const statusInfo = encodeDer(TAG.SEQUENCE, concatBytes(Uint8Array.of(0x02, 0x01, 0x02), statusString));
    await assertRejects(
      verifyRfc3161Timestamp(encodeDer(TAG.SEQUENCE, statusInfo), new Uint8Array(8), []),
      "TIMESTAMP",
      /^Timestamp response was not granted: status 2 \(rejection\), expected .*: "bad request"$/,
    );
  });

  it("rejects a granted response without a token", async () => {
    const statusInfo = encodeDer(TAG.SEQUENCE, Uint8Array.of(0x02, 0x01, 0x00));
    await assertRejects(
      verifyRfc3161Timestamp(encodeDer(TAG.SEQUENCE, statusInfo), new Uint8Array(8), []),
      "TIMESTAMP",
      /^Cannot parse timestamp response: a granted response carries no timeStampToken$/,
    );
  });

  it("rejects garbage", async () => {
    await assertRejects(
      verifyRfc3161Timestamp(utf8Encode("this is not a timestamp"), new Uint8Array(8), []),
      "TIMESTAMP",
      /^Cannot parse timestamp response: Malformed DER/,
    );
  });

  it("rejects an empty response", async () => {
    await assertRejects(
      verifyRfc3161Timestamp(new Uint8Array(), new Uint8Array(8), []),
      "TIMESTAMP",
      /^Cannot parse timestamp response: Malformed DER: truncated element header$/,
    );
  });

  it("throws TypeError for arguments of the wrong type", async () => {
    await assert.rejects(
      verifyRfc3161Timestamp("MIIE" as unknown as Uint8Array, new Uint8Array(), []),
      TypeError,
    );
  });
});
