/**
 * `plumbing fix-bundle`, as in the reference client: completes an old
 * bundle with what it lacks — the inclusion proof and checkpoint of a
 * Rekor v1 entry that has only a signed entry timestamp (v0.1 bundles,
 * and those old clients wrote without a checkpoint) — fetched by log index
 * from the instance's Rekor; with `--upgrade-version` rewrites it as a v0.3
 * bundle (the leaf certificate only). The result is verified before it is
 * printed or written: every log entry (SET, checkpoint, inclusion proof,
 * body), timestamps, the certificate chain and SCTs, and the signature over
 * the digest the bundle records, with the bundle's own certificate identity
 * as the policy (fix-bundle has no artifact and no expected identity: that
 * is `verify`'s job). `--in-place` replaces the file atomically.
 *
 * @module
 */

import { IN_TOTO_PAYLOAD_TYPE, parseStatement } from "../attest/mod.ts";
import { type Bundle, BUNDLE_V03_MEDIA_TYPE, parseBundle } from "../bundle/mod.ts";
import type { HashAlgorithm } from "../crypto/mod.ts";
import { bytesEqual, decodeBase64, decodeHex } from "../encoding/mod.ts";
import { ConfigError, ParseError, SigstoreError, VerificationError } from "../errors/mod.ts";
import { createHttpClient } from "../net/mod.ts";
import { certificateIdentities, certificateIssuer } from "../policy/mod.ts";
import { getRekorV1EntryByIndex } from "../sign/mod.ts";
import type { TrustedRoot } from "../trust/mod.ts";
import { type ArtifactInput, verifyBundle } from "../verify/mod.ts";
import { parseCertificate } from "../x509/mod.ts";
import type { Invocation } from "./command_spec.ts";
import { readDocument } from "./files.ts";
import { EXIT, UsageError } from "./io.ts";
import { writeFilesAtomically } from "./outputs.ts";
import { oneLine, quote } from "./safe_text.ts";
import {
  checkRekorSource,
  type SelectedTrust,
  selectRekorV1Urls,
  selectTrust,
  type TrustFlags,
} from "./trust_selection.ts";

type Json = Record<string, unknown>;

const PROTO_HASHES: Readonly<Record<string, HashAlgorithm>> = {
  SHA2_256: "sha256",
  SHA2_384: "sha384",
  SHA2_512: "sha512",
};

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True when a proto-JSON log entry lacks its inclusion proof or the proof's checkpoint. */
function lacksProof(entry: Json): boolean {
  const proof = entry.inclusionProof;
  if (!isObject(proof)) return true;
  const checkpoint = proof.checkpoint;
  return !isObject(checkpoint) || typeof checkpoint.envelope !== "string" || checkpoint.envelope === "";
}

function bad(problem: string): never {
  throw new ParseError("BUNDLE_PARSE", `Cannot fix the bundle: ${problem}`);
}

/** Fetches the complete entry for `entry` from the first Rekor that has it, and checks it is the same entry. */
async function completeEntry(
  entry: Json,
  index: number,
  urls: readonly string[],
  http: ReturnType<typeof createHttpClient>,
): Promise<Json> {
  const where = `tlogEntries[${index}]`;
  const logIndexText = typeof entry.logIndex === "string" || typeof entry.logIndex === "number"
    ? String(entry.logIndex)
    : "";
  if (!/^\d{1,19}$/.test(logIndexText)) bad(`${where}.logIndex is not a log index`);
  const logIndex = BigInt(logIndexText);
  const body = typeof entry.canonicalizedBody === "string"
    ? decodeBase64(entry.canonicalizedBody)
    : undefined;
  if (body === undefined) bad(`${where} has no canonicalizedBody`);
  for (const url of urls) {
    const fetched = await getRekorV1EntryByIndex(http, url, logIndex);
    if (fetched === undefined) continue;
    if (!bytesEqual(decodeBase64(fetched.canonicalizedBody)!, body)) {
      throw new VerificationError(
        "TLOG_BODY_MISMATCH",
        `Rekor (${url}) has a different entry at log index ${logIndex} than the bundle's ${where}`,
      );
    }
    return fetched as unknown as Json;
  }
  throw new VerificationError(
    "TLOG_MISSING",
    `No Rekor (${urls.join(", ")}) has the entry at log index ${logIndex}`,
  );
}

/** Rewrites a bundle's JSON as v0.3: the media type, and the chain reduced to its leaf. */
function upgradeToV03(json: Json): Json {
  const material = json.verificationMaterial as Json;
  const { x509CertificateChain, ...rest } = material;
  let upgraded: Json = rest;
  if (x509CertificateChain !== undefined) {
    const first = isObject(x509CertificateChain) && Array.isArray(x509CertificateChain.certificates)
      ? x509CertificateChain.certificates[0]
      : undefined;
    if (!isObject(first)) bad("verificationMaterial.x509CertificateChain has no certificate");
    upgraded = { certificate: first, ...rest };
  }
  return { ...json, mediaType: BUNDLE_V03_MEDIA_TYPE, verificationMaterial: upgraded };
}

/** What the bundle says was signed, as an artifact digest: the message digest, or the in-toto subject's. */
function recordedArtifact(bundle: Bundle): ArtifactInput {
  const content = bundle.content;
  if (content.kind === "messageSignature") {
    const hint = content.messageDigest;
    const algorithm = hint && PROTO_HASHES[hint.algorithm];
    if (hint === undefined || algorithm === undefined) {
      bad("its message signature records no sha256/384/512 digest, so the result cannot be verified");
    }
    return { kind: "digest", digests: new Map([[algorithm, hint.digest]]) };
  }
  if (content.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return { kind: "bytes", bytes: content.payload }; // checked as the payload itself
  }
  const digests = new Map<HashAlgorithm, Uint8Array>();
  const subject = parseStatement(content.payload).subjects[0];
  for (const algorithm of ["sha256", "sha384", "sha512"] as const) {
    const hex = subject?.digest[algorithm];
    const bytes = hex === undefined ? undefined : decodeHex(hex);
    if (bytes !== undefined) digests.set(algorithm, bytes);
  }
  if (digests.size === 0) bad("its in-toto statement has no subject with a sha256/384/512 digest");
  return { kind: "digest", digests };
}

/** Verifies the fixed bundle against the trust root, with its own certificate's identity as the policy. */
async function verifyFixed(bundle: Bundle, trustedRoot: TrustedRoot, now: Date): Promise<void> {
  const v = bundle.verificationContent;
  if (v.kind === "publicKey") {
    throw new ConfigError(
      "CONFIG",
      "Cannot fix a bundle signed with a managed key: without the key it cannot be verified",
    );
  }
  const leaf = parseCertificate(v.kind === "certificate" ? v.certificate : v.certificates[0]!);
  const identity = certificateIdentities(leaf)[0];
  const issuer = certificateIssuer(leaf);
  if (identity === undefined || issuer === undefined) {
    throw new VerificationError("CERT_PROFILE", "The bundle's certificate names no identity or issuer");
  }
  await verifyBundle(bundle, recordedArtifact(bundle), {
    trustedRoot,
    signer: { kind: "identity", policy: { subject: { exact: identity }, issuer, extensions: [] } },
    now,
  });
}

/** Runs `plumbing fix-bundle`; returns the exit code. */
export async function runFixBundle({ args, io, deps }: Invocation): Promise<number> {
  const flags = args.values as TrustFlags & {
    bundle?: string;
    "upgrade-version"?: boolean;
    "in-place"?: boolean;
  };
  const path = flags.bundle;
  if (path === undefined) throw new UsageError("plumbing fix-bundle needs --bundle FILE");
  const text = readDocument(path, "bundle");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ParseError("BUNDLE_PARSE", `Bundle ${quote(path)} is not valid JSON`);
  }
  if (!isObject(json) || !isObject(json.verificationMaterial)) bad("it has no verificationMaterial object");
  const entries = json.verificationMaterial.tlogEntries;
  if (!Array.isArray(entries) || entries.length === 0) bad("it has no transparency log entries");
  if (!entries.every(isObject)) bad("a transparency log entry is not an object");

  const missing = entries.map((e, i) => [e, i] as const).filter(([e]) => lacksProof(e));
  const notes: string[] = [];
  let fixed: Json = json;
  // The trust (refreshed over TUF unless files name it) is loaded once, after every usage check.
  let trust: SelectedTrust | undefined;
  const selected = async () => (trust ??= await selectTrust(flags, io));
  if (missing.length > 0) {
    checkRekorSource(flags, "plumbing fix-bundle");
    const urls = selectRekorV1Urls(await selected(), "plumbing fix-bundle");
    const http = deps.http ?? createHttpClient();
    const completed = [...entries] as Json[];
    for (const [entry, i] of missing) {
      completed[i] = await completeEntry(entry, i, urls, http);
      notes.push(
        `fetched the inclusion proof and checkpoint of log entry ${oneLine(String(entry.logIndex))}`,
      );
    }
    fixed = { ...json, verificationMaterial: { ...json.verificationMaterial, tlogEntries: completed } };
  }
  if (flags["upgrade-version"] && fixed.mediaType !== BUNDLE_V03_MEDIA_TYPE) {
    fixed = upgradeToV03(fixed);
    notes.push("rewrote it as a v0.3 bundle");
  }
  let bundle: Bundle;
  try {
    bundle = parseBundle(fixed);
  } catch (e) {
    if (!(e instanceof SigstoreError)) throw e;
    throw new ParseError("BUNDLE_PARSE", `Cannot fix the bundle: the result is not valid: ${e.message}`, {
      cause: e,
    });
  }
  await verifyFixed(bundle, (await selected()).trustedRoot, io.now());
  const output = `${JSON.stringify(fixed)}\n`;
  if (flags["in-place"]) {
    if (notes.length > 0) writeFilesAtomically([{ path, contents: output }]);
    io.stderr(
      `${
        notes.length > 0
          ? `Fixed ${oneLine(path)}: ${notes.join("; ")}`
          : `Nothing to fix in ${oneLine(path)}`
      }; verified\n`,
    );
  } else {
    io.stdout(output);
    io.stderr(`${notes.length > 0 ? `Fixed: ${notes.join("; ")}` : "Nothing to fix"}; verified\n`);
  }
  return EXIT.OK;
}
