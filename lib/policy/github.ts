/**
 * The GitHub Actions policy of `verify github`: issuer
 * `https://token.actions.githubusercontent.com` plus optional workflow
 * claims, each checked against the legacy raw extension (`.1.2`–`.1.6`) and
 * its current DER counterpart where one exists, as sigstore-python's
 * `verify github` does for the legacy ones; and the claims of
 * `gh attestation verify` (`--owner`, `--repo`, `--signer-repo`,
 * `--signer-workflow`, `--signer-digest`, `--source-ref`, `--source-digest`,
 * `--deny-self-hosted-runners`), checked against the same certificate
 * extensions as gh, with every SAN pattern anchored at both ends.
 *
 * @module
 */

import { PolicyError } from "../errors/mod.ts";
import { FULCIO_OID } from "../x509/mod.ts";
import type { ExtensionRequirement, IdentityPolicy, SanMatcher } from "./policy.ts";

/** The OIDC issuer of GitHub Actions tokens. */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

/** Options of `verify github`; every given claim must match. */
export interface GitHubPolicyOptions {
  /** The workflow identity SAN, e.g. `https://github.com/o/r/.github/workflows/rel.yml@refs/tags/v1`. */
  readonly identity?: string | undefined;
  /** Workflow trigger (`push`, `release`). */
  readonly trigger?: string | undefined;
  /** Commit SHA the workflow ran on. */
  readonly sha?: string | undefined;
  /** Workflow display name. */
  readonly name?: string | undefined;
  /** Repository slug `owner/repo`. */
  readonly repository?: string | undefined;
  /** Git ref, e.g. `refs/heads/main`. */
  readonly ref?: string | undefined;
  /** A pattern for the workflow identity SAN, matched against the whole SAN. */
  readonly identityRegex?: string | undefined;
  /** gh `--owner`: the source repository's owner (extension .1.16, without case); by default the SAN's. */
  readonly owner?: string | undefined;
  /** gh `--repo OWNER/REPO`: the source repository (.1.12 and .1.16, without case); by default the SAN's. */
  readonly repo?: string | undefined;
  /** gh `--signer-repo OWNER/REPO`: the repository of the workflow that signed (the SAN, without case). */
  readonly signerRepo?: string | undefined;
  /** gh `--signer-workflow [HOST/]OWNER/REPO/PATH`: the workflow that signed, at any ref (the SAN). */
  readonly signerWorkflow?: string | undefined;
  /** gh `--signer-digest`: the signing workflow's commit (.1.10). */
  readonly signerDigest?: string | undefined;
  /** gh `--source-ref`: the source repository ref (.1.14). */
  readonly sourceRef?: string | undefined;
  /** gh `--source-digest`: the source repository commit (.1.13). */
  readonly sourceDigest?: string | undefined;
  /** gh `--deny-self-hosted-runners`: the runner environment (.1.11) must be `github-hosted`. */
  readonly denySelfHostedRunners?: boolean | undefined;
}

/** Escapes a literal for use inside a Unicode-mode regular expression (outside a character class). */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

/** A host name at the start of a gh `--signer-workflow` value (`github.com/…`), as gh recognises one. */
const WORKFLOW_HOST = /^[a-zA-Z0-9-]+\.[a-zA-Z0-9-]+/;

/**
 * The SAN matcher gh derives from its flags, in gh's order of precedence:
 * `--cert-identity`, `--cert-identity-regex`, `--signer-repo`,
 * `--signer-workflow`, `--repo`, `--owner`. Unlike gh, which only anchors
 * the start, every pattern here must match the whole SAN: a workflow path
 * must be followed by `@REF`, a repository or owner by `/`.
 */
function githubSubject(options: GitHubPolicyOptions): SanMatcher | undefined {
  if (options.identity !== undefined) return { exact: options.identity };
  if (options.identityRegex !== undefined) return { regex: options.identityRegex };
  const under = (path: string): SanMatcher => ({
    regex: `https://github\\.com/${escapeRegex(path)}/.+`,
    ignoreCase: true,
  });
  if (options.signerRepo !== undefined) return under(options.signerRepo);
  if (options.signerWorkflow !== undefined) {
    const workflow = WORKFLOW_HOST.test(options.signerWorkflow)
      ? options.signerWorkflow
      : `github.com/${options.signerWorkflow}`;
    return { regex: `https://${escapeRegex(workflow)}@.+` };
  }
  if (options.repo !== undefined) return under(options.repo);
  if (options.owner !== undefined) return under(options.owner);
  return undefined;
}

/** Builds the policy for `verify github`; needs an identity or a repository. */
export function githubPolicy(options: GitHubPolicyOptions): IdentityPolicy {
  const subject = githubSubject(options);
  if (subject === undefined && options.repository === undefined) {
    throw new PolicyError(
      "POLICY_IDENTITY",
      "verify github needs --cert-identity or --repository (or --cert-identity-regex, --owner, " +
        "--repo, --signer-repo, --signer-workflow)",
    );
  }
  if (options.repo !== undefined && !/^[^/]+\/[^/]+$/.test(options.repo)) {
    throw new PolicyError(
      "POLICY_EXTENSION",
      `--repo must be OWNER/REPO, not ${JSON.stringify(options.repo)}`,
    );
  }
  const ext: ExtensionRequirement[] = [];
  const owner = options.repo !== undefined ? options.repo.split("/")[0]! : options.owner;
  if (owner !== undefined) {
    ext.push({
      name: "source repository owner",
      oids: [FULCIO_OID.sourceRepositoryOwnerUri],
      values: [`https://github.com/${owner}`],
      ignoreCase: true,
    });
  }
  if (options.repo !== undefined) {
    ext.push({
      name: "source repository",
      oids: [FULCIO_OID.sourceRepositoryUri],
      values: [`https://github.com/${options.repo}`],
      ignoreCase: true,
    });
  }
  const exact: [string | undefined, string, string][] = [
    [options.signerDigest, "signer workflow digest", FULCIO_OID.buildSignerDigest],
    [options.sourceRef, "source repository ref", FULCIO_OID.sourceRepositoryRef],
    [options.sourceDigest, "source repository digest", FULCIO_OID.sourceRepositoryDigest],
    [
      options.denySelfHostedRunners ? "github-hosted" : undefined,
      "runner environment",
      FULCIO_OID.runnerEnvironment,
    ],
  ];
  for (const [value, name, oid] of exact) {
    if (value !== undefined) ext.push({ name, oids: [oid], values: [value] });
  }
  if (options.trigger !== undefined) {
    ext.push({
      name: "workflow trigger",
      oids: [FULCIO_OID.githubWorkflowTrigger, FULCIO_OID.buildTrigger],
      values: [options.trigger, options.trigger],
    });
  }
  if (options.sha !== undefined) {
    ext.push({
      name: "workflow commit SHA",
      oids: [FULCIO_OID.githubWorkflowSha, FULCIO_OID.sourceRepositoryDigest],
      values: [options.sha, options.sha],
    });
  }
  if (options.name !== undefined) {
    ext.push({ name: "workflow name", oids: [FULCIO_OID.githubWorkflowName], values: [options.name] });
  }
  if (options.repository !== undefined) {
    ext.push({
      name: "workflow repository",
      oids: [FULCIO_OID.githubWorkflowRepository, FULCIO_OID.sourceRepositoryUri],
      values: [options.repository, `https://github.com/${options.repository}`],
    });
  }
  if (options.ref !== undefined) {
    ext.push({
      name: "workflow ref",
      oids: [FULCIO_OID.githubWorkflowRef, FULCIO_OID.sourceRepositoryRef],
      values: [options.ref, options.ref],
    });
  }
  // With only --repository, the repository claim pins the signer; any workflow of it may sign.
  return { subject, issuer: GITHUB_ACTIONS_ISSUER, extensions: ext, unsafeAnySubject: subject === undefined };
}
