/**
 * The one entry point for obtaining an identity token for signing
 * (protocol reference §4.1): an explicit token first, then ambient CI
 * credentials, then an interactive sign-in (browser with PKCE, out of band,
 * or device authorization). Whatever the source, the token's claims are
 * decoded and checked (audience, validity period) before it is returned.
 *
 * @module
 */

import { SigstoreError } from "../errors/mod.ts";
import { type AmbientSource, detectAmbientToken } from "./ambient.ts";
import { getTokenByAuthorizationCode } from "./authorization_code.ts";
import { getTokenByDeviceAuthorization } from "./device_authorization.ts";
import type { OidcEnvironment } from "./environment.ts";
import { checkIdentityToken, decodeIdentityToken, type IdentityClaims } from "./identity_token.ts";
import { tokenError } from "./_errors.ts";

/** Where a token came from. */
export type TokenSource = "explicit" | AmbientSource | "browser" | "out-of-band" | "device";

/** Options of {@linkcode getIdentityToken}. */
export interface GetIdentityTokenOptions {
  /** A token given on the command line (`--identity-token`); wins over everything. */
  readonly explicitToken?: string;
  /** The issuer for interactive sign-in, e.g. `https://oauth2.sigstore.dev/auth`. */
  readonly issuerUrl: string;
  /** The OAuth client id for interactive sign-in. Default `"sigstore"`. */
  readonly clientId?: string;
  /** The OAuth client secret; empty or absent for public clients. */
  readonly clientSecret?: string;
  /** Skip ambient CI detection. */
  readonly disableAmbient?: boolean;
  /** Fail instead of starting an interactive sign-in. */
  readonly disableInteractive?: boolean;
  /** Use the out-of-band variant: print the URL and prompt for the code. */
  readonly forceOob?: boolean;
  /** `true`: always the device flow; `false`: never; absent: when there is no display. */
  readonly useDevice?: boolean;
}

/** An identity token with its source and decoded claims. */
export interface IdentityToken {
  /** The raw JWT. Never print or log it. */
  readonly token: string;
  /** Where it came from. */
  readonly source: TokenSource;
  /** Its decoded, checked claims. */
  readonly claims: IdentityClaims;
}

const SOURCE_LABELS: Readonly<Record<TokenSource, string>> = {
  "explicit": "the explicitly given token",
  "github": "GitHub Actions",
  "google-cloud": "Google Cloud",
  "buildkite": "Buildkite",
  "gitlab": "GitLab CI",
  "circleci": "CircleCI",
  "browser": "the browser sign-in",
  "out-of-band": "the out-of-band sign-in",
  "device": "the device sign-in",
};

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

function checked(token: string, source: TokenSource, audience: string, now: Date): IdentityToken {
  try {
    const claims = decodeIdentityToken(token);
    checkIdentityToken(claims, { now, audience });
    return { token, source, claims };
  } catch (e) {
    if (!(e instanceof SigstoreError)) throw e;
    const inner = e.message.charAt(0).toLowerCase() + e.message.slice(1);
    throw tokenError(`Cannot use the identity token from ${SOURCE_LABELS[source]}: ${inner}`, e);
  }
}

/**
 * Obtains an identity token for signing, trying in order: the explicit
 * token (`explicitToken`, then the `SIGSTORE_IDENTITY_TOKEN` and
 * `SIGSTORE_ID_TOKEN` variables), ambient CI credentials (unless
 * `disableAmbient`), and an interactive sign-in (unless
 * `disableInteractive`). The interactive flow is the device flow when
 * `useDevice` is true or, when it is absent, when there is no display and
 * `forceOob` is not set; otherwise the authorization code flow with PKCE
 * (browser and loopback redirect, or out of band with `forceOob`).
 *
 * The token must carry the audience `sigstore` (the client id for
 * interactive tokens) and be valid now; its signature is left to Fulcio.
 *
 * @param options Token sources and interactive sign-in settings.
 * @param environment The injected runtime services.
 * @returns The token, its source and its claims.
 * @throws {ConfigError} `CONFIG` when the token is unusable (malformed,
 *   expired, wrong audience), a CI environment is misconfigured, the
 *   sign-in fails, or no source is available. Messages never contain the token.
 * @throws {NetworkError} `NETWORK` when a token service cannot be reached.
 *
 * @example An explicit token wins
 * ```ts
 * import assert from "node:assert/strict";
 * import { getIdentityToken } from "./get_identity_token.ts";
 *
 * const part = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
 * const jwt = `${part({ alg: "none" })}.${part({ iss: "https://issuer.example", sub: "ci", aud: "sigstore", exp: 2000000000 })}.`;
 * const result = await getIdentityToken({ explicitToken: jwt, issuerUrl: "https://issuer.example" }, {
 *   env: { GITHUB_ACTIONS: "true" },
 *   http: { request: () => Promise.reject(new Error("not used")) },
 *   print: () => {},
 *   hasDisplay: false,
 *   now: () => new Date("2030-01-01T00:00:00Z"),
 * });
 * assert.equal(result.source, "explicit");
 * assert.equal(result.claims.sub, "ci");
 * ```
 */
export async function getIdentityToken(
  options: GetIdentityTokenOptions,
  environment: OidcEnvironment,
): Promise<IdentityToken> {
  const explicit = nonEmpty(options.explicitToken) ?? nonEmpty(environment.env["SIGSTORE_IDENTITY_TOKEN"]) ??
    nonEmpty(environment.env["SIGSTORE_ID_TOKEN"]);
  if (explicit !== undefined) return checked(explicit, "explicit", "sigstore", environment.now());

  if (options.disableAmbient !== true) {
    const ambient = await detectAmbientToken(environment);
    if (ambient !== undefined) return checked(ambient.token, ambient.source, "sigstore", environment.now());
  }

  if (options.disableInteractive === true) {
    throw tokenError(
      "No identity token: none was given, none was found in the environment, and sign-in is off",
    );
  }
  if (options.forceOob === true && options.useDevice === true) {
    throw tokenError("Cannot sign in both out of band and with the device flow: choose one");
  }
  const clientId = options.clientId ?? "sigstore";
  const flowOptions = {
    issuerUrl: options.issuerUrl,
    clientId,
    ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
  };
  const useDevice = options.useDevice ?? (!environment.hasDisplay && options.forceOob !== true);
  if (useDevice) {
    const token = await getTokenByDeviceAuthorization(flowOptions, environment);
    return checked(token, "device", clientId, environment.now());
  }
  const forceOob = options.forceOob === true;
  const token = await getTokenByAuthorizationCode({ ...flowOptions, forceOob }, environment);
  return checked(token, forceOob ? "out-of-band" : "browser", clientId, environment.now());
}
