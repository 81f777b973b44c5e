/**
 * Verification policy: who must have signed (SAN, issuer, Fulcio claims).
 *
 * @module
 */

export {
  certificateIdentities,
  certificateIssuer,
  validateIdentityPolicy,
  verifyIdentityPolicy,
} from "./policy.ts";
export type { ExtensionRequirement, IdentityPolicy, SanMatcher } from "./policy.ts";
export { GITHUB_ACTIONS_ISSUER, githubPolicy } from "./github.ts";
export type { GitHubPolicyOptions } from "./github.ts";
