/**
 * Transparency log (Rekor v1 and v2) verification: entry bodies, Merkle
 * inclusion proofs (RFC 6962/9162), checkpoints (C2SP signed notes) and
 * signed entry timestamps, and the per-entry step that runs them in the
 * Sigstore client spec's order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hashLeaf, hashNode, verifyInclusionProof } from "./mod.ts";
 *
 * const a = hashLeaf(new Uint8Array([0]));
 * const b = hashLeaf(new Uint8Array([1]));
 * assert.ok(verifyInclusionProof(a, { index: 0n, treeSize: 2n, hashes: [b], rootHash: hashNode(a, b) }));
 * ```
 *
 * @module
 */

export {
  computeRootFromProof,
  hashLeaf,
  hashNode,
  MERKLE_HASH_LENGTH,
  verifyInclusionProof,
} from "./merkle.ts";
export type { MerkleInclusionProof } from "./merkle.ts";
export { checkpointKeyId, checkpointKeyName, parseCheckpoint, verifyCheckpoint } from "./checkpoint.ts";
export type { Checkpoint, NoteSignature, SignedCheckpoint } from "./checkpoint.ts";
export { signedEntryTimestampPayload, verifySignedEntryTimestamp } from "./set.ts";
export { entryType, verifyEntryBody } from "./body.ts";
export type { ArtifactDigests, EntryBodyExpectation, EntryType } from "./body.ts";
export { selectTransparencyLog } from "./log_selection.ts";
export { integratedTimeOf } from "./integrated_time.ts";
export { verifyTlogEntry } from "./verify_entry.ts";
export type { TlogEntryContext, TlogEntryVerification } from "./verify_entry.ts";
