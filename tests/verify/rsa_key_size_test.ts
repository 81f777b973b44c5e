/**
 * RSA keys under 2048 bits are refused everywhere a key enters: a managed
 * (self-managed) signer key, a key in a custom trusted root, and a key in a
 * TSA certificate chain. Each case has a 2048-bit twin that is accepted.
 *
 * @module
 */

import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { MIN_RSA_MODULUS_BITS, parsePublicKey } from "../../lib/crypto/mod.ts";
import { encodeBase64 } from "../../lib/encoding/mod.ts";
import { verifyRfc3161Timestamp } from "../../lib/timestamp/mod.ts";
import { parseTrustedRoot } from "../../lib/trust/mod.ts";
import { verifyTlogEntry } from "../../lib/tlog/mod.ts";
import type { MessageSignature, TransparencyLogEntry } from "../../lib/bundle/mod.ts";
import {
  generateKey,
  generateRsaKey,
  issueCertificate,
  makeTimestamp,
  type TestKey,
} from "../timestamp/_fake_tsa.ts";

const SIGNED = new TextEncoder().encode("signature bytes");
const WIDE = { notBefore: new Date("2024-01-01T00:00:00Z"), notAfter: new Date("2030-01-01T00:00:00Z") };

describe("RSA key size", () => {
  let rsa1024: TestKey;
  let rsa2047: TestKey;
  let rsa2048: TestKey;
  before(async () => {
    [rsa1024, rsa2047, rsa2048] = await Promise.all([
      generateRsaKey(1024),
      generateRsaKey(2047),
      generateRsaKey(2048),
    ]);
  });

  it("parsePublicKey() refuses managed keys under 2048 bits (KEY_PARSE), counting bits exactly", () => {
    assert.equal(MIN_RSA_MODULUS_BITS, 2048);
    assert.throws(() => parsePublicKey(rsa1024.spki), {
      code: "KEY_PARSE",
      message: /RSA key has 1024 bits/,
    });
    assert.throws(() => parsePublicKey(rsa2047.spki), {
      code: "KEY_PARSE",
      message: /RSA key has 2047 bits/,
    });
    const key = parsePublicKey(rsa2048.spki);
    assert.equal(key.kind === "rsa" && key.modulusBits, 2048);
  });

  it("a custom trusted root's 1024-bit log key is never used, and the refusal says why", async () => {
    const log = (spki: Uint8Array) => ({
      baseUrl: "https://rekor.test",
      hashAlgorithm: "SHA2_256",
      publicKey: {
        rawBytes: encodeBase64(spki),
        keyDetails: "PKIX_RSA_PKCS1V15_2048_SHA256",
        validFor: { start: "2024-01-01T00:00:00Z" },
      },
      logId: { keyId: encodeBase64(new Uint8Array(32)) },
    });
    const root = (spki: Uint8Array) =>
      parseTrustedRoot({
        mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
        tlogs: [log(spki)],
      });
    const weak = root(rsa1024.spki).tlogs[0]!;
    assert.equal(weak.publicKey, undefined);
    assert.match(weak.unusableKeyReason ?? "", /RSA key has 1024 bits/);
    assert.equal(root(rsa2048.spki).tlogs[0]!.publicKey?.kind, "rsa");
    const entry = {
      kind: "hashedrekord",
      kindVersion: "0.0.1",
      logId: new Uint8Array(32),
    } as TransparencyLogEntry;
    const content = {
      kind: "messageSignature",
      messageDigest: undefined,
      signature: SIGNED,
    } as MessageSignature;
    await assert.rejects(
      verifyTlogEntry(entry, {
        tlogs: root(rsa1024.spki).tlogs,
        content,
        signer: new Uint8Array(1),
        artifactDigests: {},
      }),
      { code: "TLOG_UNKNOWN_LOG", message: /cannot use: .*RSA key has 1024 bits/ },
    );
  });

  it("a TSA chain whose root has a 1024-bit RSA key vouches for nothing (TIMESTAMP_UNTRUSTED)", async () => {
    const leafKey = await generateKey();
    const stamp = async (rootKey: TestKey) => {
      const root = await issueCertificate({
        subject: "RSA TSA Root",
        issuer: "RSA TSA Root",
        serial: 1,
        key: rootKey,
        issuerKey: rootKey,
        ca: true,
        ...WIDE,
      });
      const leaf = await issueCertificate({
        subject: "TSA",
        issuer: "RSA TSA Root",
        serial: 2,
        key: leafKey,
        issuerKey: rootKey,
        ekus: ["1.3.6.1.5.5.7.3.8"],
        ...WIDE,
      });
      const token = await makeTimestamp({
        signedBytes: SIGNED,
        genTime: new Date("2025-06-01T00:00:00Z"),
        signer: leaf,
        signerKey: leafKey,
      });
      const authority = {
        uri: "https://tsa.test",
        certChain: [leaf, root],
        validFor: { start: WIDE.notBefore, end: undefined },
      };
      return verifyRfc3161Timestamp(token, SIGNED, [authority]);
    };
    await assert.rejects(stamp(rsa1024), { code: "TIMESTAMP_UNTRUSTED", message: /RSA key has 1024 bits/ });
    assert.equal((await stamp(rsa2048)).time.toISOString(), "2025-06-01T00:00:00.000Z");
  });
});
