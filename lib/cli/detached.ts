/**
 * Detached verification, as in the reference client: from a PEM signing
 * certificate, a base64 signature and the artifact, find the Rekor v1 entry
 * that records exactly them in the instance's log, and assemble the bundle
 * that the ordinary verifier then checks in full (log entry, SET, inclusion
 * proof, certificate chain, SCTs, signature, identity). Nothing from the
 * detached files is trusted before that.
 *
 * @module
 */

import { buildBundleJson, type Bundle, parseBundle } from "../bundle/mod.ts";
import { CURVE_HASH, digest, type HashAlgorithm, parsePublicKey } from "../crypto/mod.ts";
import { decodeBase64, decodePem } from "../encoding/mod.ts";
import { ParseError, VerificationError } from "../errors/mod.ts";
import { createHttpClient } from "../net/mod.ts";
import { findRekorV1Entry } from "../sign/mod.ts";
import { type ArtifactInput, verifyMessageSignature } from "../verify/mod.ts";
import { parseCertificate } from "../x509/mod.ts";
import { readDocument } from "./files.ts";
import { type CliIo, UsageError } from "./io.ts";
import { quote } from "./safe_text.ts";
import { selectRekorV1Urls } from "./trust_selection.ts";
import { DETACHED, type Input, type Materials, type VerifyContext } from "./verify_command.ts";

/** Reads a PEM certificate file: exactly one CERTIFICATE block; returns its DER. */
export function readCertificateFile(path: string): Uint8Array {
  const blocks = decodePem(readDocument(path, "certificate"))?.filter((b) => b.label === "CERTIFICATE") ?? [];
  if (blocks.length !== 1) {
    throw new ParseError(
      "CERT_PARSE",
      `Certificate file ${quote(path)} must hold one PEM "CERTIFICATE" block, found ${blocks.length}`,
    );
  }
  return blocks[0]!.der;
}

/** Reads a base64 signature file (surrounding whitespace allowed). */
export function readSignatureFile(path: string): Uint8Array {
  const text = readDocument(path, "signature").trim();
  const signature = text === "" ? undefined : decodeBase64(text);
  if (signature === undefined || signature.length === 0) {
    throw new ParseError("INPUT", `Signature file ${quote(path)} does not hold a base64 signature`);
  }
  return signature;
}

/** Builds the bundle for a detached certificate and signature by finding their entry in Rekor. */
export async function detachedBundle(
  input: Input,
  materials: Extract<Materials, { kind: "detached" }>,
  ctx: VerifyContext,
  readInput: (
    input: Input,
    algorithms: readonly HashAlgorithm[],
    io: CliIo,
    needsBytes: boolean,
  ) => Promise<ArtifactInput>,
): Promise<{ bundle: Bundle; artifact: ArtifactInput }> {
  if (input.kind === "digest" && input.algorithm !== "sha256") {
    throw new UsageError(
      "Detached verification needs a sha256: digest (Rekor records the artifact's sha256)",
    );
  }
  const urls = selectRekorV1Urls(ctx.trust, DETACHED);
  const certificate = readCertificateFile(materials.certificate);
  const signature = readSignatureFile(materials.signature);
  const key = parsePublicKey(parseCertificate(certificate).publicKeyInfo);
  const algorithms: HashAlgorithm[] = ["sha256"];
  if (key.kind === "ecdsa" && CURVE_HASH[key.curve] !== "sha256") algorithms.push(CURVE_HASH[key.curve]);
  const artifact = await readInput(input, algorithms, ctx.io, key.kind !== "ecdsa");
  // Checked here first: Rekor refuses to search for an entry whose signature does not verify.
  await verifyMessageSignature(
    { kind: "messageSignature", messageDigest: undefined, signature },
    key,
    artifact,
  );
  const sha256 = artifact.kind === "bytes"
    ? digest("sha256", artifact.bytes)
    : artifact.digests.get("sha256")!;
  const http = ctx.deps.http ?? createHttpClient();
  const request = {
    kind: "hashedrekord",
    artifactDigest: sha256,
    signature,
    certificateDer: certificate,
  } as const;
  for (const url of urls) {
    const entry = await findRekorV1Entry(http, url, request);
    if (entry === undefined) continue;
    const json = buildBundleJson({
      certificate,
      tlogEntries: [entry],
      rfc3161Timestamps: [],
      content: { kind: "messageSignature", sha256, signature },
    });
    return { bundle: parseBundle(json), artifact };
  }
  throw new VerificationError(
    "TLOG_MISSING",
    `No entry in Rekor (${urls.join(", ")}) records this certificate, signature and artifact`,
  );
}
