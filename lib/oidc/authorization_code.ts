/**
 * Interactive sign-in with the OAuth 2.0 authorization code flow and PKCE
 * (RFC 6749 §4.1, RFC 7636 S256; protocol reference §4.1 step 3): the
 * browser variant with a loopback redirect
 * (`http://localhost:<port>/auth/callback`, RFC 8252 §7.3) and the
 * out-of-band variant (`urn:ietf:wg:oauth:2.0:oob`) where the user pastes
 * the code the issuer shows.
 *
 * @module
 */

import { decodeIdentityToken } from "./identity_token.ts";
import { discoverIssuer } from "./discovery.ts";
import type { OidcEnvironment } from "./environment.ts";
import { tokenError } from "./_errors.ts";
import { createPkce, randomUrlSafe } from "./_pkce.ts";
import { idTokenOf, postForm } from "./_token_endpoint.ts";

/** The redirect URI of the out-of-band variant. */
export const OOB_REDIRECT_URI = "urn:ietf:wg:oauth:2.0:oob";

/** Options of {@linkcode getTokenByAuthorizationCode}. */
export interface AuthorizationCodeOptions {
  /** The issuer, e.g. `https://oauth2.sigstore.dev/auth`. */
  readonly issuerUrl: string;
  /** The OAuth client id. Default `"sigstore"`. */
  readonly clientId?: string;
  /** The client secret; empty or absent for public clients. */
  readonly clientSecret?: string;
  /** Print the URL and prompt for the code instead of using a browser and a loopback server. */
  readonly forceOob?: boolean;
}

/**
 * Signs the user in through a browser and returns the issuer's ID token.
 *
 * Discovers the issuer's endpoints, sends the user to the authorization
 * endpoint with a fresh PKCE S256 challenge, `state` and `nonce`, checks
 * the callback's `state` and `error`, exchanges the code and verifier at
 * the token endpoint, and checks the ID token's `nonce`.
 *
 * @param options The issuer, client and variant.
 * @param environment The injected runtime services (needs
 *   `startLoopbackServer`, or `prompt` with `forceOob`).
 * @returns The ID token (a JWT). Never print it.
 * @throws {ConfigError} `CONFIG` when the environment cannot run the flow,
 *   the issuer reports an error, `state` or `nonce` do not match, or the
 *   token endpoint refuses the code.
 * @throws {NetworkError} `NETWORK` when the issuer cannot be reached or answers garbage.
 *
 * @example Without a way to receive the redirect the flow refuses to start
 * ```ts
 * import assert from "node:assert/strict";
 * import { getTokenByAuthorizationCode } from "./authorization_code.ts";
 *
 * const doc = { issuer: "https://issuer.example", authorization_endpoint: "https://issuer.example/auth", token_endpoint: "https://issuer.example/token" };
 * const environment = {
 *   env: {},
 *   http: { request: () => Promise.resolve({ status: 200, headers: new Headers(), body: new TextEncoder().encode(JSON.stringify(doc)) }) },
 *   print: () => {},
 *   hasDisplay: true,
 *   now: () => new Date(),
 * };
 * await assert.rejects(getTokenByAuthorizationCode({ issuerUrl: "https://issuer.example" }, environment), /loopback/);
 * ```
 */
export async function getTokenByAuthorizationCode(
  options: AuthorizationCodeOptions,
  environment: OidcEnvironment,
): Promise<string> {
  const client = {
    clientId: options.clientId ?? "sigstore",
    ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
  };
  const forceOob = options.forceOob === true;
  if (forceOob && environment.prompt === undefined) {
    throw tokenError("Cannot sign in out of band: this environment cannot prompt for the code");
  }
  if (!forceOob && environment.startLoopbackServer === undefined) {
    throw tokenError("Cannot sign in with a browser: this environment cannot start a loopback server");
  }
  const metadata = await discoverIssuer(options.issuerUrl, environment.http);
  const pkce = await createPkce();
  const state = randomUrlSafe(16);
  const nonce = randomUrlSafe(16);

  function authorizationUrl(redirectUri: string): string {
    const url = new URL(metadata.authorizationEndpoint);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("client_id", client.clientId);
    url.searchParams.set("scope", "openid email");
    url.searchParams.set("redirect_uri", redirectUri);
    url.searchParams.set("code_challenge", pkce.challenge);
    url.searchParams.set("code_challenge_method", "S256");
    url.searchParams.set("state", state);
    url.searchParams.set("nonce", nonce);
    return url.href;
  }

  let code: string;
  let redirectUri: string;
  if (forceOob) {
    redirectUri = OOB_REDIRECT_URI;
    environment.print(`Go to the following link in a browser:\n\n\t${authorizationUrl(redirectUri)}\n`);
    code = (await environment.prompt!("Enter verification code: ")).trim();
    if (code === "") throw tokenError("Cannot sign in out of band: no verification code was entered");
  } else {
    const server = await environment.startLoopbackServer!();
    try {
      redirectUri = `http://localhost:${server.port}/auth/callback`;
      const url = authorizationUrl(redirectUri);
      const opened = environment.hasDisplay && environment.openBrowser !== undefined &&
        await environment.openBrowser(url).catch(() => false);
      environment.print(
        opened
          ? `Waiting for the browser sign-in (if no browser opened, visit ${url})`
          : `Open this link in a browser to sign in:\n\n\t${url}\n`,
      );
      const params = await server.waitForCallback();
      const error = params.get("error");
      if (error !== null) {
        const description = params.get("error_description");
        throw tokenError(
          `The identity provider refused the sign-in: ${error}${description ? `: ${description}` : ""}`
            .replace(/\s+/g, " ").slice(0, 300),
        );
      }
      // RFC 6749 §10.12: the callback must carry the state this request sent.
      if (params.get("state") !== state) {
        throw tokenError("The sign-in callback's state does not match the request: possible CSRF");
      }
      const received = params.get("code");
      if (received === null || received === "") {
        throw tokenError("The sign-in callback has no authorization code");
      }
      code = received;
    } finally {
      await server.close();
    }
  }

  const service = "OIDC token endpoint";
  const response = await postForm(
    environment.http,
    metadata.tokenEndpoint,
    { grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: pkce.verifier },
    client,
    service,
  );
  const idToken = idTokenOf(response, service);
  // OpenID Connect Core §3.1.3.7: the ID token must echo the nonce sent.
  if (decodeIdentityToken(idToken).nonce !== nonce) {
    throw tokenError("The ID token's nonce does not match the sign-in request");
  }
  return idToken;
}
