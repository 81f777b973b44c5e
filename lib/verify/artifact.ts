/**
 * Artifact digests and the checks that bind the bundle's content to the
 * artifact: the message digest hint, the in-toto subject, and the signature.
 *
 * @module
 */

import { IN_TOTO_PAYLOAD_TYPE, parseStatement, verifyStatementSubjectDigests } from "../attest/mod.ts";
import { type Bundle, type DsseEnvelope, type MessageSignature, preAuthEncoding } from "../bundle/mod.ts";
import {
  CURVE_HASH,
  digest,
  HASH_LENGTH,
  type HashAlgorithm,
  type PublicKey,
  verifyPrehashedSignature,
  verifySignature,
} from "../crypto/mod.ts";
import { bytesEqual, describeBytes, encodeHex, quote } from "../encoding/mod.ts";
import { VerificationError } from "../errors/mod.ts";
import type { ArtifactInput, VerificationResult } from "./types.ts";

const PROTO_HASH: Record<string, HashAlgorithm> = {
  SHA2_256: "sha256",
  SHA2_384: "sha384",
  SHA2_512: "sha512",
};

const ALGORITHMS = ["sha256", "sha384", "sha512"] as const;

/**
 * The digests of an artifact's bytes, each computed once and only when first
 * asked for (sha256 at once: every verification reports it). Iterating
 * computes all three, for the in-toto subject check.
 */
class BytesDigests extends Map<HashAlgorithm, Uint8Array> {
  readonly #bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    super();
    this.#bytes = bytes;
    super.set("sha256", digest("sha256", bytes));
  }
  override get(algorithm: HashAlgorithm): Uint8Array | undefined {
    let d = super.get(algorithm);
    if (d === undefined && (ALGORITHMS as readonly string[]).includes(algorithm)) {
      d = digest(algorithm, this.#bytes);
      super.set(algorithm, d);
    }
    return d;
  }
  override has(algorithm: HashAlgorithm): boolean {
    return (ALGORITHMS as readonly string[]).includes(algorithm);
  }
  override get size(): number {
    return ALGORITHMS.length;
  }
  override *entries(): MapIterator<[HashAlgorithm, Uint8Array]> {
    for (const algorithm of ALGORITHMS) yield [algorithm, this.get(algorithm)!];
  }
  override [Symbol.iterator](): MapIterator<[HashAlgorithm, Uint8Array]> {
    return this.entries();
  }
  override *keys(): MapIterator<HashAlgorithm> {
    yield* ALGORITHMS;
  }
  override *values(): MapIterator<Uint8Array> {
    for (const [, d] of this.entries()) yield d;
  }
  override forEach(
    callback: (value: Uint8Array, key: HashAlgorithm, map: Map<HashAlgorithm, Uint8Array>) => void,
  ): void {
    for (const [algorithm, d] of this.entries()) callback(d, algorithm, this);
  }
}

/**
 * The artifact's digests by algorithm: for bytes, each computed once when
 * first needed; for digest input, the given ones, each checked for its length.
 */
export function artifactDigests(artifact: ArtifactInput): ReadonlyMap<HashAlgorithm, Uint8Array> {
  if (artifact.kind === "bytes") return new BytesDigests(artifact.bytes);
  for (const [algorithm, d] of artifact.digests) {
    if (d.length !== HASH_LENGTH[algorithm]) {
      throw new VerificationError(
        "ARTIFACT_DIGEST",
        `Artifact ${algorithm} digest has ${d.length} bytes, expected ${HASH_LENGTH[algorithm]}`,
      );
    }
  }
  return new Map([...ALGORITHMS].flatMap((a) => {
    const d = artifact.digests.get(a);
    return d === undefined ? [] : [[a, d] as const];
  }));
}

/** The digest algorithms a bundle's verification needs from a streamed artifact. */
export function requiredDigestAlgorithms(bundle: Bundle, key: PublicKey | undefined): HashAlgorithm[] {
  const algs = new Set<HashAlgorithm>(["sha256"]);
  if (bundle.content.kind === "dsseEnvelope") algs.add("sha512"); // in-toto subjects may name only sha512
  if (bundle.content.kind === "messageSignature") {
    const hinted = bundle.content.messageDigest && PROTO_HASH[bundle.content.messageDigest.algorithm];
    if (hinted) algs.add(hinted);
    if (key?.kind === "ecdsa") algs.add(CURVE_HASH[key.curve]);
  }
  return [...algs];
}

/** The message digest hint, if present, must equal the artifact's digest. */
export function verifyMessageDigest(
  content: MessageSignature,
  digests: ReadonlyMap<HashAlgorithm, Uint8Array>,
): void {
  const hint = content.messageDigest;
  if (hint === undefined) return;
  const alg = PROTO_HASH[hint.algorithm];
  if (alg === undefined) {
    throw new VerificationError(
      "ARTIFACT_DIGEST",
      `Unsupported message digest algorithm ${quote(hint.algorithm)}`,
    );
  }
  const actual = digests.get(alg);
  if (actual === undefined) return; // checked against the signature instead
  if (!bytesEqual(actual, hint.digest)) {
    throw new VerificationError(
      "ARTIFACT_DIGEST",
      `Artifact digest does not match the bundle: bundle says ${alg}:${
        describeBytes(hint.digest)
      }, artifact is ${alg}:${encodeHex(actual)}`,
    );
  }
}

/** Verifies a message signature over the artifact with the signer's key. */
export async function verifyMessageSignature(
  content: MessageSignature,
  key: PublicKey,
  artifact: ArtifactInput,
  digests: ReadonlyMap<HashAlgorithm, Uint8Array> = artifactDigests(artifact),
): Promise<void> {
  const hashes: HashAlgorithm[] = key.kind === "ecdsa"
    ? (key.curve === "P-256" ? ["sha256"] : [CURVE_HASH[key.curve], "sha256"]) // P-384/521 signed with SHA-256 by old clients
    : ["sha256"];
  for (const hash of hashes) {
    let ok: boolean;
    if (artifact.kind === "bytes") {
      ok = await verifySignature(key, artifact.bytes, content.signature, { hash });
    } else {
      const d = digests.get(hash);
      if (d === undefined) continue;
      if (key.kind !== "ecdsa") {
        throw new VerificationError(
          "SIGNATURE",
          `Cannot verify ${
            key.kind === "rsa" ? "an RSA" : "an Ed25519"
          } signature from a digest alone: pass the artifact file instead`,
        );
      }
      ok = await verifyPrehashedSignature(key, d, content.signature);
    }
    if (ok) return;
  }
  throw new VerificationError(
    "SIGNATURE",
    "Signature over the artifact does not verify with the signer's key",
  );
}

/** What {@linkcode verifyArtifact} checks the content against. */
export interface ArtifactContext {
  /** The signer's key (from the leaf certificate, or the managed key) */
  readonly key: PublicKey;
  /** The artifact's bytes or digests */
  readonly artifact: ArtifactInput;
  /** The artifact's digests, computed once by the caller ({@linkcode artifactDigests}) */
  readonly digests: ReadonlyMap<HashAlgorithm, Uint8Array>;
}

/** Result of the DSSE checks. */
export interface DsseCheck {
  readonly predicateType: string | undefined;
}

/**
 * Verifies the DSSE signature over PAE and binds the artifact: for in-toto
 * payloads the artifact must be a subject; otherwise it must be the payload.
 */
export async function verifyDsse(
  content: DsseEnvelope,
  key: PublicKey,
  digests: ReadonlyMap<HashAlgorithm, Uint8Array>,
): Promise<DsseCheck> {
  const pae = preAuthEncoding(content.payloadType, content.payload);
  const hash: HashAlgorithm = key.kind === "ecdsa" ? CURVE_HASH[key.curve] : "sha256";
  if (!await verifySignature(key, pae, content.signature, { hash })) {
    throw new VerificationError("DSSE", "DSSE envelope signature does not verify with the signer's key");
  }
  if (content.payloadType === IN_TOTO_PAYLOAD_TYPE) {
    const statement = parseStatement(content.payload);
    verifyStatementSubjectDigests(statement, digests);
    return { predicateType: statement.predicateType };
  }
  const sha256 = digests.get("sha256");
  if (sha256 === undefined) {
    throw new VerificationError("ARTIFACT_DIGEST", "Artifact sha256 digest is required");
  }
  if (!bytesEqual(digest("sha256", content.payload), sha256)) {
    throw new VerificationError(
      "ARTIFACT_DIGEST",
      `DSSE payload of type ${quote(content.payloadType)} is not the artifact (sha256 differs)`,
    );
  }
  return { predicateType: undefined };
}

/**
 * The artifact step: binds the bundle's content to the artifact and checks
 * its signature with the signer's key (message digest hint and signature, or
 * DSSE over PAE and the in-toto subject). Returns what the result reports.
 * Throws `VerificationError` (`ARTIFACT_DIGEST`, `SIGNATURE`, `DSSE`, `INTOTO_SUBJECT`).
 */
export async function verifyArtifact(
  content: MessageSignature | DsseEnvelope,
  context: ArtifactContext,
): Promise<VerificationResult["content"]> {
  const { key, artifact, digests } = context;
  const [digestAlgorithm, digestValue] = digests.entries().next().value ?? [];
  if (digestAlgorithm === undefined || digestValue === undefined) {
    throw new VerificationError("ARTIFACT_DIGEST", "No digest of the artifact was given");
  }
  const artifactDigest = `${digestAlgorithm}:${encodeHex(digestValue)}`;
  if (content.kind === "messageSignature") {
    verifyMessageDigest(content, digests);
    await verifyMessageSignature(content, key, artifact, digests);
    return { kind: "messageSignature", artifactDigest };
  }
  const dsse = await verifyDsse(content, key, digests);
  return {
    kind: "dsseEnvelope",
    payloadType: content.payloadType,
    predicateType: dsse.predicateType,
    artifactDigest,
  };
}
