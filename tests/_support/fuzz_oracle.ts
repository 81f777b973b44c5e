/**
 * What the fuzzer asserts about a mutant.
 *
 * Every rejection is a `SigstoreError` with a code and a one-line message of
 * bounded length with no control characters (so it cannot forge output
 * lines), given in bounded time. And no mutant verifies if it changed a
 * field covered by a signature or a proof: those are listed below as signed
 * fields; the others (hints, key ids of DSSE signatures, media-type
 * spellings, extra chain certificates, cosignature lines, the certificates
 * a timestamp token embeds, unknown fields) may change without a verdict
 * change. The message digest is a hint, but one that verifies must be the
 * artifact's digest.
 *
 * @module
 */

import { decodeAnyBase64, getPath, type Json, type JsonPath } from "./fuzz_mutate.ts";

/** Longest message accepted from a rejection. */
export const MAX_MESSAGE_LENGTH = 2000;

/** Why a rejection is malformed, or `undefined` when it is a proper one. */
export function badRejection(error: unknown): string | undefined {
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  if (!(error instanceof Error) || typeof e.code !== "string" || !/^[A-Z][A-Z0-9_]*$/.test(e.code)) {
    return `not a SigstoreError with a code: ${String(error).slice(0, 300)}`;
  }
  if (!isSigstoreError(error)) return `${e.name} is not a SigstoreError`;
  const message = error.message;
  if (message.length === 0) return `${e.code}: empty message`;
  if (message.length > MAX_MESSAGE_LENGTH) return `${e.code}: message of ${message.length} characters`;
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f\u2028\u2029]/.test(message)) {
    return `${e.code}: message is not one plain line: ${JSON.stringify(message.slice(0, 300))}`;
  }
  return undefined;
}

function isSigstoreError(error: Error): boolean {
  for (let p = Object.getPrototypeOf(error); p !== null; p = Object.getPrototypeOf(p)) {
    if (p.constructor?.name === "SigstoreError") return true;
  }
  return false;
}

const ANY = -1;
type Pattern = readonly (string | typeof ANY)[];

/**
 * Fields covered by a signature or a proof (`ANY` matches an array index).
 * `integratedTime` and `logIndex` are signed by the SET, so they count only
 * when the entry has one (Rekor v2 entries have none).
 */
const SIGNED: readonly Pattern[] = [
  ["messageSignature", "signature"],
  ["dsseEnvelope", "payload"],
  ["dsseEnvelope", "payloadType"],
  ["dsseEnvelope", "signatures", ANY, "sig"],
  ["verificationMaterial", "certificate", "rawBytes"],
  ["verificationMaterial", "x509CertificateChain", "certificates", 0, "rawBytes"] as unknown as Pattern,
  ["verificationMaterial", "tlogEntries", ANY, "canonicalizedBody"],
  ["verificationMaterial", "tlogEntries", ANY, "logId", "keyId"],
  ["verificationMaterial", "tlogEntries", ANY, "inclusionPromise", "signedEntryTimestamp"],
  ["verificationMaterial", "tlogEntries", ANY, "inclusionProof", "logIndex"],
  ["verificationMaterial", "tlogEntries", ANY, "inclusionProof", "rootHash"],
  ["verificationMaterial", "tlogEntries", ANY, "inclusionProof", "treeSize"],
  ["verificationMaterial", "tlogEntries", ANY, "inclusionProof", "hashes"],
  ["verificationMaterial", "tlogEntries", ANY, "inclusionProof", "checkpoint", "envelope"],
  ["verificationMaterial", "timestampVerificationData", "rfc3161Timestamps", ANY, "signedTimestamp"],
];
const SET_SIGNED: readonly Pattern[] = [
  ["verificationMaterial", "tlogEntries", ANY, "integratedTime"],
  ["verificationMaterial", "tlogEntries", ANY, "logIndex"],
];

function matches(pattern: Pattern, path: JsonPath): boolean {
  return pattern.length === path.length &&
    pattern.every((k, i) => k === ANY ? typeof path[i] === "number" : k === path[i]);
}

/** The signed fields of a bundle and their normalized values (bytes as hex, integers as decimal). */
export function signedFields(bundle: Json): Map<string, string> {
  const out = new Map<string, string>();
  const entries = getPath(bundle, ["verificationMaterial", "tlogEntries"]);
  const candidates: JsonPath[] = [];
  const expand = (pattern: Pattern, at: number, prefix: JsonPath) => {
    if (at === pattern.length) return void candidates.push(prefix);
    const k = pattern[at]!;
    if (k !== ANY) return expand(pattern, at + 1, [...prefix, k]);
    const list = getPath(bundle, prefix);
    if (Array.isArray(list)) list.forEach((_, i) => expand(pattern, at + 1, [...prefix, i]));
  };
  for (const p of SIGNED) expand(p, 0, []);
  if (Array.isArray(entries)) {
    entries.forEach((e, i) => {
      if (getPath(e, ["inclusionPromise", "signedEntryTimestamp"]) === undefined) return;
      for (const p of SET_SIGNED) candidates.push(p.map((k) => (k === ANY ? i : k)) as JsonPath);
    });
  }
  for (const path of candidates) {
    if (!SIGNED.some((p) => matches(p, path)) && !SET_SIGNED.some((p) => matches(p, path))) continue;
    const value = getPath(bundle, path);
    if (value === undefined) continue;
    out.set(JSON.stringify(path), normalize(path, value));
  }
  return out;
}

const INTEGER_KEYS = new Set(["logIndex", "integratedTime", "treeSize"]);

function normalize(path: JsonPath, value: Json): string {
  const key = path[path.length - 1];
  // Protobuf JSON: null is the field's default (the empty list, 0, empty bytes).
  if (key === "hashes" && value === null) return "";
  if (value === null) return INTEGER_KEYS.has(String(key)) ? "int:0" : "bytes:";
  if (key === "hashes" && Array.isArray(value)) {
    return value.map((h) => normalize(["hash"], h)).join(",");
  }
  if (key === "envelope" && typeof value === "string") {
    // A signed note: the text before the blank line is signed; signature lines may vary (cosignatures).
    const end = value.indexOf("\n\n");
    return `note:${end < 0 ? value : value.slice(0, end)}`;
  }
  if (key === "signedTimestamp" && typeof value === "string") {
    const bytes = decodeAnyBase64(value);
    if (bytes !== undefined) return `token:${hex(signedPartsOfToken(bytes))}`;
  }
  if (typeof value === "string") {
    if (/^-?\d+$/.test(value)) return `int:${BigInt(value)}`;
    const bytes = key === "algorithm" || key === "payloadType" ? undefined : decodeAnyBase64(value);
    if (bytes !== undefined) return `bytes:${hex(bytes)}`;
    return `string:${value}`;
  }
  if (typeof value === "number" && Number.isSafeInteger(value)) return `int:${value}`;
  return `json:${JSON.stringify(value)}`;
}

/**
 * The signed fields a mutant changed or added (removals are not counted: a
 * bundle may carry less, and each version's required fields are the
 * parser's business), or an empty list.
 */
export function changedSignedFields(original: Json, mutant: Json): string[] {
  const before = signedFields(original);
  const after = signedFields(mutant);
  const changed: string[] = [];
  for (const [path, value] of after) {
    const old = before.get(path);
    if (old === undefined) {
      // A copy of a field the bundle already has (a repeated timestamp or signature) is not new content.
      if (![...before.values()].includes(value)) changed.push(`added ${path}`);
    } else if (old !== value) changed.push(`changed ${path}`);
  }
  return changed;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The DER elements directly inside `[start, end)`: tag, whole element and content bounds. */
function derElements(
  der: Uint8Array,
  start: number,
  end: number,
): { tag: number; from: number; body: number; to: number }[] {
  const out: { tag: number; from: number; body: number; to: number }[] = [];
  let i = start;
  while (i + 2 <= end) {
    let len = der[i + 1]!;
    let body = i + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4) return [];
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + der[body + k]!;
      body += n;
    }
    if (body + len > end) return [];
    out.push({ tag: der[i]!, from: i, body, to: body + len });
    i = body + len;
  }
  return i === end ? out : [];
}

/**
 * An RFC 3161 token without the parts of its CMS SignedData that nothing
 * signs (`[0] certificates`, `[1] crls`); the whole token when it does not
 * have the expected shape.
 */
function signedPartsOfToken(token: Uint8Array): Uint8Array {
  const [contentInfo] = derElements(token, 0, token.length);
  if (contentInfo === undefined) return token;
  const explicit = derElements(token, contentInfo.body, contentInfo.to)[1];
  if (explicit === undefined) return token;
  const [signedData] = derElements(token, explicit.body, explicit.to);
  if (signedData === undefined) return token;
  const kept = derElements(token, signedData.body, signedData.to).filter((e) =>
    e.tag !== 0xa0 && e.tag !== 0xa1
  );
  return new Uint8Array(kept.flatMap((e) => [...token.slice(e.from, e.to)]));
}

const DIGEST_ALGORITHMS: Record<string, "sha256" | "sha384" | "sha512"> = {
  SHA2_256: "sha256",
  SHA2_384: "sha384",
  SHA2_512: "sha512",
};

/**
 * Why a verified bundle's message digest hint is wrong, or `undefined`:
 * `artifactDigest` gives the artifact's digest for an algorithm, when known.
 */
export function wrongDigestHint(
  bundle: Json,
  artifactDigest: (algorithm: "sha256" | "sha384" | "sha512") => Uint8Array | undefined,
): string | undefined {
  const algorithm = getPath(bundle, ["messageSignature", "messageDigest", "algorithm"]);
  const digest = getPath(bundle, ["messageSignature", "messageDigest", "digest"]);
  if (typeof algorithm !== "string" || typeof digest !== "string") return undefined;
  const name = DIGEST_ALGORITHMS[algorithm];
  const expected = name === undefined ? undefined : artifactDigest(name);
  const given = decodeAnyBase64(digest);
  if (expected === undefined || given === undefined || hex(expected) === hex(given)) return undefined;
  return `verified with a message digest hint that is not the artifact's ${name} digest`;
}
