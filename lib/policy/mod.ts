/**
 * Verification policy: who must have signed (SAN, issuer, Fulcio claims).
 *
 * @module
 */

export {
  certificateIdentities,
  certificateIssuer,
  validateIdentityPolicy,
  verifyAnyIdentityPolicy,
  verifyIdentityPolicy,
} from "./policy.ts";
export type { ExtensionRequirement, IdentityPolicy, SanMatcher } from "./policy.ts";
export { escapeRegex, GITHUB_ACTIONS_ISSUER, githubPolicy } from "./github.ts";
export type { GitHubPolicyOptions } from "./github.ts";
export {
  POLICY_CLAIMS,
  policyMaxTrustAgeMs,
  signerIdentityPolicy,
  validateVerificationPolicy,
} from "./policy_file.ts";
export type { PolicyClaim, PolicySigner, PolicyThresholds, VerificationPolicy } from "./policy_file.ts";
