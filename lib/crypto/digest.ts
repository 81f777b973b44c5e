/**
 * SHA-2 digests, one-shot and streamed, with constant memory for streams.
 *
 * Web Crypto's `crypto.subtle.digest` is one-shot and asynchronous: it cannot
 * hash a stream chunk by chunk. So where the runtime has `node:crypto` (Deno,
 * Bun, Node) its native hash objects are used, looked up by `_node_crypto.ts`
 * behind a runtime check; elsewhere (browsers) the pure-JS `@noble/hashes`
 * SHA-2 does the same job, so this module runs unchanged in a web page.
 *
 * On Deno, loading `node:crypto` costs about 15 ms of start-up, more than a
 * whole offline verification spends hashing its few small inputs, so there
 * the first small one-shot digests use the pure-JS SHA-2, and the native one
 * takes over for streams, large inputs, and once a process has hashed much.
 *
 * @module
 */

import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { builtinDigest, builtinHash, nodeCrypto } from "./_node_crypto.ts";

/** Hash algorithms Sigstore uses for artifacts, logs and certificates. */
export type HashAlgorithm = "sha256" | "sha384" | "sha512";

/** Output length in bytes of each {@linkcode HashAlgorithm}. */
export const HASH_LENGTH: Readonly<Record<HashAlgorithm, number>> = {
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

/** An incremental hash: feed chunks with `update`, then call `digest` once. */
export interface Hasher {
  /** Adds a chunk of input. */
  update(chunk: Uint8Array): void;
  /** Returns the digest of everything added; the hasher is spent afterwards. */
  digest(): Uint8Array;
}

/**
 * Defined (as `true`) by the builds of the standalone executable and the
 * Node bundle (`bun build --define`, scripts/_bun_compile.ts): their
 * runtimes always hash natively, so the pure-JS SHA-2 is left out of them
 * (evaluating it cost the executable's cold start about 0.8 ms). Undefined
 * everywhere else (Deno, Bun and Node running the sources, browsers).
 */
declare const SIGSTORE_TS_NATIVE_HASHES_ONLY: boolean | undefined;

/** The pure-JS SHA-2, where a build may need it. */
const PURE_JS = typeof SIGSTORE_TS_NATIVE_HASHES_ONLY === "boolean" ? undefined : { sha256, sha384, sha512 };

/** A pure-JS hasher; throws in a native-only build, which never gets here (it always has a native hash). */
function pureJsHasher(algorithm: HashAlgorithm) {
  if (PURE_JS === undefined) throw new Error(`no ${algorithm} implementation in this build`);
  return PURE_JS[algorithm].create();
}

/** One-shot digests of small inputs hashed in pure JS before `node:crypto` is loaded (Deno only). */
const PURE_JS_FIRST = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined" ? 256 : 0;
/** Inputs from this size on always use the native hash. */
const PURE_JS_MAX_BYTES = 64 * 1024;
let pureJsDigests = 0;

/** Creates an incremental hasher: native where the runtime has one, pure JS otherwise. */
export function createHasher(algorithm: HashAlgorithm): Hasher {
  const builtin = builtinHash(algorithm);
  if (builtin !== undefined) return builtin as Hasher; // its digest is a plain Uint8Array already
  const native = nodeCrypto()?.createHash(algorithm);
  if (native !== undefined) {
    return {
      update: (chunk) => void native.update(chunk),
      digest: () => {
        const d = native.digest(); // a Buffer: viewed as a plain Uint8Array, not copied
        return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
      },
    };
  }
  const js = pureJsHasher(algorithm);
  return {
    update: (chunk) => void js.update(chunk),
    digest: () => js.digest(),
  };
}

/** Reused to join the parts of a small one-shot digest (a Merkle node is three). */
const joined = new Uint8Array(builtinDigest === undefined ? 0 : 4096);

/** Hashes bytes in one call. */
export function digest(algorithm: HashAlgorithm, ...parts: Uint8Array[]): Uint8Array {
  if (builtinDigest !== undefined && parts.length === 1) {
    return builtinDigest(algorithm, parts[0]!, new Uint8Array(HASH_LENGTH[algorithm]));
  }
  let size = 0;
  for (const p of parts) size += p.length;
  if (builtinDigest !== undefined && size <= joined.length) {
    let offset = 0;
    for (const p of parts) {
      joined.set(p, offset);
      offset += p.length;
    }
    return builtinDigest(algorithm, joined.subarray(0, size), new Uint8Array(HASH_LENGTH[algorithm]));
  }
  if (pureJsDigests < PURE_JS_FIRST) {
    if (size < PURE_JS_MAX_BYTES) {
      pureJsDigests++;
      const js = pureJsHasher(algorithm);
      for (const p of parts) js.update(p);
      return js.digest();
    }
    pureJsDigests = PURE_JS_FIRST; // a large input: load the native hash now and keep it
  }
  const h = createHasher(algorithm);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Hashes a stream of chunks; memory stays at one chunk. */
export async function digestStream(
  algorithm: HashAlgorithm,
  chunks: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): Promise<Uint8Array> {
  return (await digestStreamMany([algorithm], chunks)).get(algorithm)!;
}

/** Hashes a stream with several algorithms at once (one read of the input). */
export async function digestStreamMany(
  algorithms: readonly HashAlgorithm[],
  chunks: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): Promise<Map<HashAlgorithm, Uint8Array>> {
  const hashes = algorithms.map((a) => [a, createHasher(a)] as const);
  const iterable = Symbol.asyncIterator in chunks ? chunks as AsyncIterable<Uint8Array> : readChunks(chunks);
  for await (const chunk of iterable) {
    for (const [, h] of hashes) h.update(chunk);
  }
  return new Map(hashes.map(([a, h]) => [a, h.digest()]));
}

/** Iterates a stream through its reader, for browsers whose `ReadableStream` is not async-iterable. */
async function* readChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
