/**
 * The ephemeral signing key: a fresh ECDSA P-256 key pair from Web Crypto
 * whose private half cannot be exported. It lives only as long as the
 * signing run and is never written anywhere.
 *
 * @module
 */

import { encodeDer, parseDer } from "../der/mod.ts";
import { concatBytes } from "../encoding/mod.ts";

/** An ephemeral signing key with its public key in SPKI DER. */
export interface EphemeralKey {
  readonly privateKey: CryptoKey;
  readonly publicKeySpki: Uint8Array;
}

/** Generates a non-extractable P-256 key pair. */
export async function generateEphemeralKey(): Promise<EphemeralKey> {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
    "sign",
    "verify",
  ]);
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
  return { privateKey: pair.privateKey, publicKeySpki: spki };
}

/** Converts a fixed-width `r‖s` ECDSA signature to DER. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const integer = (bytes: Uint8Array): Uint8Array => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let v = bytes.subarray(i);
    if ((v[0]! & 0x80) !== 0) v = concatBytes(Uint8Array.of(0), v);
    return encodeDer(0x02, v);
  };
  const der = encodeDer(0x30, concatBytes(integer(raw.subarray(0, half)), integer(raw.subarray(half))));
  parseDer(der); // self-check: well-formed
  return der;
}

/** Signs `data` with ECDSA P-256/SHA-256; returns a DER signature. */
export async function signWithEphemeralKey(key: EphemeralKey, data: Uint8Array): Promise<Uint8Array> {
  const raw = new Uint8Array(
    await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key.privateKey, data as BufferSource),
  );
  return ecdsaRawToDer(raw);
}
