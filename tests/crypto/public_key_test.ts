import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { digest, parsePublicKey, verifyPrehashedSignature, verifySignature } from "../../lib/crypto/mod.ts";
import { ParseError } from "../../lib/errors/mod.ts";

async function ecKey(curve: "P-256" | "P-384" | "P-521") {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: curve }, true, [
    "sign",
    "verify",
  ]);
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
  return { pair, key: parsePublicKey(spki) };
}

/** IEEE P1363 r‖s to DER. */
function rawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    return (v[0]! & 0x80) ? Uint8Array.of(0x02, v.length + 1, 0, ...v) : Uint8Array.of(0x02, v.length, ...v);
  };
  const body = [...int(raw.subarray(0, half)), ...int(raw.subarray(half))];
  return body.length < 128
    ? Uint8Array.of(0x30, body.length, ...body)
    : Uint8Array.of(0x30, 0x81, body.length, ...body);
}

describe("verifySignature()", () => {
  for (
    const [curve, hash] of [["P-256", "sha256"], ["P-384", "sha384"], ["P-521", "sha512"], [
      "P-384",
      "sha256",
    ]] as const
  ) {
    it(`accepts ${curve}/${hash} signatures and rejects tampered ones, every time the key is reused`, async () => {
      const { pair, key } = await ecKey(curve);
      const data = new TextEncoder().encode(`message for ${curve}`);
      const hashName = { sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" }[hash];
      const sig = rawToDer(
        new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: hashName }, pair.privateKey, data)),
      );
      // Repeated use switches a key to the precomputed path on some runtimes; both paths must agree.
      for (const trustRootKey of [false, true]) {
        for (let i = 0; i < 5; i++) {
          const o = { hash, trustRootKey };
          assert.equal(await verifySignature(key, data, sig, o), true, `round ${i}`);
          const bad = sig.slice();
          bad[bad.length - 3]! ^= 1;
          assert.equal(await verifySignature(key, data, bad, o), false);
          assert.equal(await verifySignature(key, new TextEncoder().encode("other"), sig, o), false);
          assert.equal(await verifySignature(key, data, sig.subarray(0, 10), o), false);
        }
      }
      assert.equal(await verifyPrehashedSignature(key, digest(hash, data), sig), true);
      assert.equal(await verifyPrehashedSignature(key, digest(hash, new Uint8Array(1)), sig), false);
    });
  }
  it("verifies Ed25519", async () => {
    const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
      "sign",
      "verify",
    ]) as CryptoKeyPair;
    const key = parsePublicKey(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
    const data = new Uint8Array([1, 2, 3]);
    const sig = new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, data));
    assert.equal(await verifySignature(key, data, sig), true);
    sig[0]! ^= 1;
    assert.equal(await verifySignature(key, data, sig), false);
  });
  it("parsePublicKey() rejects garbage with KEY_PARSE", () => {
    assert.throws(
      () => parsePublicKey(new Uint8Array([0x30, 0x00])),
      (e: unknown) => e instanceof ParseError && e.code === "KEY_PARSE",
    );
  });
});
