/**
 * The GitHub Actions policy of `verify github`: issuer
 * `https://token.actions.githubusercontent.com` plus optional workflow
 * claims, each checked against the legacy raw extension (`.1.2`–`.1.6`) and
 * its current DER counterpart where one exists, as sigstore-python's
 * `verify github` does for the legacy ones.
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
}

/** Builds the policy for `verify github`; needs an identity or a repository. */
export function githubPolicy(options: GitHubPolicyOptions): IdentityPolicy {
  if (options.identity === undefined && options.repository === undefined) {
    throw new PolicyError("POLICY_IDENTITY", "verify github needs --cert-identity or --repository");
  }
  const ext: ExtensionRequirement[] = [];
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
  const subject: SanMatcher | undefined = options.identity === undefined
    ? undefined
    : { exact: options.identity };
  // With only --repository, the repository claim pins the signer; any workflow of it may sign.
  return { subject, issuer: GITHUB_ACTIONS_ISSUER, extensions: ext, unsafeAnySubject: subject === undefined };
}
