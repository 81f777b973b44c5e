/**
 * The verifier: runs every check on a parsed bundle in the order of the
 * Sigstore client specification, and returns a plain result or throws the
 * typed error of the first failed step.
 *
 * Order: signer → RFC 3161 timestamps → transparency log entries → at least
 * one verified time → certificate path at every verified time → SCTs →
 * artifact binding and signature → identity policy.
 *
 * @module
 */

import type { Bundle } from "../bundle/mod.ts";
import { encodeBase64, encodeHex } from "../encoding/mod.ts";
import { VerificationError } from "../errors/mod.ts";
import { certificateIdentities, certificateIssuer, verifyIdentityPolicy } from "../policy/mod.ts";
import { verifyRfc3161Timestamp } from "../timestamp/mod.ts";
import { verifyTlogEntry } from "../tlog/mod.ts";
import { type Certificate, FULCIO_OID, isCertificateValidAt, readFulcioExtension } from "../x509/mod.ts";
import { artifactDigests, verifyDsse, verifyMessageDigest, verifyMessageSignature } from "./artifact.ts";
import { resolveSigner } from "./signer.ts";
import { verifySigningCertificate } from "./signing_certificate.ts";
import type { ArtifactInput, VerificationResult, VerifiedTime, VerifyOptions } from "./types.ts";

/** Seconds a log time may lie ahead of `now` (clock skew). */
const FUTURE_SKEW_MS = 60_000;

/**
 * Verifies a bundle for an artifact against a trust root and a signer policy.
 * Throws `VerificationError`, `PolicyError` or `ParseError` naming the step.
 */
export async function verifyBundle(
  bundle: Bundle,
  artifact: ArtifactInput,
  options: VerifyOptions,
): Promise<VerificationResult> {
  const root = options.trustedRoot;
  const signer = resolveSigner(bundle, options.signer);
  const signedBytes = bundle.content.signature;

  // Timestamps: every RFC 3161 timestamp must verify against a trusted TSA.
  const verifiedTimes: { time: Date; by: string; source: VerifiedTime["source"] }[] = [];
  if (bundle.rfc3161Timestamps.length > 0 && root.timestampAuthorities.length === 0) {
    throw new VerificationError(
      "TIMESTAMP_UNTRUSTED",
      "Bundle has RFC 3161 timestamps but the trusted root lists no timestamp authority",
    );
  }
  const seenTimestamps = new Set<string>();
  const seenAuthorities = new Set<unknown>();
  for (const ts of bundle.rfc3161Timestamps) {
    const key = encodeBase64(ts);
    if (seenTimestamps.has(key)) {
      throw new VerificationError("TIMESTAMP", "Bundle repeats the same RFC 3161 timestamp");
    }
    seenTimestamps.add(key);
    const { time, authority } = await verifyRfc3161Timestamp(ts, signedBytes, root.timestampAuthorities);
    if (seenAuthorities.has(authority)) continue; // one time per TSA
    seenAuthorities.add(authority);
    verifiedTimes.push({ time, by: authority.uri, source: "timestamp-authority" });
  }

  // Transparency log: every entry must verify; at least one is required.
  if (bundle.tlogEntries.length === 0) {
    throw new VerificationError("TLOG_MISSING", "Bundle has no transparency log entry");
  }
  if (verifiedTimes.length === 0 && bundle.tlogEntries.every((e) => e.signedEntryTimestamp === undefined)) {
    throw new VerificationError(
      "TIME_MISSING",
      "Bundle has no source of a signing time: no RFC 3161 timestamp and no signed entry timestamp (Rekor v2 bundles need a timestamp)",
    );
  }
  const digests = artifactDigests(artifact);
  const seenEntries = new Set<string>();
  const tlogResults: VerificationResult["tlogEntries"][number][] = [];
  const tsaTimes = verifiedTimes.map((t) => t.time);
  const seenLogs = new Set<string>();
  for (const entry of bundle.tlogEntries) {
    const id = `${encodeBase64(entry.logId)}/${entry.logIndex}`;
    if (seenEntries.has(id)) {
      throw new VerificationError("BUNDLE_INVALID", `Bundle repeats the log entry ${id}`);
    }
    seenEntries.add(id);
    const result = await verifyTlogEntry(entry, {
      tlogs: root.tlogs,
      content: bundle.content,
      signer: signer.der,
      artifactDigests: digests,
      verifiedTimes: tsaTimes,
    });
    if (result.integratedTime !== undefined) {
      if (
        options.now !== undefined && result.integratedTime.getTime() > options.now.getTime() + FUTURE_SKEW_MS
      ) {
        throw new VerificationError(
          "TLOG_INTEGRATED_TIME",
          `Log entry integrated time ${result.integratedTime.toISOString()} is in the future`,
        );
      }
      if (!seenLogs.has(result.log.baseUrl)) {
        seenLogs.add(result.log.baseUrl);
        verifiedTimes.push({ time: result.integratedTime, by: result.log.baseUrl, source: "tlog" });
      }
    }
    tlogResults.push({
      logIndex: entry.logIndex.toString(),
      log: result.log.baseUrl,
      kind: entry.kind,
      version: entry.kindVersion,
    });
  }

  // Signing time: at least one verified time (client spec: threshold 1).
  if (verifiedTimes.length === 0) {
    throw new VerificationError(
      "TIME_MISSING",
      "Bundle has no verified signing time: it needs a signed entry timestamp from the log or an RFC 3161 timestamp",
    );
  }

  let signerResult: VerificationResult["signer"] = { kind: "key" };
  if (signer.kind === "certificate") {
    await verifySigningCertificate(
      signer.leaf,
      verifiedTimes.map((t) => t.time),
      root,
      options.ctLogThreshold ?? 1,
    );
    // An unverified integrated time must still fall in the certificate's lifetime (sigstore-go).
    for (const entry of bundle.tlogEntries) {
      const t = new Date(Number(entry.integratedTime) * 1000);
      if (entry.integratedTime !== 0n && !isCertificateValidAt(signer.leaf, t)) {
        throw new VerificationError(
          "CERT_VALIDITY",
          `Log entry integrated time ${t.toISOString()} is outside the signing certificate's validity`,
        );
      }
    }
    signerResult = describeCertificate(signer.leaf);
  }

  // The artifact and the signature.
  let content: VerificationResult["content"];
  const [digestAlgorithm, digestValue] = [...digests][0] ?? [];
  if (digestAlgorithm === undefined || digestValue === undefined) {
    throw new VerificationError("ARTIFACT_DIGEST", "No digest of the artifact was given");
  }
  const artifactId = `${digestAlgorithm}:${encodeHex(digestValue)}`;
  if (bundle.content.kind === "messageSignature") {
    verifyMessageDigest(bundle.content, artifact);
    await verifyMessageSignature(bundle.content, signer.key, artifact);
    content = { kind: "messageSignature", artifactDigest: artifactId };
  } else {
    const dsse = await verifyDsse(bundle.content, signer.key, artifact);
    content = {
      kind: "dsseEnvelope",
      payloadType: bundle.content.payloadType,
      predicateType: dsse.predicateType,
      artifactDigest: artifactId,
    };
  }

  // Who signed.
  if (signer.kind === "certificate" && options.signer.kind === "identity") {
    verifyIdentityPolicy(signer.leaf, options.signer.policy);
  }

  return {
    mediaType: bundle.mediaType,
    signer: signerResult,
    content,
    verifiedTimes: verifiedTimes.map((t) => ({ source: t.source, time: t.time.toISOString(), by: t.by })),
    tlogEntries: tlogResults,
  };
}

const DESCRIBED_EXTENSIONS: Record<string, string> = {
  [FULCIO_OID.githubWorkflowTrigger]: "githubWorkflowTrigger",
  [FULCIO_OID.githubWorkflowSha]: "githubWorkflowSha",
  [FULCIO_OID.githubWorkflowName]: "githubWorkflowName",
  [FULCIO_OID.githubWorkflowRepository]: "githubWorkflowRepository",
  [FULCIO_OID.githubWorkflowRef]: "githubWorkflowRef",
  [FULCIO_OID.buildSignerUri]: "buildSignerUri",
  [FULCIO_OID.buildSignerDigest]: "buildSignerDigest",
  [FULCIO_OID.runnerEnvironment]: "runnerEnvironment",
  [FULCIO_OID.sourceRepositoryUri]: "sourceRepositoryUri",
  [FULCIO_OID.sourceRepositoryDigest]: "sourceRepositoryDigest",
  [FULCIO_OID.sourceRepositoryRef]: "sourceRepositoryRef",
  [FULCIO_OID.buildConfigUri]: "buildConfigUri",
  [FULCIO_OID.buildTrigger]: "buildTrigger",
  [FULCIO_OID.runInvocationUri]: "runInvocationUri",
};

function describeCertificate(leaf: Certificate): VerificationResult["signer"] {
  const extensions: Record<string, string> = {};
  for (const [oid, name] of Object.entries(DESCRIBED_EXTENSIONS)) {
    const v = readFulcioExtension(leaf, oid);
    if (v !== undefined) extensions[name] = v;
  }
  return {
    kind: "certificate",
    identities: certificateIdentities(leaf),
    issuer: certificateIssuer(leaf),
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    extensions,
  };
}
