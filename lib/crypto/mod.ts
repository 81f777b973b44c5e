/**
 * Cryptography: SHA-2 digests (streamed too), public keys from SPKI,
 * signature verification through Web Crypto, prehashed ECDSA.
 *
 * @module
 */

export { createHasher, digest, digestStream, digestStreamMany, HASH_LENGTH } from "./digest.ts";
export type { HashAlgorithm, Hasher } from "./digest.ts";
export {
  CURVE_HASH,
  defaultHash,
  ecdsaDerToRaw,
  MIN_RSA_MODULUS_BITS,
  parsePublicKey,
  verifyPrehashedSignature,
  verifySignature,
} from "./public_key.ts";
export type { EcCurve, PublicKey, RsaPadding, VerifySignatureOptions } from "./public_key.ts";
