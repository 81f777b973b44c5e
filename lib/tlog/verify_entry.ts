/**
 * Verifies one transparency log entry of a bundle, following the Sigstore
 * client spec's "Transparency log entry" step (protocol reference §3.6):
 * select the log, check the body against the bundle, verify the signed entry
 * timestamp (Rekor v1), verify the checkpoint and the Merkle inclusion
 * proof, and check the log key's validity window.
 *
 * @module
 */

import type { DsseEnvelope, MessageSignature, TransparencyLogEntry } from "../bundle/mod.ts";
import { bytesEqual, describeBytes, encodeBase64, quote } from "../encoding/mod.ts";
import { VerificationError } from "../errors/mod.ts";
import { describePeriod, isValidAt } from "../trust/mod.ts";
import type { TransparencyLogInstance } from "../trust/mod.ts";
import type { ArtifactDigests } from "./body.ts";
import { entryType, verifyEntryBody } from "./body.ts";
import type { Checkpoint } from "./checkpoint.ts";
import { verifyCheckpoint } from "./checkpoint.ts";
import { selectTransparencyLog } from "./log_selection.ts";
import { computeRootFromProof, hashLeaf } from "./merkle.ts";
import { verifySignedEntryTimestamp } from "./set.ts";

/** Inputs of {@linkcode verifyTlogEntry}. */
export interface TlogEntryContext {
  /** The `tlogs` of the trusted root. */
  readonly tlogs: readonly TransparencyLogInstance[];
  /** The bundle's message signature or DSSE envelope. */
  readonly content: MessageSignature | DsseEnvelope;
  /** The signer as DER: the leaf certificate, or the SPKI of a managed key. */
  readonly signer: Uint8Array;
  /** The artifact's digests by algorithm; required for message signatures. */
  readonly artifactDigests?: ArtifactDigests | undefined;
  /**
   * Verified signing times from other sources (RFC 3161 timestamps). For
   * entries without a signed entry timestamp (all Rekor v2 entries) the log
   * key must be valid at one of them; without any (omitted or empty), such
   * an entry is refused. There is no way to skip this check.
   */
  readonly verifiedTimes?: readonly Date[] | undefined;
}

/** What {@linkcode verifyTlogEntry} established about an entry. */
export interface TlogEntryVerification {
  /** The trusted log that vouches for the entry. */
  readonly log: TransparencyLogInstance;
  /** Entry kind, e.g. `hashedrekord`. */
  readonly kind: string;
  /** Entry API version, e.g. `0.0.1`. */
  readonly version: string;
  /** 1 for Rekor v1 entry types, 2 for Rekor v2 ones. */
  readonly rekorVersion: 1 | 2;
  /** The integrated time, only when a signed entry timestamp verified (Rekor v1). */
  readonly integratedTime: Date | undefined;
  /** The verified checkpoint the inclusion proof was checked against, if any. */
  readonly checkpoint: Checkpoint | undefined;
  /** The verified time at which the log key was confirmed valid (the integrated time, or a TSA time). */
  readonly logKeyValidAt: Date;
}

function fail(
  code: "TLOG_INCLUSION_PROOF" | "TLOG_CHECKPOINT" | "TLOG_SET" | "TRUST_KEY_VALIDITY",
  message: string,
): never {
  throw new VerificationError(code, message);
}

/**
 * Verifies one transparency log entry against the trusted logs and the
 * bundle it came with.
 *
 * Steps, in order:
 * 1. The entry type is supported (`TLOG_KIND`), and a trusted log matches its
 *    log ID (`TLOG_UNKNOWN_LOG`); the log's key is usable, it hashes with
 *    SHA-256, and its validity window has a start (`TRUST_KEY_VALIDITY`).
 * 2. The body matches the bundle's signature, signer and artifact or payload
 *    (`TLOG_BODY_MISMATCH`, see {@linkcode verifyEntryBody}).
 * 3. Rekor v1: a signed entry timestamp, if present, verifies and its
 *    integrated time lies in the log key's window (`TLOG_SET`,
 *    `TRUST_KEY_VALIDITY`); only then is `integratedTime` reported. Rekor v2
 *    entries must not carry one (`TLOG_SET`).
 * 4. The inclusion proof: required for Rekor v2 entries and for v1 entries
 *    without a SET. Its checkpoint must verify with the log key
 *    (`TLOG_CHECKPOINT`), its root hash and tree size must equal the
 *    checkpoint's (`TLOG_CHECKPOINT`), and `SHA-256(0x00 ‖ body)` must be
 *    included at `inclusionProof.logIndex` (`TLOG_INCLUSION_PROOF`). For v2,
 *    `inclusionProof.logIndex` must equal the entry's `logIndex`.
 *    A proof without a checkpoint (only v0.1 bundles have one) is accepted
 *    only for a v1 entry whose SET verified; its path is still checked
 *    against the proof's own, unauthenticated root so a broken proof fails.
 * 5. Without a verified SET, the log key must be valid at one of
 *    `verifiedTimes` (`TRUST_KEY_VALIDITY`).
 *
 * @param entry The transparency log entry.
 * @param context Trusted logs, bundle content, signer and verified times.
 * @returns The log, the entry type, the verified integrated time (if any)
 *   and the verified checkpoint (if any).
 * @throws {VerificationError} With the code of the failed step (above).
 * @throws {TypeError} When `content` is a message signature and no
 *   `artifactDigests` are given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyTlogEntry } from "./verify_entry.ts";
 * import type { MessageSignature, TransparencyLogEntry } from "../bundle/mod.ts";
 *
 * const entry = { kind: "hashedrekord", kindVersion: "0.0.1", logId: new Uint8Array(32) } as TransparencyLogEntry;
 * const content = { kind: "messageSignature", messageDigest: undefined, signature: new Uint8Array(1) } as MessageSignature;
 * await assert.rejects(
 *   verifyTlogEntry(entry, { tlogs: [], content, signer: new Uint8Array(1), artifactDigests: {} }),
 *   { code: "TLOG_UNKNOWN_LOG" },
 * );
 * ```
 */
export async function verifyTlogEntry(
  entry: TransparencyLogEntry,
  context: TlogEntryContext,
): Promise<TlogEntryVerification> {
  // Client spec: unknown kinds/versions fail cleanly ("upgrade"), before any parsing.
  const type = entryType(entry);

  // §3.6.1: select the trusted log by log ID.
  const log = selectTransparencyLog(entry, context.tlogs);
  if (log.publicKey === undefined) {
    throw new VerificationError(
      "TLOG_UNKNOWN_LOG",
      `Log ${log.baseUrl} has a key this client cannot use${
        log.unusableKeyReason === undefined ? "" : `: ${log.unusableKeyReason}`
      }`,
    );
  }
  if (log.hashAlgorithm !== "SHA2_256" && log.hashAlgorithm !== "") {
    throw new VerificationError(
      "TLOG_UNKNOWN_LOG",
      `Log ${log.baseUrl} uses unsupported hash ${quote(log.hashAlgorithm)}`,
    );
  }
  // A trust-root window without a start is malformed; never treat it as unbounded.
  if (log.validFor.start === undefined) {
    fail("TRUST_KEY_VALIDITY", `Log key of ${log.baseUrl} has no validity start`);
  }

  // §3.6.5: the logged body must describe this bundle's signature, signer and artifact.
  verifyEntryBody(entry, {
    content: context.content,
    signer: context.signer,
    artifactDigests: context.artifactDigests,
  });

  // §3.6.2: Rekor v1 signed entry timestamp; the only source of a trusted integrated time.
  let integratedTime: Date | undefined;
  if (entry.signedEntryTimestamp !== undefined) {
    if (type.rekorVersion === 2) {
      fail("TLOG_SET", "Rekor v2 entries carry no signed entry timestamp, but this one does");
    }
    integratedTime = await verifySignedEntryTimestamp(entry, log);
  }

  // §3.6.3 and §3.6.4: checkpoint and Merkle inclusion.
  const checkpoint = await verifyInclusion(entry, log, type.rekorVersion, integratedTime !== undefined);

  // Log key validity: at the SET's integrated time (checked above), else at a verified time.
  const verifiedTimes = context.verifiedTimes ?? [];
  const logKeyValidAt = integratedTime ?? verifiedTimes.find((t) => isValidAt(log.validFor, t));
  if (logKeyValidAt === undefined) {
    const times = verifiedTimes.map((t) => t.toISOString()).join(", ") || "none";
    fail(
      "TRUST_KEY_VALIDITY",
      `Log key of ${log.baseUrl} was not valid at any verified time: valid ${
        describePeriod(log.validFor)
      }, times ${times}`,
    );
  }

  return {
    log,
    kind: type.kind,
    version: type.version,
    rekorVersion: type.rekorVersion,
    integratedTime,
    checkpoint,
    logKeyValidAt,
  };
}

async function verifyInclusion(
  entry: TransparencyLogEntry,
  log: TransparencyLogInstance,
  rekorVersion: 1 | 2,
  setVerified: boolean,
): Promise<Checkpoint | undefined> {
  const proof = entry.inclusionProof;
  if (proof === undefined) {
    if (rekorVersion === 2) fail("TLOG_INCLUSION_PROOF", "Rekor v2 entry has no inclusion proof");
    if (!setVerified) {
      fail("TLOG_INCLUSION_PROOF", "Entry has neither an inclusion proof nor a signed entry timestamp");
    }
    return undefined;
  }
  if (rekorVersion === 2 && proof.logIndex !== entry.logIndex) {
    fail(
      "TLOG_INCLUSION_PROOF",
      `Inclusion proof index does not match the entry: expected ${entry.logIndex}, found ${proof.logIndex}`,
    );
  }
  const leaf = hashLeaf(entry.canonicalizedBody);

  if (proof.checkpoint === undefined) {
    if (rekorVersion === 2 || !setVerified) {
      fail("TLOG_CHECKPOINT", "Inclusion proof has no checkpoint");
    }
    // v0.1 bundle: the SET already vouches for the entry. The proof's root is not
    // signed, but a proof that does not even reach its own root is still rejected.
    checkMerklePath(leaf, proof.logIndex, proof.treeSize, proof.hashes, proof.rootHash, "its root hash");
    return undefined;
  }

  const checkpoint = await verifyCheckpoint(proof.checkpoint, log);
  // The checkpoint is the only trusted source of the tree size and root.
  if (!bytesEqual(checkpoint.rootHash, proof.rootHash)) {
    fail(
      "TLOG_CHECKPOINT",
      `Checkpoint root hash does not match the inclusion proof: expected ${
        encodeBase64(checkpoint.rootHash)
      }, found ${describeBytes(proof.rootHash, "base64")}`,
    );
  }
  if (checkpoint.treeSize !== proof.treeSize) {
    fail(
      "TLOG_CHECKPOINT",
      `Checkpoint tree size does not match the inclusion proof: expected ${checkpoint.treeSize}, found ${proof.treeSize}`,
    );
  }
  checkMerklePath(
    leaf,
    proof.logIndex,
    checkpoint.treeSize,
    proof.hashes,
    checkpoint.rootHash,
    "the checkpoint root hash",
  );
  return checkpoint;
}

function checkMerklePath(
  leaf: Uint8Array,
  index: bigint,
  treeSize: bigint,
  hashes: readonly Uint8Array[],
  rootHash: Uint8Array,
  rootName: string,
): void {
  const computed = computeRootFromProof(leaf, { index, treeSize, hashes });
  if (computed === undefined) {
    fail(
      "TLOG_INCLUSION_PROOF",
      `Inclusion proof is malformed: ${hashes.length} hash(es) for index ${index} in a tree of size ${treeSize}`,
    );
  }
  if (!bytesEqual(computed, rootHash)) {
    fail(
      "TLOG_INCLUSION_PROOF",
      `Inclusion proof does not lead to ${rootName}: expected ${
        describeBytes(rootHash, "base64")
      }, computed ${encodeBase64(computed)}`,
    );
  }
}
