/**
 * Edge cases of the precomputed-table ECDSA verifier (the Deno fast path for
 * trust-root keys), each cross-checked against node:crypto (OpenSSL or
 * BoringSSL) and, where the signature converts to the raw form, Web Crypto:
 * r or s zero or at least n, r + n, high s, hashes longer and shorter than
 * the curve, non-DER encodings, another message, another hash, a key on
 * another curve. The expected verdict is also written down, so a case where
 * both would be wrong fails too.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createPublicKey, type JsonWebKeyInput, verify } from "node:crypto";
import { describe, it } from "node:test";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { tableVerifier } from "../../lib/crypto/_fixed_key_ecdsa.ts";
import { ecdsaDerToRaw } from "../../lib/crypto/public_key.ts";
import type { HashAlgorithm } from "../../lib/crypto/mod.ts";

const CURVES = [
  { name: "P-256", openssl: "prime256v1", size: 32, noble: p256 },
  { name: "P-384", openssl: "secp384r1", size: 48, noble: p384 },
  { name: "P-521", openssl: "secp521r1", size: 66, noble: p521 },
] as const;
type CurveCase = (typeof CURVES)[number];

const HASHES: readonly HashAlgorithm[] = ["sha256", "sha384", "sha512"];
const WEB_HASH: Record<HashAlgorithm, string> = { sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function derInteger(v: bigint): number[] {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = hex.match(/../g)!.map((h) => parseInt(h, 16));
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return [0x02, ...derLength(bytes.length), ...bytes];
}

/** A DER ECDSA-Sig-Value. */
function derSignature(r: bigint, s: bigint): Uint8Array {
  const body = [...derInteger(r), ...derInteger(s)];
  return new Uint8Array([0x30, ...derLength(body.length), ...body]);
}

function bigintOf(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** A key pair from Web Crypto: the raw public point, node's KeyObject for it, and the private key. */
async function generateKey(curve: CurveCase) {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: curve.name }, true, [
    "sign",
    "verify",
  ]);
  const point = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
  return { point, jwk, node: createPublicKey({ key: jwk as JsonWebKeyInput["key"], format: "jwk" }), pair };
}

/** Signs with Web Crypto; returns r and s. */
async function signRs(curve: CurveCase, key: CryptoKey, hash: HashAlgorithm, data: Uint8Array) {
  const raw = new Uint8Array(
    await crypto.subtle.sign({ name: "ECDSA", hash: WEB_HASH[hash] }, key, data as BufferSource),
  );
  return { r: bigintOf(raw.slice(0, curve.size)), s: bigintOf(raw.slice(curve.size)) };
}

/** The raw r‖s form for Web Crypto, or `undefined` when r or s does not fit. */
function rawSignature(curve: CurveCase, r: bigint, s: bigint): Uint8Array | undefined {
  const max = 1n << BigInt(curve.size * 8);
  if (r < 0n || s < 0n || r >= max || s >= max) return undefined;
  const fixed = (v: bigint) =>
    v.toString(16).padStart(curve.size * 2, "0").match(/../g)!.map((h) => parseInt(h, 16));
  return new Uint8Array([...fixed(r), ...fixed(s)]);
}

async function webCryptoVerdict(
  curve: CurveCase,
  point: Uint8Array,
  hash: HashAlgorithm,
  data: Uint8Array,
  raw: Uint8Array,
): Promise<boolean> {
  const key = await crypto.subtle.importKey(
    "raw",
    point as BufferSource,
    { name: "ECDSA", namedCurve: curve.name },
    false,
    [
      "verify",
    ],
  );
  return await crypto.subtle.verify(
    { name: "ECDSA", hash: WEB_HASH[hash] },
    key,
    raw as BufferSource,
    data as BufferSource,
  );
}

const DATA = new TextEncoder().encode("precomputed tables must agree with OpenSSL");
const OTHER = new TextEncoder().encode("precomputed tables must agree with OpenSSL!");

/**
 * Deno's node:crypto gets P-521 with SHA-256 wrong (it fails to sign, and
 * refuses valid signatures), so only Web Crypto is the reference there.
 */
function nodeCryptoReliable(curve: CurveCase, hash: HashAlgorithm): boolean {
  return !("Deno" in globalThis && curve.name === "P-521" && hash === "sha256");
}

describe("tableVerifier() agrees with node:crypto and Web Crypto", () => {
  for (const curve of CURVES) {
    const n = curve.noble.Point.Fn.ORDER;
    const keyPromise = generateKey(curve);
    // The production path: strict DER to r‖s (ecdsaDerToRaw), then the table.
    const tablePromise = keyPromise.then(async (key) => {
      const verify = await tableVerifier(curve.name, key.point);
      return (data: Uint8Array, der: Uint8Array, hash: HashAlgorithm) => {
        const raw = ecdsaDerToRaw(der, curve.name);
        return raw !== undefined && verify(data, raw, hash);
      };
    });
    for (const hash of HASHES) {
      // [name, (r, s) or DER bytes, data, expected verdict]
      type Vector = [
        string,
        (rs: { r: bigint; s: bigint }) => [bigint, bigint] | Uint8Array,
        Uint8Array,
        boolean,
      ];
      const vectors: Vector[] = [
        ["a good signature", ({ r, s }) => [r, s], DATA, true],
        ["the low-s form", ({ r, s }) => [r, s > n / 2n ? n - s : s], DATA, true],
        ["the high-s form (ECDSA accepts both)", ({ r, s }) => [r, s > n / 2n ? s : n - s], DATA, true],
        ["another message", ({ r, s }) => [r, s], OTHER, false],
        ["r = 0", ({ s }) => [0n, s], DATA, false],
        ["s = 0", ({ r }) => [r, 0n], DATA, false],
        ["r = n", ({ s }) => [n, s], DATA, false],
        ["s = n", ({ r }) => [r, n], DATA, false],
        ["r + n (the same x mod n)", ({ r, s }) => [r + n, s], DATA, false],
        ["s + n", ({ r, s }) => [r, s + n], DATA, false],
        ["r = n - 1", ({ s }) => [n - 1n, s], DATA, false],
        [
          "a stray byte inside the sequence",
          ({ r, s }) => {
            const body = [...derInteger(r), ...derInteger(s), 0];
            return new Uint8Array([0x30, ...derLength(body.length), ...body]);
          },
          DATA,
          false,
        ],
        ["a byte after the sequence", ({ r, s }) => new Uint8Array([...derSignature(r, s), 0]), DATA, false],
        ["a truncated signature", ({ r, s }) => derSignature(r, s).slice(0, -1), DATA, false],
        [
          "a non-minimal length",
          ({ r, s }) => {
            const body = [...derInteger(r), ...derInteger(s)];
            return new Uint8Array([0x30, 0x82, body.length >> 8, body.length & 0xff, ...body]);
          },
          DATA,
          false,
        ],
        [
          "a negative r (no leading zero)",
          ({ r, s }) => {
            const rBytes = derInteger(r | (1n << BigInt(curve.size * 8 - 1))).filter((_, i, a) =>
              !(i === 2 && a[2] === 0)
            );
            rBytes[1] = rBytes.length - 2;
            const body = [...rBytes, ...derInteger(s)];
            return new Uint8Array([0x30, ...derLength(body.length), ...body]);
          },
          DATA,
          false,
        ],
      ];
      for (const [name, make, data, expected] of vectors) {
        it(`${curve.name} with ${hash}: ${name} is ${expected ? "accepted" : "refused"}`, async () => {
          const key = await keyPromise;
          const rs = await signRs(curve, key.pair.privateKey, hash, DATA);
          const made = make(rs);
          const der = made instanceof Uint8Array ? made : derSignature(made[0], made[1]);
          const ours = (await tablePromise)(data, der, hash);
          assert.equal(ours, expected, "the table verifier's verdict");
          let references = 0;
          if (nodeCryptoReliable(curve, hash)) {
            assert.equal(
              verify(hash, data, { key: key.node, dsaEncoding: "der" }, der),
              ours,
              "node:crypto disagrees",
            );
            references++;
          }
          const raw = made instanceof Uint8Array ? undefined : rawSignature(curve, made[0], made[1]);
          if (raw !== undefined) {
            assert.equal(
              await webCryptoVerdict(curve, key.point, hash, data, raw),
              ours,
              "Web Crypto disagrees",
            );
            references++;
          }
          if (references === 0) assert.equal(ours, false, "a malformed DER signature is refused");
        });
      }
      const otherHash = HASHES.find((h) => h !== hash)!;
      it(`${curve.name}: a ${hash} signature checked with ${otherHash} is refused`, async () => {
        const key = await keyPromise;
        const { r, s } = await signRs(curve, key.pair.privateKey, hash, DATA);
        const der = derSignature(r, s);
        assert.equal((await tablePromise)(DATA, der, otherHash), false);
        const raw = rawSignature(curve, r, s)!;
        assert.equal(await webCryptoVerdict(curve, key.point, otherHash, DATA, raw), false);
      });
    }
    const other = CURVES.find((c) => c !== curve)!;
    it(`${curve.name}: a signature by a key on ${other.name} is refused`, async () => {
      const otherKey = await generateKey(other);
      const { r, s } = await signRs(other, otherKey.pair.privateKey, "sha256", DATA);
      assert.equal((await tablePromise)(DATA, derSignature(r, s), "sha256"), false);
    });
    it(`${curve.name}: a point on ${other.name} is not a key (Web Crypto refuses it too)`, async () => {
      const otherKey = await generateKey(other);
      await assert.rejects(tableVerifier(curve.name, otherKey.point));
      await assert.rejects(
        crypto.subtle.importKey(
          "raw",
          otherKey.point as BufferSource,
          { name: "ECDSA", namedCurve: curve.name },
          false,
          [
            "verify",
          ],
        ),
      );
    });
  }
});
