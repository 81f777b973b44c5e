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
import { encodeDer, TAG } from "../../lib/der/mod.ts";
import { concatBytes, encodeBase64 } from "../../lib/encoding/mod.ts";
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
/** 1.2.840.113549.1.1.1 (rsaEncryption), DER contents. */
const RSA_ENCRYPTION = Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01);

/** An RSA SubjectPublicKeyInfo whose 256-byte modulus starts with `firstByte` (for parsing only). */
function rsaSpki(firstByte: number): Uint8Array {
  const modulus = new Uint8Array(256).fill(0x01);
  modulus[0] = firstByte;
  const n = encodeDer(TAG.INTEGER, firstByte & 0x80 ? concatBytes(Uint8Array.of(0), modulus) : modulus);
  const key = encodeDer(TAG.SEQUENCE, concatBytes(n, encodeDer(TAG.INTEGER, Uint8Array.of(1, 0, 1))));
  const algorithm = encodeDer(
    TAG.SEQUENCE,
    concatBytes(encodeDer(TAG.OID, RSA_ENCRYPTION), Uint8Array.of(5, 0)),
  );
  return encodeDer(
    TAG.SEQUENCE,
    concatBytes(algorithm, encodeDer(TAG.BIT_STRING, concatBytes(Uint8Array.of(0), key))),
  );
}
const WIDE = { notBefore: new Date("2024-01-01T00:00:00Z"), notAfter: new Date("2030-01-01T00:00:00Z") };

describe("RSA key size", () => {
  let rsa1024: TestKey;
  let rsa2048: TestKey;
  before(async () => {
    [rsa1024, rsa2048] = await Promise.all([generateRsaKey(1024), generateRsaKey(2048)]);
  });

  it("parsePublicKey() refuses managed keys under 2048 bits (KEY_PARSE), counting bits exactly", () => {
    assert.equal(MIN_RSA_MODULUS_BITS, 2048);
    assert.throws(() => parsePublicKey(rsa1024.spki), {
      code: "KEY_PARSE",
      message: /RSA key has 1024 bits/,
    });
    // A 256-byte modulus whose top bit is clear has 2047 bits, not 2048.
    assert.throws(() => parsePublicKey(rsaSpki(0x40)), {
      code: "KEY_PARSE",
      message: /RSA key has 2047 bits/,
    });
    const top = parsePublicKey(rsaSpki(0x80));
    assert.equal(top.kind === "rsa" && top.modulusBits, 2048);
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
