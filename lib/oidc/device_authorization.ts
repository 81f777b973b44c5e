/**
 * Interactive sign-in for machines without a browser: the OAuth 2.0 device
 * authorization grant (RFC 8628). The user opens the verification URI on
 * another device and enters the user code while this side polls the token
 * endpoint. A PKCE S256 challenge is sent too, which issuers such as Dex
 * accept and others ignore.
 *
 * @module
 */

import { NetworkError } from "../errors/mod.ts";
import { discoverIssuer } from "./discovery.ts";
import type { OidcEnvironment } from "./environment.ts";
import { tokenError } from "./_errors.ts";
import { createPkce } from "./_pkce.ts";
import { describeOAuthError, idTokenOf, postForm } from "./_token_endpoint.ts";

/** The grant type of device-code token requests (RFC 8628 §3.4). */
export const DEVICE_CODE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";

/** Options of {@linkcode getTokenByDeviceAuthorization}. */
export interface DeviceAuthorizationOptions {
  /** The issuer, e.g. `https://oauth2.sigstore.dev/auth`. */
  readonly issuerUrl: string;
  /** The OAuth client id. Default `"sigstore"`. */
  readonly clientId?: string;
  /** The client secret; empty or absent for public clients. */
  readonly clientSecret?: string;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function positiveNumber(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * Signs the user in with the device authorization grant and returns the
 * issuer's ID token.
 *
 * Prints the verification URI and user code, then polls the token endpoint
 * every `interval` seconds (default 5), waiting on `authorization_pending`,
 * adding 5 s on `slow_down`, and giving up on `expired_token`,
 * `access_denied` or when `expires_in` has passed.
 *
 * @param options The issuer and client.
 * @param environment The injected runtime services (`sleep` paces the polling).
 * @returns The ID token (a JWT). Never print it.
 * @throws {ConfigError} `CONFIG` when the issuer offers no device
 *   authorization, the user denies access, or the code expires.
 * @throws {NetworkError} `NETWORK` when the issuer cannot be reached or answers garbage.
 *
 * @example An issuer without a device endpoint is refused
 * ```ts
 * import assert from "node:assert/strict";
 * import { getTokenByDeviceAuthorization } from "./device_authorization.ts";
 *
 * const doc = { issuer: "https://issuer.example", authorization_endpoint: "https://issuer.example/auth", token_endpoint: "https://issuer.example/token" };
 * const environment = {
 *   env: {},
 *   http: { request: () => Promise.resolve({ status: 200, headers: new Headers(), body: new TextEncoder().encode(JSON.stringify(doc)) }) },
 *   print: () => {},
 *   hasDisplay: false,
 *   now: () => new Date(),
 * };
 * await assert.rejects(getTokenByDeviceAuthorization({ issuerUrl: "https://issuer.example" }, environment), /device authorization/);
 * ```
 */
export async function getTokenByDeviceAuthorization(
  options: DeviceAuthorizationOptions,
  environment: OidcEnvironment,
): Promise<string> {
  const client = {
    clientId: options.clientId ?? "sigstore",
    ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
  };
  const metadata = await discoverIssuer(options.issuerUrl, environment.http);
  if (metadata.deviceAuthorizationEndpoint === undefined) {
    throw tokenError(`The issuer "${metadata.issuer}" does not offer device authorization`);
  }
  const pkce = await createPkce();
  const deviceService = "OIDC device authorization endpoint";
  const authorization = await postForm(
    environment.http,
    metadata.deviceAuthorizationEndpoint,
    { scope: "openid email", code_challenge: pkce.challenge, code_challenge_method: "S256" },
    client,
    deviceService,
  );
  if (authorization.status >= 500) {
    throw new NetworkError("NETWORK", `${deviceService} failed: HTTP ${authorization.status}`);
  }
  if (authorization.status < 200 || authorization.status >= 300) {
    const detail = describeOAuthError(authorization.json);
    throw tokenError(
      `${deviceService} refused the request: HTTP ${authorization.status}${detail ? `: ${detail}` : ""}`,
    );
  }
  const { json } = authorization;
  const deviceCode = json["device_code"];
  const userCode = json["user_code"];
  // Some issuers (Google) spell it verification_url.
  const verificationUri = json["verification_uri"] ?? json["verification_url"];
  const complete = json["verification_uri_complete"];
  if (typeof deviceCode !== "string" || typeof userCode !== "string" || typeof verificationUri !== "string") {
    throw new NetworkError(
      "NETWORK",
      `${deviceService} answered without "device_code", "user_code" and "verification_uri" strings`,
    );
  }
  let intervalSeconds = Math.max(1, positiveNumber(json["interval"], 5));
  const deadline = environment.now().getTime() + positiveNumber(json["expires_in"], 600) * 1000;

  environment.print(
    typeof complete === "string"
      ? `To sign in, visit ${complete}\n(or visit ${verificationUri} and enter the code ${userCode})`
      : `To sign in, visit ${verificationUri} and enter the code ${userCode}`,
  );

  const sleep = environment.sleep?.bind(environment) ?? defaultSleep;
  const service = "OIDC token endpoint";
  for (;;) {
    await sleep(intervalSeconds * 1000);
    if (environment.now().getTime() > deadline) {
      throw tokenError("Device sign-in timed out: the user code expired before the sign-in completed");
    }
    const response = await postForm(
      environment.http,
      metadata.tokenEndpoint,
      { grant_type: DEVICE_CODE_GRANT_TYPE, device_code: deviceCode, code_verifier: pkce.verifier },
      client,
      service,
    );
    if (response.status >= 400 && response.status < 500) {
      // RFC 8628 §3.5.
      switch (response.json["error"]) {
        case "authorization_pending":
          continue;
        case "slow_down":
          intervalSeconds += 5;
          continue;
        case "expired_token":
          throw tokenError("Device sign-in timed out: the user code expired before the sign-in completed");
        case "access_denied":
          throw tokenError("Device sign-in was denied by the user");
      }
    }
    return idTokenOf(response, service);
  }
}
