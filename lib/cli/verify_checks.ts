/**
 * The checks of `verify identity` and `verify github`, built from their
 * flags or from a `--policy FILE`: who may have signed (any of the given
 * identities), the accepted predicate types and the thresholds. The same
 * `verifyBundle` options a library caller builds with `policyVerifyOptions`.
 *
 * @module
 */

import { decodePem, JsonShapeError, parseJsonText } from "../encoding/mod.ts";
import { parsePublicKey } from "../crypto/mod.ts";
import { ParseError } from "../errors/mod.ts";
import {
  githubPolicy,
  type IdentityPolicy,
  type SanMatcher,
  validateVerificationPolicy,
} from "../policy/mod.ts";
import { policyVerifyOptions, type SignerPolicy, type VerifyOptions } from "../verify/mod.ts";
import { readDocument } from "./files.ts";
import { SLSA_PROVENANCE_V1 } from "./flags.ts";
import { parseDuration } from "./trust_selection.ts";
import { UsageError } from "./io.ts";
import { quote } from "./safe_text.ts";

/** The flags the checks are built from (after environment defaults). */
export interface CheckFlags {
  readonly key?: string | undefined;
  readonly policy?: string | undefined;
  /** Every `--cert-identity` given (any of them). */
  readonly identities?: readonly string[] | undefined;
  readonly "cert-identity-regex"?: string | undefined;
  readonly "cert-oidc-issuer"?: string | undefined;
  readonly "cert-oidc-issuer-regex"?: string | undefined;
  readonly trigger?: string | undefined;
  readonly sha?: string | undefined;
  readonly name?: string | undefined;
  readonly repository?: string | undefined;
  readonly ref?: string | undefined;
  readonly owner?: string | undefined;
  readonly repo?: string | undefined;
  readonly "signer-repo"?: string | undefined;
  readonly "signer-workflow"?: string | undefined;
  readonly "signer-digest"?: string | undefined;
  readonly "source-ref"?: string | undefined;
  readonly "source-digest"?: string | undefined;
  readonly "deny-self-hosted-runners"?: boolean | undefined;
  readonly "predicate-type"?: string | undefined;
}

/** The `verifyBundle` options the flags decide. */
export type VerifyChecks =
  & { readonly signer: SignerPolicy }
  & Pick<VerifyOptions, "ctLogThreshold" | "tlogThreshold" | "timestampThreshold" | "predicateTypes">
  & {
    /** A policy's `maxTrustAge` (its text, the syntax of `--max-trust-age`), checked against the trust in use. */
    readonly maxTrustAge?: string;
  };

function given(flags: CheckFlags, names: readonly (keyof CheckFlags)[]): string[] {
  return names.filter((n) => {
    const v = flags[n];
    return v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);
  }).map((n) => n === "identities" ? "--cert-identity" : `--${n}`);
}

function oneOf(flags: CheckFlags, names: readonly (keyof CheckFlags)[], why = ""): void {
  const set = given(flags, names);
  if (set.length > 1) throw new UsageError(`${set.join(" and ")} cannot be combined${why}`);
}

function anyOf(policies: IdentityPolicy[]): SignerPolicy {
  return policies.length === 1 ? { kind: "identity", policy: policies[0]! } : { kind: "anyOf", policies };
}

/** Reads a `--policy FILE` into the options it stands for. */
export function readPolicyFile(path: string): VerifyChecks {
  const text = readDocument(path, "policy");
  let value: unknown;
  try {
    value = parseJsonText(text);
  } catch (e) {
    if (e instanceof JsonShapeError) {
      throw new ParseError("POLICY_PARSE", `Policy file ${quote(path)} ${e.message}`, { cause: e });
    }
    throw e;
  }
  try {
    const options = policyVerifyOptions(value);
    const { maxTrustAge } = validateVerificationPolicy(value);
    return maxTrustAge === undefined ? options : { ...options, maxTrustAge };
  } catch (e) {
    if (e instanceof ParseError) {
      throw new ParseError("POLICY_PARSE", `${quote(path)}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

function readKey(path: string): SignerPolicy {
  const text = readDocument(path, "public key");
  const block = decodePem(text)?.find((b) => b.label === "PUBLIC KEY");
  if (block === undefined) {
    throw new ParseError(
      "KEY_PARSE",
      `Public key file ${quote(path)} is not a PEM "PUBLIC KEY" (no such block, or bad base64)`,
    );
  }
  return { kind: "key", key: parsePublicKey(block.der) };
}

const IDENTITY_CHECKS = [
  "identities",
  "cert-identity-regex",
  "cert-oidc-issuer",
  "cert-oidc-issuer-regex",
] as const;

/** The checks of `verify identity` (and `verify-bundle`). */
export function identityChecks(flags: CheckFlags): VerifyChecks {
  oneOf(flags, ["key", "policy"]);
  if (flags.key !== undefined || flags.policy !== undefined) {
    const set = given(flags, IDENTITY_CHECKS);
    if (set.length > 0) {
      throw new UsageError(
        `${flags.key !== undefined ? "--key" : "--policy"} cannot be combined with ${set[0]}`,
      );
    }
    return flags.key !== undefined ? { signer: readKey(flags.key) } : readPolicyFile(flags.policy!);
  }
  oneOf(flags, ["cert-oidc-issuer", "cert-oidc-issuer-regex"]);
  const subjects: SanMatcher[] = (flags.identities ?? []).map((exact) => ({ exact }));
  if (flags["cert-identity-regex"] !== undefined) subjects.push({ regex: flags["cert-identity-regex"] });
  const issuer = flags["cert-oidc-issuer"];
  const issuerRegex = flags["cert-oidc-issuer-regex"];
  if (subjects.length === 0 || (issuer === undefined && issuerRegex === undefined)) {
    throw new UsageError(
      "verify identity needs --cert-identity and --cert-oidc-issuer (or their -regex forms), " +
        "or --policy FILE, or --key for a managed key",
    );
  }
  return {
    signer: anyOf(subjects.map((subject) => ({
      subject,
      issuer,
      ...(issuerRegex === undefined ? {} : { issuerRegex }),
      extensions: [],
    }))),
  };
}

/** The checks of `verify github`: sigstore-python's claims and gh attestation verify's. */
export function githubChecks(flags: CheckFlags): VerifyChecks {
  // gh: --cert-identity, --cert-identity-regex, --signer-repo and --signer-workflow pin the SAN each.
  oneOf(
    flags,
    ["identities", "cert-identity-regex", "signer-repo", "signer-workflow"],
    " (each pins the SAN)",
  );
  oneOf(flags, ["owner", "repo"]);
  const identities = flags.identities ?? [];
  const common = {
    identityRegex: flags["cert-identity-regex"],
    trigger: flags.trigger,
    sha: flags.sha,
    name: flags.name,
    repository: flags.repository,
    ref: flags.ref,
    owner: flags.owner,
    repo: flags.repo,
    signerRepo: flags["signer-repo"],
    signerWorkflow: flags["signer-workflow"],
    signerDigest: flags["signer-digest"],
    sourceRef: flags["source-ref"],
    sourceDigest: flags["source-digest"],
    denySelfHostedRunners: flags["deny-self-hosted-runners"],
  };
  if (
    given(flags, [
      "identities",
      "cert-identity-regex",
      "repository",
      "owner",
      "repo",
      "signer-repo",
      "signer-workflow",
    ]).length === 0
  ) {
    throw new UsageError(
      "verify github needs --cert-identity or --repository (or --cert-identity-regex, --owner, " +
        "--repo, --signer-repo, --signer-workflow)",
    );
  }
  const policies = identities.length === 0
    ? [githubPolicy(common)]
    : identities.map((identity) => githubPolicy({ ...common, identity }));
  // gh filters by predicate type, SLSA provenance v1 unless told otherwise; sigstore-python does not.
  const ghMode = flags.owner !== undefined || flags.repo !== undefined;
  const predicateType = flags["predicate-type"] ?? (ghMode ? SLSA_PROVENANCE_V1 : undefined);
  return {
    signer: anyOf(policies),
    ...(predicateType === undefined ? {} : { predicateTypes: [predicateType] }),
  };
}

/**
 * The trust flags with a policy's `maxTrustAge` applied: alone it acts as
 * `--max-trust-age`; with that flag too, the stricter (shorter) of the two.
 */
export function withPolicyTrustAge<F extends { readonly "max-trust-age"?: string | undefined }>(
  flags: F,
  checks: VerifyChecks,
): F {
  const fromPolicy = checks.maxTrustAge;
  if (fromPolicy === undefined) return flags;
  const fromFlag = flags["max-trust-age"];
  if (
    fromFlag !== undefined &&
    parseDuration(fromFlag, "--max-trust-age") <= parseDuration(fromPolicy, "maxTrustAge")
  ) {
    return flags;
  }
  return { ...flags, "max-trust-age": fromPolicy };
}
