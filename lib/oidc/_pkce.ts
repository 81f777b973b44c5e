/**
 * PKCE (RFC 7636, method S256) and random `state` / `nonce` values, from
 * Web Crypto.
 *
 * @module
 */

import { encodeBase64Url } from "../encoding/mod.ts";

/** A PKCE verifier and its S256 challenge. */
export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

/** A random URL-safe string from `bytes` random bytes. */
export function randomUrlSafe(bytes = 32): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 challenge of a verifier: base64url(SHA-256(ASCII verifier)). */
export async function s256Challenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return encodeBase64Url(new Uint8Array(digest));
}

/** A fresh verifier (32 random bytes, base64url) and its S256 challenge. */
export async function createPkce(): Promise<Pkce> {
  const verifier = randomUrlSafe(32);
  return { verifier, challenge: await s256Challenge(verifier) };
}
