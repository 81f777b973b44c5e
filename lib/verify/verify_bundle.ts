/**
 * The verifier: runs every check on a parsed bundle in the order of the
 * Sigstore client specification, and returns a plain result or throws the
 * typed error of the first failed step.
 *
 * Order: options → signer → RFC 3161 timestamps → transparency log entries
 * → signing times → certificate path at every verified time and SCTs →
 * artifact binding and signature → identity policy.
 *
 * @module
 */

import type { Bundle } from "../bundle/mod.ts";
import { ConfigError, VerificationError } from "../errors/mod.ts";
import {
  certificateIdentities,
  certificateIssuer,
  validateIdentityPolicy,
  verifyAnyIdentityPolicy,
  verifyIdentityPolicy,
} from "../policy/mod.ts";
import { type Certificate, FULCIO_OID, isCertificateValidAt, readFulcioExtension } from "../x509/mod.ts";
import { artifactDigests, verifyArtifact } from "./artifact.ts";
import { resolveSigner } from "./signer.ts";
import { verifySigningCertificate } from "./signing_certificate.ts";
import { verifySigningTimes } from "./signing_times.ts";
import { verifyTimestamps } from "./timestamps.ts";
import { verifyTlogEntries } from "./tlog_entries.ts";
import type { ArtifactInput, VerificationResult, VerifyOptions } from "./types.ts";

/**
 * Verifies a bundle for an artifact against a trust root and a signer policy.
 * Without `options.now` the current time is used; the future-time check
 * always runs. Throws `VerificationError`, `PolicyError`, `ParseError` or
 * `ConfigError` naming the step.
 */
export async function verifyBundle(
  bundle: Bundle,
  artifact: ArtifactInput,
  options: VerifyOptions,
): Promise<VerificationResult> {
  const now = options.now ?? new Date();
  const ctLogThreshold = options.ctLogThreshold ?? 1;
  validateOptions(options, now, ctLogThreshold);
  const tlogThreshold = options.tlogThreshold ?? 1;
  const timestampThreshold = options.timestampThreshold ?? 0;
  const root = options.trustedRoot;
  const signer = resolveSigner(bundle, options.signer);
  const digests = artifactDigests(artifact);

  // Client spec: establish the signing time from every RFC 3161 timestamp ...
  const timestampTimes = await verifyTimestamps(bundle, root);
  if (timestampTimes.length < timestampThreshold) {
    throw new VerificationError(
      "TIMESTAMP",
      `Bundle has ${timestampTimes.length} verified RFC 3161 timestamp${
        timestampTimes.length === 1 ? "" : "s"
      }; the policy requires ${timestampThreshold}`,
    );
  }
  // ... and every transparency log entry (a verified SET gives a time).
  const tlog = await verifyTlogEntries(bundle, {
    trustedRoot: root,
    signer: signer.der,
    artifactDigests: digests,
    timestampTimes: timestampTimes.map((t) => t.time),
  });
  if (tlog.entries.length < tlogThreshold) {
    throw new VerificationError(
      "TLOG_MISSING",
      `Bundle has ${tlog.entries.length} verified transparency log entr${
        tlog.entries.length === 1 ? "y" : "ies"
      }; the policy requires ${tlogThreshold}`,
    );
  }
  // Every verified time counts and meets every rule: at least one, none in the future.
  const verifiedTimes = [...timestampTimes, ...tlog.times];
  verifySigningTimes(verifiedTimes, now);

  // Client spec: the certificate chains to a trusted Fulcio CA at every verified time, with SCTs.
  let signerResult: VerificationResult["signer"] = { kind: "key" };
  if (signer.kind === "certificate") {
    await verifySigningCertificate(signer.leaf, verifiedTimes.map((t) => t.time), root, ctLogThreshold);
    // An integrated time nothing signed must still fall in the certificate's lifetime (sigstore-go).
    for (const t of tlog.unsignedTimes) {
      if (!isCertificateValidAt(signer.leaf, t)) {
        throw new VerificationError(
          "CERT_VALIDITY",
          `Log entry integrated time ${t.toISOString()} is outside the signing certificate's validity`,
        );
      }
    }
    signerResult = describeCertificate(signer.leaf);
  }

  // Client spec: the signature over the artifact (message signature or DSSE over PAE).
  const content = await verifyArtifact(bundle.content, { key: signer.key, artifact, digests });
  if (options.predicateTypes !== undefined) verifyPredicateType(content, options.predicateTypes);

  // Client spec: who signed.
  if (signer.kind === "certificate" && options.signer.kind === "identity") {
    verifyIdentityPolicy(signer.leaf, options.signer.policy);
  } else if (signer.kind === "certificate" && options.signer.kind === "anyOf") {
    verifyAnyIdentityPolicy(signer.leaf, options.signer.policies);
  }

  return {
    mediaType: bundle.mediaType,
    signer: signerResult,
    content,
    verifiedTimes: verifiedTimes.map((t) => ({ source: t.source, time: t.time.toISOString(), by: t.by })),
    tlogEntries: tlog.entries,
  };
}

/** Refuses options that would weaken a check: a bad time, a threshold below 1, a policy that pins nobody. */
function validateOptions(options: VerifyOptions, now: Date, ctLogThreshold: number): void {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new ConfigError("CONFIG", "Option now is not a valid date");
  }
  if (!Number.isSafeInteger(ctLogThreshold) || ctLogThreshold < 1) {
    throw new ConfigError(
      "CONFIG",
      `Option ctLogThreshold must be a whole number of at least 1, not ${
        String(ctLogThreshold).slice(0, 20)
      }`,
    );
  }
  for (
    const [name, value, min] of [
      ["tlogThreshold", options.tlogThreshold ?? 1, 1],
      ["timestampThreshold", options.timestampThreshold ?? 0, 0],
    ] as const
  ) {
    if (!Number.isSafeInteger(value) || value < min) {
      throw new ConfigError(
        "CONFIG",
        `Option ${name} must be a whole number of at least ${min}, not ${String(value).slice(0, 20)}`,
      );
    }
  }
  if (options.predicateTypes !== undefined) {
    if (
      !Array.isArray(options.predicateTypes) || options.predicateTypes.length === 0 ||
      options.predicateTypes.some((t) => typeof t !== "string" || t === "")
    ) {
      throw new ConfigError(
        "CONFIG",
        "Option predicateTypes must list at least one non-empty predicate type",
      );
    }
  }
  if (options.signer.kind === "identity") validateIdentityPolicy(options.signer.policy);
  if (options.signer.kind === "anyOf") {
    if (options.signer.policies.length === 0) {
      throw new ConfigError("CONFIG", "Option signer.policies must list at least one accepted signer");
    }
    options.signer.policies.forEach(validateIdentityPolicy);
  }
}

/** The signed content must be an in-toto statement of an accepted predicate type. */
function verifyPredicateType(content: VerificationResult["content"], accepted: readonly string[]): void {
  const found = content.kind === "dsseEnvelope" ? content.predicateType : undefined;
  if (found === undefined || !accepted.includes(found)) {
    throw new VerificationError(
      "PREDICATE_TYPE",
      `${
        found === undefined ? "Bundle signs no in-toto statement" : `Predicate type ${JSON.stringify(found)}`
      } is not an accepted predicate type (${accepted.map((t) => JSON.stringify(t)).join(", ")})`,
    );
  }
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
