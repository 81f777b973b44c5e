/**
 * ECDSA verification with precomputed tables for keys that verify again and
 * again (Rekor, CT log, Fulcio and TSA keys from the trust root).
 *
 * Deno's Web Crypto verifies a P-256 signature in about 640 µs on the
 * project's benchmark machine; `@noble/curves` with a precomputed window for
 * the public key does it in about 250 µs. Bun's and Node's native ECDSA
 * (BoringSSL/OpenSSL) take about 60 µs, so this path is used only where
 * native ECDSA is slow, and only for keys seen several times (building the
 * table costs about 16 ms, and loading `@noble/curves` about 17 ms, which a
 * single offline verification never pays). Verification handles public data
 * only, so the variable-time multiplication is safe here.
 *
 * @module
 */

import { digest, type HashAlgorithm } from "./digest.ts";
import { NATIVE_ECDSA_IS_FAST } from "./_node_crypto.ts";

type CurveName = "P-256" | "P-384" | "P-521";
type Nist = typeof import("@noble/curves/nist.js");
type Curve = Nist["p256"] | Nist["p384"] | Nist["p521"];
type Point = ReturnType<Curve["Point"]["fromBytes"]>;

/** Uses of a key before its table is built. */
const PRECOMPUTE_AFTER = 2;
/** Uses so far, by the key's SPKI bytes (object identity: the trust root's own copy). */
const uses = new WeakMap<Uint8Array, number>();
const tables = new WeakMap<Uint8Array, TableVerifier>();

/** Big-endian bytes as a bigint. */
function toBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** Verifies an `r‖s` ECDSA signature over `data` hashed with `hash`; `false` on any failure. */
export type TableVerifier = (data: Uint8Array, rawSignature: Uint8Array, hash: HashAlgorithm) => boolean;

/**
 * Returns a verifier for `point` (whose SPKI is `spki`) if the key has been
 * used often enough to deserve a precomputed table, else `undefined` (the
 * caller uses Web Crypto). The verifier takes the signature as `r‖s`.
 */
export async function precomputedVerifier(
  curve: CurveName,
  spki: Uint8Array,
  point: Uint8Array,
): Promise<TableVerifier | undefined> {
  if (NATIVE_ECDSA_IS_FAST) return undefined;
  let verify = tables.get(spki);
  if (verify === undefined) {
    const n = (uses.get(spki) ?? 0) + 1;
    uses.set(spki, n);
    if (n <= PRECOMPUTE_AFTER) return undefined;
    verify = await tableVerifier(curve, point);
    tables.set(spki, verify);
  }
  return verify;
}

/**
 * Builds the precomputed table for one public key (an uncompressed or
 * compressed point on `curve`) and returns its verifier, on every runtime
 * (tests cross-check it against native ECDSA). Rejects if the point is not
 * on the curve.
 */
export async function tableVerifier(curve: CurveName, point: Uint8Array): Promise<TableVerifier> {
  const nist = await import("@noble/curves/nist.js");
  const c: Curve = curve === "P-256" ? nist.p256 : curve === "P-384" ? nist.p384 : nist.p521;
  const Q: Point = c.Point.fromBytes(point);
  Q.precompute(8);
  const C = c.Point;
  const Fn = C.Fn;
  return (data, rawSignature, hash) => {
    try {
      if (rawSignature.length !== 2 * Fn.BYTES) return false;
      const half = rawSignature.length / 2;
      const r = toBigInt(rawSignature.subarray(0, half));
      const s = toBigInt(rawSignature.subarray(half));
      if (r <= 0n || r >= Fn.ORDER || s <= 0n || s >= Fn.ORDER) return false;
      const h = digest(hash, data);
      let e = toBigInt(h);
      const excess = h.length * 8 - Fn.BITS;
      if (excess > 0) e >>= BigInt(excess); // leftmost bits of the hash, as ECDSA specifies
      const w = Fn.inv(s);
      const u1 = Fn.mul(Fn.create(e), w);
      const u2 = Fn.mul(r, w);
      const R = C.BASE.multiplyUnsafe(u1).add(Q.multiplyUnsafe(u2));
      if (R.is0()) return false;
      return Fn.create(R.toAffine().x) === r;
    } catch {
      return false;
    }
  };
}
