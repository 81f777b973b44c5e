/**
 * Entry body ↔ bundle consistency (protocol reference §3.6.5). A log entry
 * only vouches for a bundle when the body it logged names the same
 * signature, the same signer and the same artifact or payload; checking
 * this prevents CVE-2022-36056-style mix-ups, where a valid entry for one
 * signature is attached to another.
 *
 * Supported entry types: `hashedrekord` 0.0.1, `dsse` 0.0.1 and `intoto`
 * 0.0.2 (Rekor v1), and `hashedrekord` 0.0.2 and `dsse` 0.0.2 (Rekor v2).
 * The DER of certificates and keys is compared, never PEM text or
 * re-serialised JSON. `dsse` 0.0.1's `envelopeHash` covers the envelope JSON
 * as submitted and cannot be recomputed, so it is ignored.
 *
 * @module
 */

import type { DsseEnvelope, MessageSignature, TransparencyLogEntry } from "../bundle/mod.ts";
import { preAuthEncoding } from "../bundle/mod.ts";
import { digest, HASH_LENGTH } from "../crypto/mod.ts";
import type { HashAlgorithm } from "../crypto/mod.ts";
import {
  bytesEqual,
  decodeBase64,
  decodeHex,
  decodePem,
  describeBytes,
  JsonShapeError,
  parseJsonText,
  quote,
  readArray,
  readBytes,
  readObject,
  readString,
  utf8Decode,
} from "../encoding/mod.ts";
import { VerificationError } from "../errors/mod.ts";

/** Digests of the artifact the verifier computed, by algorithm (`sha256` at least). */
export type ArtifactDigests =
  | ReadonlyMap<HashAlgorithm, Uint8Array>
  | Readonly<Partial<Record<HashAlgorithm, Uint8Array>>>;

/** What the entry body must agree with: the bundle's content and signer. */
export interface EntryBodyExpectation {
  /** The bundle's message signature or DSSE envelope. */
  readonly content: MessageSignature | DsseEnvelope;
  /**
   * The signer's identity as DER: the leaf certificate, or the
   * SubjectPublicKeyInfo for bundles signed with a managed key.
   */
  readonly signer: Uint8Array;
  /** The artifact's digests; required when `content` is a message signature. */
  readonly artifactDigests?: ArtifactDigests | undefined;
}

/** A supported entry type and the Rekor generation that writes it. */
export interface EntryType {
  /** `hashedrekord`, `dsse` or `intoto`. */
  readonly kind: string;
  /** The entry's API version, e.g. `0.0.1`. */
  readonly version: string;
  /** 1 for Rekor v1 types (SET, shard-local proofs); 2 for Rekor v2 types (proof only). */
  readonly rekorVersion: 1 | 2;
}

const ENTRY_TYPES: readonly EntryType[] = [
  { kind: "hashedrekord", version: "0.0.1", rekorVersion: 1 },
  { kind: "dsse", version: "0.0.1", rekorVersion: 1 },
  { kind: "intoto", version: "0.0.2", rekorVersion: 1 },
  { kind: "hashedrekord", version: "0.0.2", rekorVersion: 2 },
  { kind: "dsse", version: "0.0.2", rekorVersion: 2 },
];

/** Rekor v1 body hash names. */
const V1_HASHES: Readonly<Record<string, HashAlgorithm>> = {
  sha256: "sha256",
  sha384: "sha384",
  sha512: "sha512",
};
/** Protobuf `HashAlgorithm` names used by Rekor v2 bodies. */
const V2_HASHES: Readonly<Record<string, HashAlgorithm>> = {
  SHA2_256: "sha256",
  SHA2_384: "sha384",
  SHA2_512: "sha512",
};
/** The externalized prehash of each `PublicKeyDetails` value (§2.3); pure Ed25519 has none. */
const KEY_DETAILS_PREHASH: Readonly<Record<string, HashAlgorithm>> = {
  PKIX_ECDSA_P256_SHA_256: "sha256",
  PKIX_ECDSA_P384_SHA_384: "sha384",
  PKIX_ECDSA_P521_SHA_512: "sha512",
  PKIX_ECDSA_P384_SHA_256: "sha256",
  PKIX_ECDSA_P521_SHA_256: "sha256",
  PKIX_RSA_PKCS1V5: "sha256",
  PKIX_RSA_PSS: "sha256",
  PKIX_RSA_PKCS1V15_2048_SHA256: "sha256",
  PKIX_RSA_PKCS1V15_3072_SHA256: "sha256",
  PKIX_RSA_PKCS1V15_4096_SHA256: "sha256",
  PKIX_RSA_PSS_2048_SHA256: "sha256",
  PKIX_RSA_PSS_3072_SHA256: "sha256",
  PKIX_RSA_PSS_4096_SHA256: "sha256",
  PKIX_ED25519_PH: "sha512",
};

/**
 * Looks up the entry's `kindVersion` among the supported types.
 *
 * @param entry The transparency log entry.
 * @returns The entry type and its Rekor generation.
 * @throws {VerificationError} `TLOG_KIND` for a kind or version this client
 *   does not know (the remedy is to upgrade).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { entryType } from "./body.ts";
 * import type { TransparencyLogEntry } from "../bundle/mod.ts";
 *
 * const entry = { kind: "hashedrekord", kindVersion: "0.0.2" } as TransparencyLogEntry;
 * assert.equal(entryType(entry).rekorVersion, 2);
 * assert.throws(() => entryType({ kind: "rekord", kindVersion: "0.0.1" } as TransparencyLogEntry), {
 *   code: "TLOG_KIND",
 * });
 * ```
 */
export function entryType(entry: TransparencyLogEntry): EntryType {
  const type = ENTRY_TYPES.find((t) => t.kind === entry.kind && t.version === entry.kindVersion);
  if (type === undefined) {
    throw new VerificationError(
      "TLOG_KIND",
      `Unsupported transparency log entry type ${quote(entry.kind)} version ${
        quote(entry.kindVersion)
      }: upgrade sigstore-ts to verify it`,
    );
  }
  return type;
}

function mismatch(message: string): never {
  throw new VerificationError(
    "TLOG_BODY_MISMATCH",
    `Transparency log entry does not match the bundle: ${message}`,
  );
}

/**
 * Checks that an entry's `canonicalizedBody` describes this bundle.
 *
 * For every type: the body is JSON whose `kind`/`apiVersion` equal the
 * entry's `kindVersion`, holds exactly one signature equal to the bundle's,
 * and names the same signer (DER compared). Then, per type:
 * - `hashedrekord` 0.0.1: `data.hash` equals the artifact digest of that
 *   algorithm; `publicKey.content` is base64 of one PEM `CERTIFICATE` or
 *   `PUBLIC KEY`.
 * - `dsse` 0.0.1 / 0.0.2: `payloadHash` equals the hash of the envelope payload.
 * - `intoto` 0.0.2: `payloadHash` equals the hash of the payload, the
 *   double-base64 `sig` decodes to the bundle's signature, and the logged
 *   `payloadType` and `payload`, when present, equal the envelope's.
 * - `hashedrekord` 0.0.2: `data.digest` equals the artifact digest for a
 *   message signature, or `H(PAE(payloadType, payload))` for a DSSE envelope,
 *   with H the prehash of `verifier.keyDetails`.
 *
 * @param entry The transparency log entry.
 * @param expected The bundle content, the signer's DER and the artifact digests.
 * @returns The entry type.
 * @throws {VerificationError} `TLOG_KIND` for an unsupported type;
 *   `TLOG_BODY_MISMATCH` for a malformed body or any difference.
 * @throws {TypeError} When `content` is a message signature and no
 *   `artifactDigests` are given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyEntryBody } from "./body.ts";
 * import type { MessageSignature, TransparencyLogEntry } from "../bundle/mod.ts";
 *
 * const entry = {
 *   kind: "hashedrekord",
 *   kindVersion: "0.0.1",
 *   canonicalizedBody: new TextEncoder().encode("not json"),
 * } as TransparencyLogEntry;
 * const content = { kind: "messageSignature", messageDigest: undefined, signature: new Uint8Array(1) };
 * assert.throws(
 *   () => verifyEntryBody(entry, { content: content as MessageSignature, signer: new Uint8Array(1), artifactDigests: {} }),
 *   { code: "TLOG_BODY_MISMATCH" },
 * );
 * ```
 */
export function verifyEntryBody(entry: TransparencyLogEntry, expected: EntryBodyExpectation): EntryType {
  const type = entryType(entry);
  if (expected.content.kind === "messageSignature" && expected.artifactDigests === undefined) {
    throw new TypeError("verifyEntryBody: artifactDigests are required for a message signature bundle");
  }
  try {
    checkBody(entry, type, expected);
  } catch (e) {
    if (e instanceof JsonShapeError) {
      throw new VerificationError(
        "TLOG_BODY_MISMATCH",
        `Malformed transparency log entry body at ${e.message}`,
        {
          cause: e,
        },
      );
    }
    throw e;
  }
  return type;
}

function checkBody(entry: TransparencyLogEntry, type: EntryType, expected: EntryBodyExpectation): void {
  const text = utf8Decode(entry.canonicalizedBody);
  if (text === undefined) throw new JsonShapeError("", "is not UTF-8");
  const json = parseJsonText(text);
  const body = readObject(json, "");
  const kind = readString(body.kind, "kind");
  const apiVersion = readString(body.apiVersion, "apiVersion");
  if (kind !== type.kind || apiVersion !== type.version) {
    mismatch(
      `body type ${quote(`${kind} ${apiVersion}`)} differs from the entry's kindVersion ${
        quote(`${type.kind} ${type.version}`)
      }`,
    );
  }
  const spec = readObject(body.spec, "spec");
  const key = `${type.kind} ${type.version}`;
  switch (key) {
    case "hashedrekord 0.0.1":
      return checkHashedRekordV001(spec, expected);
    case "dsse 0.0.1":
      return checkDsseV001(spec, expected);
    case "intoto 0.0.2":
      return checkIntotoV002(spec, expected);
    case "hashedrekord 0.0.2":
      return checkHashedRekordV002(spec, expected);
    case "dsse 0.0.2":
      return checkDsseV002(spec, expected);
    default:
      throw new VerificationError(
        "TLOG_KIND",
        `Unsupported transparency log entry type ${quote(key)}`,
      );
  }
}

// --- shared checks ---------------------------------------------------------

function requireMessageSignature(content: MessageSignature | DsseEnvelope, kind: string): MessageSignature {
  if (content.kind !== "messageSignature") mismatch(`a ${kind} entry cannot record a DSSE envelope`);
  return content;
}

function requireDsse(content: MessageSignature | DsseEnvelope, kind: string): DsseEnvelope {
  if (content.kind !== "dsseEnvelope") mismatch(`a ${kind} entry cannot record a message signature`);
  return content;
}

function artifactDigest(
  digests: ArtifactDigests | undefined,
  algorithm: HashAlgorithm,
): Uint8Array | undefined {
  if (digests === undefined) return undefined;
  if (digests instanceof Map) return digests.get(algorithm);
  return (digests as Readonly<Partial<Record<HashAlgorithm, Uint8Array>>>)[algorithm];
}

function checkSignature(logged: Uint8Array, actual: Uint8Array): void {
  if (!bytesEqual(logged, actual)) {
    mismatch(
      `signature differs: expected ${describeBytes(actual, "base64")}, found ${
        describeBytes(logged, "base64")
      }`,
    );
  }
}

function checkSigner(logged: Uint8Array, signer: Uint8Array): void {
  if (!bytesEqual(logged, signer)) {
    mismatch("the logged certificate or public key is not the bundle's signer");
  }
}

function checkDigest(what: string, logged: Uint8Array, actual: Uint8Array): void {
  if (!bytesEqual(logged, actual)) {
    mismatch(`${what} differs: expected ${describeBytes(actual)}, found ${describeBytes(logged)}`);
  }
}

/** Reads base64 of a PEM `CERTIFICATE` or `PUBLIC KEY` block and returns its DER. */
function readPemDer(value: unknown, path: string): Uint8Array {
  const text = utf8Decode(readBytes(value, path));
  const blocks = text === undefined ? undefined : decodePem(text);
  if (blocks === undefined || blocks.length !== 1) {
    throw new JsonShapeError(path, "is not base64 of exactly one PEM block");
  }
  const block = blocks[0]!;
  if (block.label !== "CERTIFICATE" && block.label !== "PUBLIC KEY") {
    throw new JsonShapeError(
      path,
      `holds a PEM ${quote(block.label)} block, not a certificate or public key`,
    );
  }
  return block.der;
}

function readHashAlgorithm(
  value: unknown,
  path: string,
  table: Readonly<Record<string, HashAlgorithm>>,
): HashAlgorithm {
  const name = readString(value, path);
  const algorithm = Object.hasOwn(table, name) ? table[name] : undefined;
  if (algorithm === undefined) {
    throw new JsonShapeError(path, `unsupported hash algorithm ${quote(name)}`);
  }
  return algorithm;
}

function readHexDigest(value: unknown, path: string, algorithm: HashAlgorithm): Uint8Array {
  const bytes = decodeHex(readString(value, path));
  if (bytes === undefined || bytes.length !== HASH_LENGTH[algorithm]) {
    throw new JsonShapeError(path, `is not a hex ${algorithm} digest`);
  }
  return bytes;
}

function readOneSignature(value: unknown, path: string): Record<string, unknown> {
  const list = readArray(value, path);
  if (list.length !== 1) {
    throw new JsonShapeError(path, `must hold exactly one signature, found ${list.length}`);
  }
  return readObject(list[0], `${path}[0]`);
}

/** Reads a Rekor v2 `Verifier`: exactly one of `x509Certificate` and `publicKey`, as DER. */
function readV2Verifier(value: unknown, path: string): { der: Uint8Array; keyDetails: string } {
  const verifier = readObject(value, path);
  const keyDetails = readString(verifier.keyDetails, `${path}.keyDetails`);
  const hasCert = verifier.x509Certificate !== undefined && verifier.x509Certificate !== null;
  const hasKey = verifier.publicKey !== undefined && verifier.publicKey !== null;
  if (hasCert === hasKey) {
    throw new JsonShapeError(path, "must hold exactly one of x509Certificate and publicKey");
  }
  const field = hasCert ? "x509Certificate" : "publicKey";
  const holder = readObject(verifier[field], `${path}.${field}`);
  return { der: readBytes(holder.rawBytes, `${path}.${field}.rawBytes`), keyDetails };
}

// --- Rekor v1 types --------------------------------------------------------

function checkHashedRekordV001(spec: Record<string, unknown>, expected: EntryBodyExpectation): void {
  const content = requireMessageSignature(expected.content, "hashedrekord");
  const hash = readObject(readObject(spec.data, "spec.data").hash, "spec.data.hash");
  const algorithm = readHashAlgorithm(hash.algorithm, "spec.data.hash.algorithm", V1_HASHES);
  const logged = readHexDigest(hash.value, "spec.data.hash.value", algorithm);
  const signature = readObject(spec.signature, "spec.signature");
  const loggedSig = readBytes(signature.content, "spec.signature.content");
  const publicKey = readObject(signature.publicKey, "spec.signature.publicKey");
  const signer = readPemDer(publicKey.content, "spec.signature.publicKey.content");

  checkSignature(loggedSig, content.signature);
  checkSigner(signer, expected.signer);
  const actual = artifactDigest(expected.artifactDigests, algorithm);
  if (actual === undefined) {
    mismatch(`the entry records a ${algorithm} digest, but none of the artifact was computed`);
  }
  checkDigest(`artifact ${algorithm} digest`, logged, actual);
}

function checkDsseV001(spec: Record<string, unknown>, expected: EntryBodyExpectation): void {
  const envelope = requireDsse(expected.content, "dsse");
  const payloadHash = readObject(spec.payloadHash, "spec.payloadHash");
  const algorithm = readHashAlgorithm(payloadHash.algorithm, "spec.payloadHash.algorithm", V1_HASHES);
  const logged = readHexDigest(payloadHash.value, "spec.payloadHash.value", algorithm);
  const sig = readOneSignature(spec.signatures, "spec.signatures");
  const loggedSig = readBytes(sig.signature, "spec.signatures[0].signature");
  const signer = readPemDer(sig.verifier, "spec.signatures[0].verifier");

  checkSignature(loggedSig, envelope.signature);
  checkSigner(signer, expected.signer);
  checkDigest(`payload ${algorithm} hash`, logged, digest(algorithm, envelope.payload));
}

/** intoto 0.0.2 stores `sig` and `payload` base64-encoded twice. */
function readDoubleBase64(value: unknown, path: string): Uint8Array {
  const inner = utf8Decode(readBytes(value, path));
  const bytes = inner === undefined ? undefined : decodeBase64(inner);
  if (bytes === undefined) throw new JsonShapeError(path, "is not base64 of base64");
  return bytes;
}

function checkIntotoV002(spec: Record<string, unknown>, expected: EntryBodyExpectation): void {
  const envelope = requireDsse(expected.content, "intoto");
  const content = readObject(spec.content, "spec.content");
  const payloadHash = readObject(content.payloadHash, "spec.content.payloadHash");
  const algorithm = readHashAlgorithm(payloadHash.algorithm, "spec.content.payloadHash.algorithm", V1_HASHES);
  const logged = readHexDigest(payloadHash.value, "spec.content.payloadHash.value", algorithm);
  const loggedEnvelope = readObject(content.envelope, "spec.content.envelope");
  const sig = readOneSignature(loggedEnvelope.signatures, "spec.content.envelope.signatures");
  const loggedSig = readDoubleBase64(sig.sig, "spec.content.envelope.signatures[0].sig");
  const signer = readPemDer(sig.publicKey, "spec.content.envelope.signatures[0].publicKey");

  checkSignature(loggedSig, envelope.signature);
  checkSigner(signer, expected.signer);
  checkDigest(`payload ${algorithm} hash`, logged, digest(algorithm, envelope.payload));
  // Rekor keeps the envelope's type and (double-encoded) payload; when present they must agree too.
  if (loggedEnvelope.payloadType !== undefined && loggedEnvelope.payloadType !== null) {
    const payloadType = readString(loggedEnvelope.payloadType, "spec.content.envelope.payloadType");
    if (payloadType !== envelope.payloadType) {
      mismatch(
        `payload type differs: expected ${quote(envelope.payloadType)}, found ${quote(payloadType)}`,
      );
    }
  }
  if (loggedEnvelope.payload !== undefined && loggedEnvelope.payload !== null) {
    const payload = readDoubleBase64(loggedEnvelope.payload, "spec.content.envelope.payload");
    if (!bytesEqual(payload, envelope.payload)) mismatch("the logged payload differs from the envelope's");
  }
}

// --- Rekor v2 types --------------------------------------------------------

function checkHashedRekordV002(spec: Record<string, unknown>, expected: EntryBodyExpectation): void {
  const v = readObject(spec.hashedRekordV002, "spec.hashedRekordV002");
  const data = readObject(v.data, "spec.hashedRekordV002.data");
  const algorithm = readHashAlgorithm(data.algorithm, "spec.hashedRekordV002.data.algorithm", V2_HASHES);
  const logged = readBytes(data.digest, "spec.hashedRekordV002.data.digest");
  const signature = readObject(v.signature, "spec.hashedRekordV002.signature");
  const loggedSig = readBytes(signature.content, "spec.hashedRekordV002.signature.content");
  const verifier = readV2Verifier(signature.verifier, "spec.hashedRekordV002.signature.verifier");

  const content = expected.content;
  checkSignature(loggedSig, content.signature);
  checkSigner(verifier.der, expected.signer);
  if (content.kind === "messageSignature") {
    const actual = artifactDigest(expected.artifactDigests, algorithm);
    if (actual === undefined) {
      mismatch(`the entry records a ${algorithm} digest, but none of the artifact was computed`);
    }
    checkDigest(`artifact ${algorithm} digest`, logged, actual);
    return;
  }
  // hashedrekord over DSSE: the digest is H(PAE(payloadType, payload)), H = the key's prehash.
  const prehash = Object.hasOwn(KEY_DETAILS_PREHASH, verifier.keyDetails)
    ? KEY_DETAILS_PREHASH[verifier.keyDetails]
    : undefined;
  if (prehash === undefined) {
    mismatch(`key type ${quote(verifier.keyDetails)} has no prehash for a hashedrekord DSSE entry`);
  }
  if (prehash !== algorithm) {
    mismatch(`digest algorithm ${algorithm} is not the ${prehash} prehash of ${verifier.keyDetails}`);
  }
  checkDigest(
    `${prehash} digest of the DSSE PAE`,
    logged,
    digest(prehash, preAuthEncoding(content.payloadType, content.payload)),
  );
}

function checkDsseV002(spec: Record<string, unknown>, expected: EntryBodyExpectation): void {
  const envelope = requireDsse(expected.content, "dsse");
  const v = readObject(spec.dsseV002, "spec.dsseV002");
  const payloadHash = readObject(v.payloadHash, "spec.dsseV002.payloadHash");
  const algorithm = readHashAlgorithm(
    payloadHash.algorithm,
    "spec.dsseV002.payloadHash.algorithm",
    V2_HASHES,
  );
  const logged = readBytes(payloadHash.digest, "spec.dsseV002.payloadHash.digest");
  const sig = readOneSignature(v.signatures, "spec.dsseV002.signatures");
  const loggedSig = readBytes(sig.content, "spec.dsseV002.signatures[0].content");
  const verifier = readV2Verifier(sig.verifier, "spec.dsseV002.signatures[0].verifier");

  checkSignature(loggedSig, envelope.signature);
  checkSigner(verifier.der, expected.signer);
  checkDigest(`payload ${algorithm} hash`, logged, digest(algorithm, envelope.payload));
}
