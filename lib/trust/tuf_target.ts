/**
 * A TUF target as targets metadata describes it, and the length-and-hashes
 * check of TUF §5.7.3 ("verify the target file against its length and
 * hashes"), used both on fetched targets and on cached ones (which needs no
 * TUF code).
 *
 * @module
 */

import { digest, type HashAlgorithm } from "../crypto/mod.ts";
import { bytesEqual, decodeHex } from "../encoding/mod.ts";

/** A target as described by trusted targets metadata. */
export interface TufTargetInfo {
  /** The target path, such as `trusted_root.json` */
  readonly path: string;
  /** Its exact length in bytes */
  readonly length: number;
  /** Its hashes by algorithm name, hex */
  readonly hashes: Readonly<Record<string, string>>;
}

const HASHES: Readonly<Record<string, HashAlgorithm>> = {
  sha256: "sha256",
  sha384: "sha384",
  sha512: "sha512",
};

/**
 * True when `bytes` have the target's length and every hash it lists; a
 * target with no hashes, or with one this client cannot compute, never
 * matches.
 *
 * @param info The target's description
 * @param bytes The candidate file
 * @returns Whether the file is the target
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matchesTarget } from "./tuf_target.ts";
 * const hashes = { sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" };
 * assert.ok(matchesTarget({ path: "abc", length: 3, hashes }, new TextEncoder().encode("abc")));
 * assert.ok(!matchesTarget({ path: "abc", length: 3, hashes }, new TextEncoder().encode("abd")));
 * ```
 */
export function matchesTarget(info: TufTargetInfo, bytes: Uint8Array): boolean {
  const entries = Object.entries(info.hashes);
  if (bytes.length !== info.length || entries.length === 0) return false;
  return entries.every(([name, hex]) => {
    const algorithm = HASHES[name];
    const expected = decodeHex(hex);
    return algorithm !== undefined && expected !== undefined &&
      bytesEqual(digest(algorithm, bytes), expected);
  });
}
