/**
 * SHA-2 digests, one-shot and streamed. Backed by `node:crypto`'s hash
 * objects, which Deno, Bun and Node all provide natively, so a large file is
 * hashed chunk by chunk at native speed with constant memory.
 *
 * @module
 */

import { createHash } from "node:crypto";

/** Hash algorithms Sigstore uses for artifacts, logs and certificates. */
export type HashAlgorithm = "sha256" | "sha384" | "sha512";

/** Output length in bytes of each {@linkcode HashAlgorithm}. */
export const HASH_LENGTH: Readonly<Record<HashAlgorithm, number>> = {
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

/** Hashes bytes in one call. */
export function digest(algorithm: HashAlgorithm, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(algorithm);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** Hashes a stream of chunks; memory stays at one chunk. */
export async function digestStream(
  algorithm: HashAlgorithm,
  chunks: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): Promise<Uint8Array> {
  const h = createHash(algorithm);
  for await (const chunk of chunks as AsyncIterable<Uint8Array>) h.update(chunk);
  return new Uint8Array(h.digest());
}

/** Hashes a stream with several algorithms at once (one read of the input). */
export async function digestStreamMany(
  algorithms: readonly HashAlgorithm[],
  chunks: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): Promise<Map<HashAlgorithm, Uint8Array>> {
  const hashes = algorithms.map((a) => [a, createHash(a)] as const);
  for await (const chunk of chunks as AsyncIterable<Uint8Array>) {
    for (const [, h] of hashes) h.update(chunk);
  }
  return new Map(hashes.map(([a, h]) => [a, new Uint8Array(h.digest())]));
}
