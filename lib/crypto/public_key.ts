/**
 * Public keys from SubjectPublicKeyInfo DER, and signature verification:
 * ECDSA with `node:crypto`'s synchronous `verify` where it is fast (Bun,
 * Node), Web Crypto otherwise (and for Ed25519 and RSA), precomputed tables
 * for trust-root keys where Web Crypto is slow (Deno), and `@noble/curves`
 * for prehashed ECDSA, which neither API can do (both hash their input).
 * `@noble/curves` is loaded only when one of those two paths first runs.
 *
 * Only trust-root keys (`trustRootKey`) keep an imported key object between
 * calls, keyed by the identity of their SPKI bytes; a signer's key is
 * imported for each check, so no bundle's work is reused for another.
 *
 * Low-level checks return `boolean`; callers raise the typed error.
 *
 * @module
 */

import { decodeBitStringBytes, decodeOid, derSequence, parseDer, TAG } from "../der/mod.ts";
import { ParseError } from "../errors/mod.ts";
import type { HashAlgorithm } from "./digest.ts";
import { precomputedVerifier } from "./_fixed_key_ecdsa.ts";
import {
  NATIVE_ECDSA_IS_FAST,
  type NativeKey,
  type NodeCrypto,
  nodeCrypto,
  nodeCryptoLoaded,
} from "./_node_crypto.ts";

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

/**
 * ECDSA checks made with Web Crypto before `node:crypto` is loaded for its
 * synchronous `verify` (about 40 µs faster per P-256 check on Bun, but it
 * costs Bun about 7 ms to load: a single verification makes five checks).
 */
const WEB_CRYPTO_FIRST = 32;
let ecdsaChecks = 0;

/** `node:crypto`, for an ECDSA check, where it is fast and worth loading by now. */
function nativeEcdsa(): NodeCrypto | undefined {
  if (!NATIVE_ECDSA_IS_FAST) return undefined;
  if (!nodeCryptoLoaded() && ++ecdsaChecks <= WEB_CRYPTO_FIRST) return undefined;
  return nodeCrypto();
}

/** Imported Web Crypto keys of trust-root keys, by SPKI bytes (object identity) and then by algorithm. */
const trustRootCryptoKeys = new WeakMap<Uint8Array, Map<string, Promise<CryptoKey>>>();
/** `node:crypto` key objects of trust-root ECDSA keys, by SPKI bytes (object identity). */
const trustRootNativeKeys = new WeakMap<Uint8Array, NativeKey>();

function importKey(
  key: PublicKey,
  hash: HashAlgorithm,
  rsaPadding: RsaPadding,
  trustRootKey: boolean,
): Promise<CryptoKey> {
  const algorithm = key.kind === "ecdsa"
    ? { name: "ECDSA", namedCurve: key.curve }
    : key.kind === "ed25519"
    ? { name: "Ed25519" }
    : { name: rsaPadding === "pss" ? "RSA-PSS" : "RSASSA-PKCS1-v1_5", hash: HASH_NAME[hash] };
  const load = () => crypto.subtle.importKey("spki", key.spki as BufferSource, algorithm, false, ["verify"]);
  if (!trustRootKey) return load();
  let byAlgorithm = trustRootCryptoKeys.get(key.spki);
  if (byAlgorithm === undefined) trustRootCryptoKeys.set(key.spki, byAlgorithm = new Map());
  const id = `${hash}|${rsaPadding}`;
  let cached = byAlgorithm.get(id);
  if (cached === undefined) byAlgorithm.set(id, cached = load());
  return cached;
}

function nativeKey(native: NodeCrypto, key: PublicKey, trustRootKey: boolean): NativeKey {
  if (!trustRootKey) return native.createPublicKey({ key: key.spki, format: "der", type: "spki" });
  let cached = trustRootNativeKeys.get(key.spki);
  if (cached === undefined) {
    cached = native.createPublicKey({ key: key.spki, format: "der", type: "spki" });
    trustRootNativeKeys.set(key.spki, cached);
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
  const trustRootKey = options.trustRootKey === true;
  try {
    if (key.kind === "ecdsa") {
      const raw = ecdsaDerToRaw(signature, key.curve); // strict DER, whichever backend checks it
      if (raw === undefined) return false;
      const native = nativeEcdsa();
      if (native !== undefined) {
        return native.verify(hash, data, nativeKey(native, key, trustRootKey), signature);
      }
      if (trustRootKey) {
        const fast = await precomputedVerifier(key.curve, key.spki, key.point);
        if (fast !== undefined) return fast(data, raw, hash);
      }
      return await crypto.subtle.verify(
        { name: "ECDSA", hash: HASH_NAME[hash] },
        await importKey(key, hash, padding, trustRootKey),
        raw as BufferSource,
        data as BufferSource,
      );
    }
    const cryptoKey = await importKey(key, hash, padding, trustRootKey);
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
export async function verifyPrehashedSignature(
  key: PublicKey,
  digestBytes: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (key.kind !== "ecdsa") return false;
  try {
    const { p256, p384, p521 } = await import("@noble/curves/nist.js");
    const curve = key.curve === "P-256" ? p256 : key.curve === "P-384" ? p384 : p521;
    return curve.verify(signature, digestBytes, key.point, { prehash: false, lowS: false, format: "der" });
  } catch {
    return false;
  }
}
