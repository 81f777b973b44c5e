/**
 * Turns a verification policy document into `verifyBundle` options, so the
 * CLI's `--policy FILE` and a library caller apply the very same checks.
 *
 * @module
 */

import { signerIdentityPolicy, validateVerificationPolicy, type VerificationPolicy } from "../policy/mod.ts";
import type { VerifyOptions } from "./types.ts";

/** The `verifyBundle` options a policy decides. */
export type PolicyVerifyOptions =
  & Required<
    Pick<VerifyOptions, "signer" | "ctLogThreshold" | "tlogThreshold" | "timestampThreshold">
  >
  & Pick<VerifyOptions, "predicateTypes">;

/**
 * Validates a policy document (a parsed JSON value or a
 * {@linkcode VerificationPolicy}) and returns the options it stands for:
 * any of its signers, its predicate types and its thresholds.
 *
 * @param policy The policy document.
 * @throws {ParseError} `POLICY_PARSE` when the document is not a valid version 1 policy.
 *
 * @example
 * ```ts
 * import { policyVerifyOptions } from "./policy_options.ts";
 * const options = policyVerifyOptions({
 *   version: 1,
 *   signers: [{ identity: "me@example.com", issuer: "https://accounts.google.com" }],
 *   thresholds: { timestamps: 1 },
 * });
 * // await verifyBundle(bundle, artifact, { trustedRoot, ...options });
 * ```
 */
export function policyVerifyOptions(policy: unknown): PolicyVerifyOptions {
  const checked: VerificationPolicy = validateVerificationPolicy(policy);
  const t = checked.thresholds ?? {};
  return {
    signer: { kind: "anyOf", policies: checked.signers.map(signerIdentityPolicy) },
    ctLogThreshold: t.certificateTransparencyLogs ?? 1,
    tlogThreshold: t.transparencyLogEntries ?? 1,
    timestampThreshold: t.timestamps ?? 0,
    ...(checked.predicateTypes === undefined ? {} : { predicateTypes: checked.predicateTypes }),
  };
}
