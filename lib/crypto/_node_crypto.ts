/**
 * The native fast path: `node:crypto`'s hash objects and signature checks,
 * which Deno, Bun and Node provide (and on Bun its own `Bun.CryptoHasher`,
 * which needs no module load: `node:crypto` costs Bun about 7 ms to load). It is looked up synchronously with
 * `process.getBuiltinModule`, at first use and only where the runtime has
 * it, so the module graph holds no `node:` import at all: a browser never
 * sees one (it gets `undefined` and the callers' pure-JS or Web Crypto
 * fallbacks), and no module needs a top-level `await` (which would keep
 * `bun build --compile --bytecode` from precompiling the program).
 *
 * @module
 */

/** A native incremental hash, as `node:crypto`'s `createHash` returns it. */
export interface NativeHash {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}

/** An opaque `node:crypto` KeyObject. */
export type NativeKey = { readonly type: string };

/** The part of `node:crypto` this library uses. */
export interface NodeCrypto {
  createHash(algorithm: string): NativeHash;
  createPublicKey(key: { key: Uint8Array; format: "der"; type: "spki" }): NativeKey;
  verify(
    algorithm: string | null,
    data: Uint8Array,
    key: NativeKey | { key: NativeKey; padding?: number; saltLength?: number },
    signature: Uint8Array,
  ): boolean;
}

/** `Bun.CryptoHasher`, when running on Bun. */
interface BunHasher {
  new (algorithm: string): { update(data: Uint8Array): unknown; digest(): Uint8Array };
  /** One-shot: hashes `data` into `into` and returns it. */
  hash(algorithm: string, data: Uint8Array, into: Uint8Array): Uint8Array;
}

const bunHasher = (globalThis as { Bun?: { CryptoHasher?: BunHasher } }).Bun?.CryptoHasher;

/**
 * A native incremental hash where the runtime has one without loading a
 * module first (Bun), else `undefined`. Its digest is a plain `Uint8Array`.
 */
export function builtinHash(algorithm: string): NativeHash | undefined {
  if (bunHasher === undefined) return undefined;
  const hasher = new bunHasher(algorithm);
  return {
    update: (data) => hasher.update(data),
    digest: () => {
      const d = hasher.digest(); // a Buffer: viewed as a plain Uint8Array, not copied
      return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    },
  };
}

/**
 * A native one-shot digest where the runtime has one without loading a
 * module first (Bun: about a fifth of the cost of an incremental hash for a
 * small input), written into `into` (the digest's length) and returned;
 * `undefined` elsewhere.
 */
export const builtinDigest:
  | ((algorithm: string, data: Uint8Array, into: Uint8Array) => Uint8Array)
  | undefined = bunHasher === undefined
    ? undefined
    : (algorithm, data, into) => bunHasher.hash(algorithm, data, into);

let loaded: NodeCrypto | null | undefined;

/** True once `node:crypto` has been looked up (and so costs nothing more to use). */
export function nodeCryptoLoaded(): boolean {
  return loaded !== undefined;
}

/** `node:crypto` where the runtime provides it (Deno, Bun, Node), else `undefined` (browsers). */
export function nodeCrypto(): NodeCrypto | undefined {
  if (loaded === undefined) {
    loaded = null;
    const g = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
    try {
      const m = g.process?.getBuiltinModule?.("node:crypto") as Partial<NodeCrypto> | undefined;
      if (typeof m?.createHash === "function" && typeof m.verify === "function") loaded = m as NodeCrypto;
    } catch {
      // a browser bundle whose polyfills make it look like Node: the fallbacks are used
    }
  }
  return loaded ?? undefined;
}

/**
 * True on runtimes whose native ECDSA is fast (Bun's BoringSSL, Node's
 * OpenSSL: about 60 µs for a P-256 check); Deno's is about ten times slower,
 * so there trust-root keys get precomputed tables instead.
 */
export const NATIVE_ECDSA_IS_FAST: boolean = typeof (globalThis as { Deno?: unknown }).Deno === "undefined";
