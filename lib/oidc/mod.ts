/**
 * OIDC identity tokens for signing (protocol reference §4.1, §4.2):
 * explicit tokens, ambient CI credentials (GitHub Actions, Google Cloud,
 * Buildkite, GitLab CI, CircleCI), interactive sign-in (authorization code
 * with PKCE via browser or out of band, and the RFC 8628 device flow), and
 * claim decoding and checks. Runtime services are injected through
 * {@linkcode OidcEnvironment}; `createNodeOidcEnvironment` in the runtime
 * edge `node_environment.ts` (not re-exported here, so that importing this
 * folder loads no `node:http`, `node:child_process` or `node:readline`)
 * builds one from Node APIs.
 *
 * Token signatures are not verified here; Fulcio does that.
 *
 * @example
 * ```ts ignore
 * import { getIdentityToken } from "./mod.ts";
 * import { createNodeOidcEnvironment } from "./node_environment.ts";
 *
 * const { token, source } = await getIdentityToken(
 *   { issuerUrl: "https://oauth2.sigstore.dev/auth" },
 *   createNodeOidcEnvironment(),
 * );
 * ```
 *
 * @module
 */

export { getIdentityToken } from "./get_identity_token.ts";
export type { GetIdentityTokenOptions, IdentityToken, TokenSource } from "./get_identity_token.ts";
export { checkIdentityToken, decodeIdentityToken, identityOf } from "./identity_token.ts";
export type {
  CheckIdentityTokenOptions,
  FederatedClaims,
  IdentityClaims,
  TokenIdentity,
} from "./identity_token.ts";
export { detectAmbientToken } from "./ambient.ts";
export type { AmbientSource, AmbientToken } from "./ambient.ts";
export { getTokenByAuthorizationCode, OOB_REDIRECT_URI } from "./authorization_code.ts";
export type { AuthorizationCodeOptions } from "./authorization_code.ts";
export { DEVICE_CODE_GRANT_TYPE, getTokenByDeviceAuthorization } from "./device_authorization.ts";
export type { DeviceAuthorizationOptions } from "./device_authorization.ts";
export { discoverIssuer } from "./discovery.ts";
export type { IssuerMetadata } from "./discovery.ts";
export type { LoopbackServer, OidcEnvironment } from "./environment.ts";
