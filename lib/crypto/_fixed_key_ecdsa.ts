/**
 * ECDSA verification with precomputed tables for keys that verify again and
 * again (Rekor, CT log and TSA keys from the trust root).
 *
 * Deno's Web Crypto verifies a P-256 signature in about 640 µs on the
 * project's benchmark machine; `@noble/curves` with a precomputed window for
 * the public key does it in about 250 µs. Bun's and Node's Web Crypto
 * (BoringSSL/OpenSSL) take about 60 µs, so this path is used only where Web
 * Crypto is slow, and only for keys seen several times (building the table
 * costs about 16 ms). Verification handles public data only, so the
 * variable-time multiplication is safe here.
 *
 * @module
 */

import { p256, p384, p521 } from "@noble/curves/nist.js";
import { digest, type HashAlgorithm } from "./digest.ts";

type Curve = typeof p256 | typeof p384 | typeof p521;
type CurveName = "P-256" | "P-384" | "P-521";
const CURVES: Record<CurveName, Curve> = { "P-256": p256, "P-384": p384, "P-521": p521 };

/** True on runtimes whose Web Crypto ECDSA is slower than precomputed noble (Deno). */
export const PREFER_PRECOMPUTED_ECDSA: boolean =
  typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

/** Uses of a key before its table is built. */
const PRECOMPUTE_AFTER = 2;
const uses = new Map<string, number>();
const verifiers = new Map<string, TableVerifier>();

/**
 * Returns a verifier for `point` if the key has been used often enough to
 * deserve a precomputed table, else `undefined` (the caller uses Web Crypto).
 */
export function precomputedVerifier(
  curve: CurveName,
  id: string,
  point: Uint8Array,
): TableVerifier | undefined {
  if (!PREFER_PRECOMPUTED_ECDSA) return undefined;
  let verify = verifiers.get(id);
  if (verify === undefined) {
    const n = (uses.get(id) ?? 0) + 1;
    if (uses.size > 1000) uses.clear();
    uses.set(id, n);
    if (n <= PRECOMPUTE_AFTER) return undefined;
    verify = tableVerifier(curve, point);
    if (verifiers.size > 64) verifiers.clear();
    verifiers.set(id, verify);
  }
  return verify;
}

/** Verifies a DER ECDSA signature over `data` hashed with `hash`; `false` on any failure. */
export type TableVerifier = (data: Uint8Array, derSignature: Uint8Array, hash: HashAlgorithm) => boolean;

/**
 * Builds the precomputed table for one public key (an uncompressed or
 * compressed point on `curve`) and returns its verifier. Throws if the point
 * is not on the curve.
 */
export function tableVerifier(curve: CurveName, point: Uint8Array): TableVerifier {
  const c = CURVES[curve];
  const Q = c.Point.fromBytes(point);
  Q.precompute(8);
  return (data, derSignature, hash) => {
    try {
      const sig = c.Signature.fromBytes(derSignature, "der");
      const Fn = c.Point.Fn;
      const { r, s } = sig;
      if (r <= 0n || r >= Fn.ORDER || s <= 0n || s >= Fn.ORDER) return false;
      const h = digest(hash, data);
      let e = 0n;
      for (const b of h) e = (e << 8n) | BigInt(b);
      const excess = h.length * 8 - Fn.BITS;
      if (excess > 0) e >>= BigInt(excess); // leftmost bits of the hash, as ECDSA specifies
      const w = Fn.inv(s);
      const u1 = Fn.mul(Fn.create(e), w);
      const u2 = Fn.mul(r, w);
      const R = c.Point.BASE.multiplyUnsafe(u1).add(Q.multiplyUnsafe(u2));
      if (R.is0()) return false;
      return Fn.create(R.toAffine().x) === r;
    } catch {
      return false;
    }
  };
}
