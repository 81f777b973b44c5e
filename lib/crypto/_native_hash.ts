/**
 * The fast path for SHA-2: `node:crypto`'s native hash objects, which Deno,
 * Bun and Node provide. The module is imported dynamically, and only where
 * the runtime has Node built-ins, so a browser's module graph never contains
 * it and the pure-JS fallback in `digest.ts` is used there instead.
 *
 * @module
 */

/** A native incremental hash, as `node:crypto`'s `createHash` returns it. */
export interface NativeHash {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}

/** True on runtimes that provide `node:` built-ins (Deno, Bun, Node). */
function hasNodeBuiltins(): boolean {
  const g = globalThis as { process?: { versions?: { node?: unknown } }; Deno?: unknown; Bun?: unknown };
  return g.Deno !== undefined || g.Bun !== undefined || typeof g.process?.versions?.node === "string";
}

/**
 * Loads `node:crypto`'s `createHash`. A failed load (a browser bundle whose
 * polyfills make it look like Node) only means the pure-JS hashes are used.
 */
async function loadNativeHash(): Promise<((algorithm: string) => NativeHash) | undefined> {
  if (!hasNodeBuiltins()) return undefined;
  try {
    return (await import("node:crypto")).createHash;
  } catch {
    return undefined;
  }
}

/** `node:crypto`'s `createHash` where the runtime has it, else `undefined` (browsers). */
export const createNativeHash: ((algorithm: string) => NativeHash) | undefined = await loadNativeHash();
