/**
 * The proto-JSON form of a `TransparencyLogEntry` (`dev.sigstore.rekor.v1`,
 * protocol reference §1.4) as a signer writes it into a bundle, its
 * conversion to the typed form the verifier uses, and the check that a new
 * entry verifies before the signer hands it out (§4.6 "Verify the new
 * entry", client spec "Transparency log entry").
 *
 * @module
 */

import type { DsseEnvelope, MessageSignature, TransparencyLogEntry } from "../bundle/mod.ts";
import { preAuthEncoding } from "../bundle/mod.ts";
import { digest } from "../crypto/mod.ts";
import {
  encodeBase64,
  jsonPath,
  JsonShapeError,
  readArray,
  readBytes,
  readObject,
  readString,
  readUint64,
} from "../encoding/mod.ts";
import { prefixError, SigstoreError, VerificationError } from "../errors/mod.ts";
import type { TlogEntryContext, TlogEntryVerification } from "../tlog/mod.ts";
import { verifyTlogEntry } from "../tlog/mod.ts";
import type { TransparencyLogInstance } from "../trust/mod.ts";

/** `inclusionProof` of {@linkcode TransparencyLogEntryJson}. */
export interface InclusionProofJson {
  /** int64 string; for Rekor v1 the index inside the shard tree. */
  readonly logIndex: string;
  /** Standard base64 of the 32-byte root hash. */
  readonly rootHash: string;
  /** int64 string. */
  readonly treeSize: string;
  /** Standard base64 of each audit-path hash, leaf to root. */
  readonly hashes: readonly string[];
  /** The signed note (checkpoint) the proof leads to. */
  readonly checkpoint: { readonly envelope: string };
}

/**
 * A transparency log entry in proto-JSON form, ready to be placed in a
 * bundle's `verificationMaterial.tlogEntries`. Fields at their protobuf
 * default (an `integratedTime` of 0, a missing promise) are omitted.
 */
export interface TransparencyLogEntryJson {
  /** int64 string: the entry's (global, for Rekor v1) index. */
  readonly logIndex: string;
  /** Standard base64 of the log ID. */
  readonly logId: { readonly keyId: string };
  /** Entry kind and API version, e.g. `hashedrekord` / `0.0.1`. */
  readonly kindVersion: { readonly kind: string; readonly version: string };
  /** int64 string of Unix seconds; absent on Rekor v2. */
  readonly integratedTime?: string;
  /** The signed entry timestamp (Rekor v1). */
  readonly inclusionPromise?: { readonly signedEntryTimestamp: string };
  /** The Merkle inclusion proof with its checkpoint. */
  readonly inclusionProof: InclusionProofJson;
  /** Standard base64 of the exact bytes the log stored. */
  readonly canonicalizedBody: string;
}

/**
 * What to log: a message signature over an artifact digest, or a DSSE
 * envelope, each with the signer's leaf certificate (DER).
 */
export type RekorEntryRequest =
  | {
    readonly kind: "hashedrekord";
    /** SHA-256 of the artifact (32 bytes). */
    readonly artifactDigest: Uint8Array;
    /** The DER ECDSA signature over the artifact. */
    readonly signature: Uint8Array;
    /** The signer's leaf certificate, DER. */
    readonly certificateDer: Uint8Array;
  }
  | {
    readonly kind: "dsse";
    /** The envelope with its single signature. */
    readonly envelope: {
      readonly payload: Uint8Array;
      readonly payloadType: string;
      readonly signature: Uint8Array;
    };
    /** The signer's leaf certificate, DER. */
    readonly certificateDer: Uint8Array;
  };

/** Options shared by the Rekor entry creators. */
export interface CreateRekorEntryOptions {
  /**
   * The trust root's `tlogs`. The new entry must verify against one of them
   * (log key, body, SET, checkpoint, inclusion proof) before it is returned.
   */
  readonly tlogs: readonly TransparencyLogInstance[];
  /** Verified signing times (RFC 3161) at which the log key must be valid, for entries without a SET. */
  readonly verifiedTimes?: readonly Date[];
  /** Per-attempt timeout in milliseconds. */
  readonly timeoutMs?: number;
}

/** Checks the request's type and shape; throws `TypeError`/`RangeError` on misuse. */
export function checkEntryRequest(request: RekorEntryRequest, fn: string): void {
  if (typeof request !== "object" || request === null) {
    throw new TypeError(`${fn}() expects a request object`);
  }
  if (!(request.certificateDer instanceof Uint8Array) || request.certificateDer.length === 0) {
    throw new TypeError(`${fn}() expects the leaf certificate DER as a non-empty Uint8Array`);
  }
  switch (request.kind) {
    case "hashedrekord":
      if (!(request.artifactDigest instanceof Uint8Array) || !(request.signature instanceof Uint8Array)) {
        throw new TypeError(`${fn}() expects the artifact digest and signature as Uint8Arrays`);
      }
      if (request.artifactDigest.length !== 32) {
        throw new RangeError(
          `${fn}() expects a 32-byte SHA-256 artifact digest, got ${request.artifactDigest.length} bytes`,
        );
      }
      if (request.signature.length === 0) throw new RangeError(`${fn}() expects a non-empty signature`);
      return;
    case "dsse": {
      const e = request.envelope;
      if (
        typeof e !== "object" || e === null || !(e.payload instanceof Uint8Array) ||
        !(e.signature instanceof Uint8Array) || typeof e.payloadType !== "string"
      ) {
        throw new TypeError(`${fn}() expects an envelope with payload, payloadType and signature`);
      }
      if (e.signature.length === 0) throw new RangeError(`${fn}() expects a non-empty signature`);
      return;
    }
    default:
      throw new TypeError(`${fn}() expects a request of kind "hashedrekord" or "dsse"`);
  }
}

/** The SHA-256 digest a hashedrekord entry records: the artifact's, or the DSSE PAE's. */
export function requestDigest(request: RekorEntryRequest): Uint8Array {
  return request.kind === "hashedrekord"
    ? request.artifactDigest
    : digest("sha256", preAuthEncoding(request.envelope.payloadType, request.envelope.payload));
}

/** The signature a request logs. */
export function requestSignature(request: RekorEntryRequest): Uint8Array {
  return request.kind === "hashedrekord" ? request.signature : request.envelope.signature;
}

/** The bundle content and signer a request corresponds to, for {@linkcode verifyTlogEntry}. */
export function contextForRequest(
  request: RekorEntryRequest,
  options: CreateRekorEntryOptions,
): TlogEntryContext {
  const content: MessageSignature | DsseEnvelope = request.kind === "hashedrekord"
    ? {
      kind: "messageSignature",
      messageDigest: { algorithm: "SHA2_256", digest: request.artifactDigest },
      signature: request.signature,
    }
    : {
      kind: "dsseEnvelope",
      payload: request.envelope.payload,
      payloadType: request.envelope.payloadType,
      signature: request.envelope.signature,
      keyid: "",
    };
  return {
    tlogs: options.tlogs,
    content,
    signer: request.certificateDer,
    artifactDigests: request.kind === "hashedrekord" ? { sha256: request.artifactDigest } : undefined,
    verifiedTimes: options.verifiedTimes,
  };
}

function optional(v: unknown): boolean {
  return v === undefined || v === null;
}

/**
 * Reads a proto-JSON `TransparencyLogEntry` into its typed form, requiring
 * what a v0.3 bundle needs: an inclusion proof with a checkpoint and the
 * canonicalized body. Throws {@linkcode JsonShapeError} naming the field.
 */
export function readTlogEntryJson(value: unknown, path: string): TransparencyLogEntry {
  const e = readObject(value, path);
  const kv = readObject(e.kindVersion, jsonPath(path, "kindVersion"));
  const logId = readObject(e.logId, jsonPath(path, "logId"));
  const promise = optional(e.inclusionPromise) ? undefined : readBytes(
    readObject(e.inclusionPromise, jsonPath(path, "inclusionPromise")).signedEntryTimestamp,
    jsonPath(path, "inclusionPromise.signedEntryTimestamp"),
  );
  const proofPath = jsonPath(path, "inclusionProof");
  const p = readObject(e.inclusionProof, proofPath);
  const checkpoint = readString(
    readObject(p.checkpoint, jsonPath(proofPath, "checkpoint")).envelope,
    `${proofPath}.checkpoint.envelope`,
  );
  const hashesPath = jsonPath(proofPath, "hashes");
  const rootHash = readBytes(p.rootHash, jsonPath(proofPath, "rootHash"));
  if (rootHash.length !== 32) throw new JsonShapeError(jsonPath(proofPath, "rootHash"), "must be 32 bytes");
  return {
    logIndex: readUint64(e.logIndex, jsonPath(path, "logIndex")),
    logId: readBytes(logId.keyId, jsonPath(path, "logId.keyId")),
    kind: readString(kv.kind, jsonPath(path, "kindVersion.kind")),
    kindVersion: readString(kv.version, jsonPath(path, "kindVersion.version")),
    integratedTime: readUint64(e.integratedTime, jsonPath(path, "integratedTime")),
    signedEntryTimestamp: promise,
    inclusionProof: {
      logIndex: readUint64(p.logIndex, jsonPath(proofPath, "logIndex")),
      rootHash,
      treeSize: readUint64(p.treeSize, jsonPath(proofPath, "treeSize")),
      hashes: readArray(p.hashes, hashesPath, true).map((h, i) => readBytes(h, jsonPath(hashesPath, i))),
      checkpoint,
    },
    canonicalizedBody: readBytes(e.canonicalizedBody, jsonPath(path, "canonicalizedBody")),
  };
}

/** Writes a typed entry (which must have an inclusion proof with a checkpoint) as proto JSON. */
export function encodeTlogEntryJson(entry: TransparencyLogEntry): TransparencyLogEntryJson {
  const proof = entry.inclusionProof;
  if (proof === undefined || proof.checkpoint === undefined) {
    throw new TypeError("encodeTlogEntryJson() needs an entry with an inclusion proof and checkpoint");
  }
  return {
    logIndex: entry.logIndex.toString(),
    logId: { keyId: encodeBase64(entry.logId) },
    kindVersion: { kind: entry.kind, version: entry.kindVersion },
    ...(entry.integratedTime === 0n ? {} : { integratedTime: entry.integratedTime.toString() }),
    ...(entry.signedEntryTimestamp === undefined
      ? {}
      : { inclusionPromise: { signedEntryTimestamp: encodeBase64(entry.signedEntryTimestamp) } }),
    inclusionProof: {
      logIndex: proof.logIndex.toString(),
      rootHash: encodeBase64(proof.rootHash),
      treeSize: proof.treeSize.toString(),
      hashes: proof.hashes.map(encodeBase64),
      checkpoint: { envelope: proof.checkpoint },
    },
    canonicalizedBody: encodeBase64(entry.canonicalizedBody),
  };
}

/**
 * Verifies a transparency log entry in proto-JSON form, as returned by
 * `createRekorV1Entry` or `createRekorV2Entry`, with `verifyTlogEntry`.
 *
 * @param entry The entry as it will be written into the bundle.
 * @param context Trusted logs, the bundle's content, the signer and the
 *   verified times, as for `verifyTlogEntry`.
 * @returns What `verifyTlogEntry` established.
 * @throws {VerificationError} `BUNDLE_INVALID` when the JSON is not a
 *   complete entry, or the code of the failed tlog step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyNewEntry } from "./rekor_v1.ts";
 * import type { TransparencyLogEntryJson } from "./rekor_v1.ts";
 *
 * const content = { kind: "messageSignature", messageDigest: undefined, signature: new Uint8Array(1) } as const;
 * await assert.rejects(
 *   verifyNewEntry({} as TransparencyLogEntryJson, { tlogs: [], content, signer: new Uint8Array(1) }),
 *   { name: "VerificationError", code: "BUNDLE_INVALID" },
 * );
 * ```
 */
export async function verifyNewEntry(
  entry: TransparencyLogEntryJson,
  context: TlogEntryContext,
): Promise<TlogEntryVerification> {
  let typed: TransparencyLogEntry;
  try {
    typed = readTlogEntryJson(entry, "tlogEntry");
  } catch (e) {
    if (!(e instanceof JsonShapeError)) throw e;
    throw new VerificationError("BUNDLE_INVALID", `Cannot read the log entry: ${e.message}`, { cause: e });
  }
  return await verifyTlogEntry(typed, context);
}

/** Verifies a just-created entry for `request`, prefixing failures with the log's name. */
export async function verifyCreatedEntry(
  entry: TransparencyLogEntry,
  request: RekorEntryRequest,
  options: CreateRekorEntryOptions,
  service: string,
): Promise<void> {
  try {
    await verifyTlogEntry(entry, contextForRequest(request, options));
  } catch (e) {
    if (e instanceof SigstoreError) {
      throw prefixError(e, `Cannot verify the entry ${service} created: `);
    }
    throw e;
  }
}

/** Checks that a Rekor base URL is an http(s) URL and drops trailing slashes; `TypeError` on misuse. */
export function trimBaseUrl(baseUrl: string): string {
  if (typeof baseUrl !== "string") throw new TypeError("Rekor base URL must be a string");
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`Rekor base URL "${baseUrl}" is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`Rekor base URL "${baseUrl}" is not an http(s) URL`);
  }
  return baseUrl.replace(/\/+$/, "");
}
