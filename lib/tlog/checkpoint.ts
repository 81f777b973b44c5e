/**
 * Checkpoints: the signed notes (C2SP `signed-note`, `tlog-checkpoint`) in
 * which a log commits to its size and root hash. Implements the Sigstore
 * client spec's checkpoint rules (protocol reference §3.6.3):
 *
 * ```text
 * <origin>\n<tree size>\n<base64 root hash>\n[<extension>\n]*\n
 * — <key name> <base64(4-byte key hint ‖ signature)>\n   (one or more)
 * ```
 *
 * A checkpoint is accepted when at least one signature line is named after
 * the log (`host(baseUrl)`), carries the log key's 4-byte hint, and verifies
 * with the log key over the note body including its final newline. Other
 * lines, such as witness cosignatures, are ignored.
 *
 * Security: names and hints select candidate lines only; acceptance always
 * rests on a signature that verifies with the trusted log key. Names are
 * compared exactly, never by pattern.
 *
 * @module
 */

import { digest, verifySignature } from "../crypto/mod.ts";
import type { PublicKey } from "../crypto/mod.ts";
import { bytesEqual, decodeBase64, encodeHex, quote, utf8Encode } from "../encoding/mod.ts";
import { VerificationError } from "../errors/mod.ts";
import type { TransparencyLogInstance } from "../trust/mod.ts";

/** The em dash and space that start every signature line. */
const SIGNATURE_PREFIX = "\u2014 ";
/** Most signature lines read from one note (as Go's `note` package). */
const MAX_SIGNATURES = 100;
const MAX_INT64 = 2n ** 63n - 1n;

/** What a verified checkpoint commits to. */
export interface Checkpoint {
  /** The log's origin line, e.g. `log2025-1.rekor.sigstore.dev`. */
  readonly origin: string;
  /** Number of leaves in the tree. */
  readonly treeSize: bigint;
  /** The 32-byte Merkle root hash. */
  readonly rootHash: Uint8Array;
}

/** One signature line of a signed note. */
export interface NoteSignature {
  /** The key name after the em dash. */
  readonly name: string;
  /** The first 4 bytes of the decoded value: the signer's key hint. */
  readonly keyHint: Uint8Array;
  /** The rest of the decoded value: the signature (and, for cosignatures, a timestamp). */
  readonly signature: Uint8Array;
}

/** A parsed, not yet verified, checkpoint. */
export interface SignedCheckpoint extends Checkpoint {
  /** Extension lines after the root hash, in order. */
  readonly extensions: readonly string[];
  /** The signed bytes: the note body through its final newline. */
  readonly signedData: Uint8Array;
  /** Every signature line, in order. */
  readonly signatures: readonly NoteSignature[];
}

function fail(message: string): never {
  throw new VerificationError("TLOG_CHECKPOINT", message);
}

/**
 * Parses a checkpoint envelope without verifying it.
 *
 * @param envelope The signed note text (`inclusionProof.checkpoint.envelope`).
 * @returns The origin, size, root hash, extensions, signed bytes and signature lines.
 * @throws {VerificationError} `TLOG_CHECKPOINT` when the note is malformed: not
 *   exactly one blank line, a missing origin, a size that is not a decimal
 *   int64, a root hash that is not base64 of 32 bytes, no signature lines, or
 *   a malformed signature line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCheckpoint } from "./checkpoint.ts";
 *
 * const note = "example.com/log\n5\n" + "A".repeat(43) + "=\n\n\u2014 example.com/log AAAAAAE=\n";
 * const cp = parseCheckpoint(note);
 * assert.equal(cp.origin, "example.com/log");
 * assert.equal(cp.treeSize, 5n);
 * assert.equal(cp.signatures.length, 1);
 * ```
 */
export function parseCheckpoint(envelope: string): SignedCheckpoint {
  const parts = envelope.split("\n\n");
  if (parts.length !== 2) {
    fail(`Cannot parse checkpoint: expected exactly one blank line, found ${parts.length - 1}`);
  }
  const [body, sigBlock] = parts as [string, string];
  const lines = body.split("\n");
  if (lines.length < 3) {
    fail(`Cannot parse checkpoint: expected origin, size and root hash lines, found ${lines.length} line(s)`);
  }
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) fail("Cannot parse checkpoint: the origin line is empty");
  if (!/^(0|[1-9][0-9]{0,18})$/.test(sizeText) || BigInt(sizeText) > MAX_INT64) {
    fail(`Cannot parse checkpoint: tree size ${quote(sizeText)} is not a decimal int64`);
  }
  const rootHash = /^[A-Za-z0-9+/]{43}=$/.test(rootText) ? decodeBase64(rootText) : undefined;
  if (rootHash === undefined || rootHash.length !== 32) {
    fail(`Cannot parse checkpoint: root hash ${quote(rootText)} is not base64 of 32 bytes`);
  }
  if (sigBlock === "") fail("Cannot parse checkpoint: it has no signature lines");
  if (!sigBlock.endsWith("\n")) {
    fail("Cannot parse checkpoint: the signature block does not end with a newline");
  }
  const sigLines = sigBlock.slice(0, -1).split("\n");
  if (sigLines.length > MAX_SIGNATURES) {
    fail(`Cannot parse checkpoint: more than ${MAX_SIGNATURES} signature lines`);
  }
  const signatures = sigLines.map((line, i) => parseSignatureLine(line, i));
  return {
    origin,
    treeSize: BigInt(sizeText),
    rootHash,
    extensions,
    signedData: utf8Encode(`${body}\n`),
    signatures,
  };
}

function parseSignatureLine(line: string, i: number): NoteSignature {
  const where = `signature line ${i + 1}`;
  if (!line.startsWith(SIGNATURE_PREFIX)) {
    fail(`Cannot parse checkpoint: ${where} does not start with "\u2014 "`);
  }
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.lastIndexOf(" ");
  const name = space > 0 ? rest.slice(0, space) : "";
  if (name.length === 0 || /\s/.test(name)) fail(`Cannot parse checkpoint: ${where} has no valid key name`);
  const value = /^[A-Za-z0-9+/]+={0,2}$/.test(rest.slice(space + 1))
    ? decodeBase64(rest.slice(space + 1))
    : undefined;
  if (value === undefined || value.length < 5) {
    fail(
      `Cannot parse checkpoint: ${where} (${quote(name)}) is not base64 of a key hint and signature`,
    );
  }
  return { name, keyHint: value.subarray(0, 4), signature: value.subarray(4) };
}

/**
 * The key name a log signs its checkpoints with: the host (with port, if
 * any) of its base URL, e.g. `rekor.sigstore.dev` for
 * `https://rekor.sigstore.dev`.
 *
 * @param baseUrl The log's `baseUrl` from the trust root.
 * @returns The scheme-less host.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkpointKeyName } from "./checkpoint.ts";
 *
 * assert.equal(checkpointKeyName("https://log2025-1.rekor.sigstore.dev"), "log2025-1.rekor.sigstore.dev");
 * assert.equal(checkpointKeyName("http://localhost:8000"), "localhost:8000");
 * ```
 */
export function checkpointKeyName(baseUrl: string): string {
  try {
    const host = new URL(baseUrl).host;
    if (host !== "") return host;
  } catch {
    // Not an absolute URL: fall through to the scheme-less form.
  }
  return baseUrl.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//, "").split("/")[0] ?? "";
}

/**
 * The C2SP key ID of a log key under a key name. Its first 4 bytes are the
 * hint on the log's checkpoint signature lines (protocol reference §2.2):
 * SHA-256(SPKI) for ECDSA (a Sigstore deviation from C2SP),
 * SHA-256(name ‖ 0x0A ‖ 0x01 ‖ raw key) for Ed25519 and
 * SHA-256(name ‖ 0x0A ‖ 0xFF ‖ "PKIX-RSA-PKCS#1v1.5" ‖ SPKI) for RSA.
 *
 * @param key The log's public key.
 * @param keyName The key name (see {@linkcode checkpointKeyName}).
 * @returns The 32-byte key ID.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePublicKey } from "../crypto/mod.ts";
 * import { decodeBase64, encodeBase64 } from "../encoding/mod.ts";
 * import { checkpointKeyId } from "./checkpoint.ts";
 *
 * // Production Rekor v2 (log2025-1): its trust-root logId.
 * const key = parsePublicKey(decodeBase64("MCowBQYDK2VwAyEAt8rlp1knGwjfbcXAYPYAkn0XiLz1x8O4t0YkEhie244=")!);
 * const id = checkpointKeyId(key, "log2025-1.rekor.sigstore.dev");
 * assert.equal(encodeBase64(id), "zxGZFVvd0FEmjR8WrFwMdcAJ9vtaY/QXf44Y1wUeP6A=");
 * ```
 */
export function checkpointKeyId(key: PublicKey, keyName: string): Uint8Array {
  switch (key.kind) {
    case "ecdsa":
      return digest("sha256", key.spki);
    case "ed25519":
      return digest("sha256", utf8Encode(keyName), new Uint8Array([0x0a, 0x01]), key.raw);
    case "rsa":
      return digest(
        "sha256",
        utf8Encode(keyName),
        new Uint8Array([0x0a, 0xff]),
        utf8Encode("PKIX-RSA-PKCS#1v1.5"),
        key.spki,
      );
    default: {
      const unexpected: never = key;
      throw new TypeError(`Unsupported key kind ${quote(unexpected)}`);
    }
  }
}

/**
 * Verifies a checkpoint against the log that produced it and returns what
 * it commits to.
 *
 * Checks, in order: the note parses ({@linkcode parseCheckpoint}); the
 * origin belongs to the log (equal to `host(baseUrl)`, or for ECDSA-keyed
 * Rekor v1 logs `"<host> - <tree ID>"`); and at least one signature line
 * named `host(baseUrl)` with the log key's hint verifies with the log key
 * (ECDSA with the curve's hash, pure Ed25519, or RSA PKCS#1 v1.5 SHA-256)
 * over the note body including its final newline. Lines with other names or
 * hints (witness cosignatures, unknown keys) are ignored.
 *
 * @param envelope The signed note text (`inclusionProof.checkpoint.envelope`).
 * @param log The trusted log the entry was selected for.
 * @returns The origin, tree size and root hash of the verified checkpoint.
 * @throws {VerificationError} `TLOG_CHECKPOINT` when the note is malformed, the
 *   origin is not the log's, the log key is unusable, or no matching line verifies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyCheckpoint } from "./checkpoint.ts";
 * import type { TransparencyLogInstance } from "../trust/mod.ts";
 *
 * const log = { baseUrl: "https://log.example", publicKey: undefined } as unknown as TransparencyLogInstance;
 * await assert.rejects(verifyCheckpoint("log.example\n1\n", log), { code: "TLOG_CHECKPOINT" });
 * ```
 */
export async function verifyCheckpoint(envelope: string, log: TransparencyLogInstance): Promise<Checkpoint> {
  const note = parseCheckpoint(envelope);
  const keyName = checkpointKeyName(log.baseUrl);
  const key = log.publicKey;
  if (key === undefined) fail(`Cannot verify checkpoint: the key of log ${log.baseUrl} is not usable`);
  // Rekor v2 (and C2SP): origin == key name == host(baseUrl); sigstore-go rejects others.
  // Rekor v1 (ECDSA) uses "<host> - <tree ID>", one origin per shard.
  const originOk = note.origin === keyName ||
    (key.kind === "ecdsa" && note.origin.startsWith(`${keyName} - `));
  if (!originOk) {
    fail(
      `Checkpoint origin does not match the log: expected ${quote(keyName)}, found ${quote(note.origin)}`,
    );
  }
  const hint = checkpointKeyId(key, keyName).subarray(0, 4);
  const candidates = note.signatures.filter((s) => s.name === keyName && bytesEqual(s.keyHint, hint));
  if (candidates.length === 0) {
    fail(`Checkpoint has no signature by ${quote(keyName)} with key hint ${encodeHex(hint)}`);
  }
  for (const candidate of candidates) {
    // ECDSA hashes with the curve's hash (SHA-256 for P-256), Ed25519 is pure, RSA uses SHA-256.
    if (await verifySignature(key, note.signedData, candidate.signature, { trustRootKey: true })) {
      return { origin: note.origin, treeSize: note.treeSize, rootHash: note.rootHash };
    }
  }
  fail(`Checkpoint signature by ${quote(keyName)} does not verify with the log key`);
}
