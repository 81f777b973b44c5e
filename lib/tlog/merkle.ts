/**
 * Merkle tree hashing and inclusion proofs for transparency logs, as
 * specified by RFC 6962 §2.1 and RFC 9162 §2.1.3.2 (SHA-256 only; every
 * Rekor log uses SHA-256).
 *
 * Leaves are hashed as `SHA-256(0x00 ‖ leaf)` and interior nodes as
 * `SHA-256(0x01 ‖ left ‖ right)`, so a leaf can never be passed off as a
 * node. Indices and sizes are `bigint`, since log positions are int64 values
 * that may exceed 2^53.
 *
 * These are low-level primitives: they return a value or `false` and never
 * throw on bad proofs. The verification step
 * ({@linkcode verifyTlogEntry}) raises the typed error.
 *
 * @module
 */

import { digest } from "../crypto/mod.ts";
import { bytesEqual } from "../encoding/mod.ts";

/** Size in bytes of every hash in a SHA-256 Merkle tree. */
export const MERKLE_HASH_LENGTH = 32;

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** An inclusion proof for one leaf, as RFC 9162 §2.1.3 describes it. */
export interface MerkleInclusionProof {
  /** Zero-based index of the leaf in the tree. */
  readonly index: bigint;
  /** Number of leaves in the tree the proof is for. */
  readonly treeSize: bigint;
  /** Audit path, ordered from the leaf towards the root, excluding both. */
  readonly hashes: readonly Uint8Array[];
}

/**
 * Hashes a leaf: `SHA-256(0x00 ‖ leaf)` (RFC 6962 §2.1).
 *
 * @param leaf The leaf bytes (for Rekor, the entry's canonicalized body).
 * @returns The 32-byte leaf hash.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hashLeaf } from "./merkle.ts";
 *
 * // RFC 6962 test vector: the hash of the empty leaf.
 * const hex = Array.from(hashLeaf(new Uint8Array()), (b) => b.toString(16).padStart(2, "0")).join("");
 * assert.equal(hex, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
 * ```
 */
export function hashLeaf(leaf: Uint8Array): Uint8Array {
  return digest("sha256", LEAF_PREFIX, leaf);
}

/**
 * Hashes two child nodes into their parent: `SHA-256(0x01 ‖ left ‖ right)`
 * (RFC 6962 §2.1).
 *
 * @param left The left child hash.
 * @param right The right child hash.
 * @returns The 32-byte parent hash.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hashLeaf, hashNode } from "./merkle.ts";
 *
 * const parent = hashNode(hashLeaf(new Uint8Array([1])), hashLeaf(new Uint8Array([2])));
 * assert.equal(parent.length, 32);
 * ```
 */
export function hashNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  return digest("sha256", NODE_PREFIX, left, right);
}

/**
 * Computes the tree root implied by an inclusion proof (RFC 9162
 * §2.1.3.2). Returns `undefined` when the proof cannot be valid for any
 * root: a negative index, an index not below the tree size, a hash that is
 * not 32 bytes, or an audit path of the wrong length for the position.
 *
 * @param leafHash The leaf hash ({@linkcode hashLeaf} of the leaf bytes).
 * @param proof The leaf index, the tree size and the audit path.
 * @returns The computed root hash, or `undefined` for an impossible proof.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeRootFromProof, hashLeaf, hashNode } from "./merkle.ts";
 *
 * const a = hashLeaf(new Uint8Array([0]));
 * const b = hashLeaf(new Uint8Array([1]));
 * const root = computeRootFromProof(a, { index: 0n, treeSize: 2n, hashes: [b] });
 * assert.deepEqual(root, hashNode(a, b));
 * assert.equal(computeRootFromProof(a, { index: 2n, treeSize: 2n, hashes: [b] }), undefined);
 * ```
 */
export function computeRootFromProof(
  leafHash: Uint8Array,
  proof: MerkleInclusionProof,
): Uint8Array | undefined {
  const { index, treeSize, hashes } = proof;
  if (index < 0n || treeSize <= 0n || index >= treeSize) return undefined;
  if (leafHash.length !== MERKLE_HASH_LENGTH) return undefined;
  let fn = index;
  let sn = treeSize - 1n;
  let r = leafHash;
  for (const p of hashes) {
    if (p.length !== MERKLE_HASH_LENGTH) return undefined;
    // More path elements than the tree has levels above this leaf.
    if (sn === 0n) return undefined;
    if ((fn & 1n) === 1n || fn === sn) {
      r = hashNode(p, r);
      if ((fn & 1n) === 0n) {
        // A right-edge node with no sibling: climb until it is a right child.
        while (fn !== 0n && (fn & 1n) === 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = hashNode(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // Fewer path elements than needed to reach the root.
  if (sn !== 0n) return undefined;
  return r;
}

/**
 * Checks that a leaf is included in a tree with the given root (RFC 9162
 * §2.1.3.2). Never throws on a bad proof; the caller reports the failure.
 *
 * @param leafHash The leaf hash ({@linkcode hashLeaf} of the leaf bytes).
 * @param proof The leaf index, the tree size, the audit path and the
 *   expected root hash.
 * @returns `true` when the audit path leads from the leaf to `rootHash`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hashLeaf, hashNode, verifyInclusionProof } from "./merkle.ts";
 *
 * const a = hashLeaf(new Uint8Array([0]));
 * const b = hashLeaf(new Uint8Array([1]));
 * const rootHash = hashNode(a, b);
 * assert.equal(verifyInclusionProof(b, { index: 1n, treeSize: 2n, hashes: [a], rootHash }), true);
 * assert.equal(verifyInclusionProof(b, { index: 0n, treeSize: 2n, hashes: [a], rootHash }), false);
 * ```
 */
export function verifyInclusionProof(
  leafHash: Uint8Array,
  proof: MerkleInclusionProof & { readonly rootHash: Uint8Array },
): boolean {
  const computed = computeRootFromProof(leafHash, proof);
  return computed !== undefined && bytesEqual(computed, proof.rootHash);
}
