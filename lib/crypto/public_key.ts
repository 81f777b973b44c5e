/**
 * Public keys from SubjectPublicKeyInfo DER, and signature verification with
 * Web Crypto (and `@noble/curves` for prehashed ECDSA, which Web Crypto
 * cannot do: it always hashes its input).
 *
 * Low-level checks return `boolean`; callers raise the typed error.
 *
 * @module
 */

import { p256, p384, p521 } from "@noble/curves/nist.js";
import { decodeBitStringBytes, decodeOid, derSequence, parseDer, TAG } from "../der/mod.ts";
import { ParseError } from "../errors/mod.ts";
import { encodeBase64 } from "../encoding/mod.ts";
import type { HashAlgorithm } from "./digest.ts";
import { precomputedVerifier } from "./_fixed_key_ecdsa.ts";

/** Named elliptic curves. */
export type EcCurve = "P-256" | "P-384" | "P-521";

/** A parsed public key. */
export type PublicKey =
  | { readonly kind: "ecdsa"; readonly curve: EcCurve; readonly spki: Uint8Array; readonly point: Uint8Array }
  | { readonly kind: "ed25519"; readonly spki: Uint8Array; readonly raw: Uint8Array }
  | { readonly kind: "rsa"; readonly spki: Uint8Array; readonly modulusBits: number };

/** RSA padding for signature checks. */
export type RsaPadding = "pkcs1v15" | "pss";

const CURVES: Record<string, EcCurve> = {
  "1.2.840.10045.3.1.7": "P-256",
  "1.3.132.0.34": "P-384",
  "1.3.132.0.35": "P-521",
};

/** The hash each curve pairs with by default. */
export const CURVE_HASH: Readonly<Record<EcCurve, HashAlgorithm>> = {
  "P-256": "sha256",
  "P-384": "sha384",
  "P-521": "sha512",
};

const CURVE_SIZE: Readonly<Record<EcCurve, number>> = { "P-256": 32, "P-384": 48, "P-521": 66 };
const NOBLE = { "P-256": p256, "P-384": p384, "P-521": p521 } as const;

/** The smallest RSA modulus accepted anywhere: signer keys, trust-root keys, CA and TSA certificates. */
export const MIN_RSA_MODULUS_BITS = 2048;

/**
 * Parses a SubjectPublicKeyInfo (DER). Throws `ParseError` (`KEY_PARSE`) for
 * a malformed or unsupported key, and for an RSA key under 2048 bits.
 */
export function parsePublicKey(spki: Uint8Array): PublicKey {
  try {
    const [algorithm, bits] = derSequence(parseDer(spki), "SubjectPublicKeyInfo");
    const [oidNode, params] = derSequence(algorithm, "AlgorithmIdentifier");
    const oid = decodeOid(oidNode!);
    const keyBytes = decodeBitStringBytes(bits!);
    if (oid === "1.2.840.10045.2.1") {
      if (params?.tag !== TAG.OID) throw new Error("EC key without a named curve");
      const curveOid = decodeOid(params);
      const curve = CURVES[curveOid];
      if (curve === undefined) throw new Error(`unsupported curve ${curveOid}`);
      if (keyBytes.length !== 1 + 2 * CURVE_SIZE[curve] || keyBytes[0] !== 4) {
        throw new Error("EC point is not an uncompressed point of the curve's size");
      }
      return { kind: "ecdsa", curve, spki, point: keyBytes };
    }
    if (oid === "1.3.101.112") {
      if (keyBytes.length !== 32) throw new Error("Ed25519 key is not 32 bytes");
      return { kind: "ed25519", spki, raw: keyBytes };
    }
    if (oid === "1.2.840.113549.1.1.1") {
      const [modulus] = derSequence(parseDer(keyBytes), "RSAPublicKey");
      let n = modulus!.value;
      while (n.length > 0 && n[0] === 0) n = n.subarray(1);
      const modulusBits = n.length === 0 ? 0 : (n.length - 1) * 8 + (32 - Math.clz32(n[0]!));
      // NIST SP 800-131A and the Sigstore algorithm registry: RSA keys have at least 2048 bits.
      if (modulusBits < MIN_RSA_MODULUS_BITS) {
        throw new Error(`RSA key has ${modulusBits} bits: at least ${MIN_RSA_MODULUS_BITS} are required`);
      }
      return { kind: "rsa", spki, modulusBits };
    }
    throw new Error(`unsupported key algorithm ${oid}`);
  } catch (e) {
    if (e instanceof ParseError) {
      throw new ParseError("KEY_PARSE", `Cannot parse public key: ${e.message}`, { cause: e });
    }
    throw new ParseError("KEY_PARSE", `Cannot parse public key: ${(e as Error).message}`, { cause: e });
  }
}

const HASH_NAME: Record<HashAlgorithm, string> = { sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };
const keyCache = new Map<string, Promise<CryptoKey>>();

function importKey(key: PublicKey, hash: HashAlgorithm, rsaPadding: RsaPadding): Promise<CryptoKey> {
  const id = `${key.kind}|${hash}|${rsaPadding}|${encodeBase64(key.spki)}`;
  let cached = keyCache.get(id);
  if (cached === undefined) {
    const algorithm = key.kind === "ecdsa"
      ? { name: "ECDSA", namedCurve: key.curve }
      : key.kind === "ed25519"
      ? { name: "Ed25519" }
      : { name: rsaPadding === "pss" ? "RSA-PSS" : "RSASSA-PKCS1-v1_5", hash: HASH_NAME[hash] };
    cached = crypto.subtle.importKey("spki", key.spki as BufferSource, algorithm, false, ["verify"]);
    if (keyCache.size > 1000) keyCache.clear();
    keyCache.set(id, cached);
  }
  return cached;
}

/** Converts an ECDSA DER signature to fixed-width `r‖s`; `undefined` if malformed. */
export function ecdsaDerToRaw(signature: Uint8Array, curve: EcCurve): Uint8Array | undefined {
  const size = CURVE_SIZE[curve];
  try {
    const parts = derSequence(parseDer(signature), "ECDSA signature");
    if (parts.length !== 2) return undefined;
    const out = new Uint8Array(2 * size);
    for (let i = 0; i < 2; i++) {
      const node = parts[i]!;
      if (node.tag !== TAG.INTEGER || node.value.length === 0 || (node.value[0]! & 0x80) !== 0) {
        return undefined;
      }
      let v = node.value;
      if (v.length > 1 && v[0] === 0) {
        if ((v[1]! & 0x80) === 0) return undefined; // non-minimal
        v = v.subarray(1);
      }
      if (v.length > size) return undefined;
      out.set(v, i * size + size - v.length);
    }
    return out;
  } catch {
    return undefined;
  }
}

/** Options of {@linkcode verifySignature}. */
export interface VerifySignatureOptions {
  /** Hash used by ECDSA and RSA (ignored by Ed25519). Default: the curve's own, or SHA-256. */
  hash?: HashAlgorithm;
  /** RSA padding; default PKCS#1 v1.5. */
  rsaPadding?: RsaPadding;
  /**
   * The key comes from the trust root and verifies many messages (log, CT and
   * TSA keys): it may get a precomputed table where that is faster. Keys of
   * signers (one per bundle) never do.
   */
  trustRootKey?: boolean;
}

/** The default hash a key signs with (P-384 → SHA-384, everything else SHA-256). */
export function defaultHash(key: PublicKey): HashAlgorithm {
  return key.kind === "ecdsa" ? CURVE_HASH[key.curve] : key.kind === "ed25519" ? "sha512" : "sha256";
}

/**
 * Verifies a signature over `data`. ECDSA signatures are DER; Ed25519 is pure
 * Ed25519 (64 bytes). Returns `false` for any failure, never throws on bad input.
 */
export async function verifySignature(
  key: PublicKey,
  data: Uint8Array,
  signature: Uint8Array,
  options: VerifySignatureOptions = {},
): Promise<boolean> {
  const hash = options.hash ?? defaultHash(key);
  const padding = options.rsaPadding ?? "pkcs1v15";
  try {
    if (key.kind === "ecdsa" && options.trustRootKey === true) {
      const fast = precomputedVerifier(key.curve, encodeBase64(key.spki), key.point);
      if (fast !== undefined) return fast(data, signature, hash);
    }
    const cryptoKey = await importKey(key, hash, padding);
    if (key.kind === "ecdsa") {
      const raw = ecdsaDerToRaw(signature, key.curve);
      if (raw === undefined) return false;
      return await crypto.subtle.verify(
        { name: "ECDSA", hash: HASH_NAME[hash] },
        cryptoKey,
        raw as BufferSource,
        data as BufferSource,
      );
    }
    if (key.kind === "ed25519") {
      if (signature.length !== 64) return false;
      return await crypto.subtle.verify(
        { name: "Ed25519" },
        cryptoKey,
        signature as BufferSource,
        data as BufferSource,
      );
    }
    const params = padding === "pss"
      ? { name: "RSA-PSS", saltLength: hash === "sha256" ? 32 : hash === "sha384" ? 48 : 64 }
      : { name: "RSASSA-PKCS1-v1_5" };
    return await crypto.subtle.verify(params, cryptoKey, signature as BufferSource, data as BufferSource);
  } catch {
    return false;
  }
}

/**
 * Verifies an ECDSA DER signature over an already computed digest (the
 * prehashed form hashedrekord uses). Only ECDSA keys are supported; other
 * keys return `false` and callers must report that digest input is not
 * possible for them.
 */
export function verifyPrehashedSignature(
  key: PublicKey,
  digestBytes: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (key.kind !== "ecdsa") return false;
  try {
    return NOBLE[key.curve].verify(signature, digestBytes, key.point, {
      prehash: false,
      lowS: false,
      format: "der",
    });
  } catch {
    return false;
  }
}
