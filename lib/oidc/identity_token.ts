/**
 * OIDC identity tokens as the signing flow uses them (protocol reference
 * §4.2): decoding the JWT claims, checking audience and validity period, and
 * deriving the certificate identity and proof-of-possession challenge.
 *
 * Security caveat: the token's signature is **not** checked here; Fulcio
 * verifies it against the issuer's keys. These checks only avoid sending
 * an unusable token to Fulcio. No error message ever contains the token.
 *
 * @module
 */

import { decodeBase64 } from "../encoding/mod.ts";
import { tokenError } from "./_errors.ts";

/** The `federated_claims` object Dex adds to its tokens. */
export interface FederatedClaims {
  /** The upstream connector, e.g. `https://github.com/login/oauth`; Fulcio's certificate issuer. */
  readonly connectorId?: string;
  /** The user id at the upstream provider. */
  readonly userId?: string;
}

/** The claims of an identity token that the signing flow uses. */
export interface IdentityClaims {
  /** `iss`: the issuer URL. */
  readonly iss: string;
  /** `sub`: the subject. */
  readonly sub: string;
  /** `aud`, always as a list (a single-string `aud` becomes a one-element list). */
  readonly aud: readonly string[];
  /** `exp`: expiry, seconds since the epoch. */
  readonly exp: number;
  /** `iat`: issue time, seconds since the epoch. */
  readonly iat?: number;
  /** `nbf`: start of validity, seconds since the epoch. */
  readonly nbf?: number;
  /** `email`. */
  readonly email?: string;
  /** `email_verified` (the string forms `"true"`/`"false"` are accepted too). */
  readonly emailVerified?: boolean;
  /** `nonce`, echoed by the issuer in interactive flows. */
  readonly nonce?: string;
  /** `federated_claims` (Dex). */
  readonly federatedClaims?: FederatedClaims;
  /** The whole decoded payload, for provider-specific claims. */
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Options of {@linkcode checkIdentityToken}. */
export interface CheckIdentityTokenOptions {
  /** The time to check against. */
  readonly now: Date;
  /** The audience the token must carry. Default `"sigstore"`. */
  readonly audience?: string;
  /** Allowed clock skew in seconds. Default 5. */
  readonly skewSeconds?: number;
}

/** What a token proves: the identity Fulcio will certify and the challenge to sign. */
export interface TokenIdentity {
  /** The expected certificate identity (SAN): `email` when present and verified, else `sub`. */
  readonly identity: string;
  /** The proof-of-possession challenge: `email` when present (it must be verified), else `sub`. */
  readonly challenge: string;
  /** The expected certificate issuer: Dex's `federated_claims.connector_id` when present, else `iss`. */
  readonly issuer: string;
}

function decodeSegment(segment: string, what: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) {
    throw tokenError(`Cannot decode the identity token: the ${what} is not base64url`);
  }
  const bytes = decodeBase64(segment);
  if (bytes === undefined) throw tokenError(`Cannot decode the identity token: the ${what} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw tokenError(`Cannot decode the identity token: the ${what} is not UTF-8 JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw tokenError(`Cannot decode the identity token: the ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function claimError(name: string, expected: string): Error {
  return tokenError(`Cannot decode the identity token: claim "${name}" must be ${expected}`);
}

function requiredString(payload: Record<string, unknown>, name: string): string {
  const v = payload[name];
  if (typeof v !== "string" || v.length === 0) throw claimError(name, "a non-empty string");
  return v;
}

function optionalString(payload: Record<string, unknown>, name: string): string | undefined {
  const v = payload[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw claimError(name, "a string");
  return v;
}

function optionalNumber(payload: Record<string, unknown>, name: string): number | undefined {
  const v = payload[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw claimError(name, "a number of seconds");
  return v;
}

function readAudience(payload: Record<string, unknown>): string[] {
  const v = payload["aud"];
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((a) => typeof a === "string")) return v as string[];
  throw claimError("aud", "a string or a non-empty list of strings");
}

function readEmailVerified(payload: Record<string, unknown>): boolean | undefined {
  const v = payload["email_verified"];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  throw claimError("email_verified", "a boolean");
}

function readFederatedClaims(payload: Record<string, unknown>): FederatedClaims | undefined {
  const v = payload["federated_claims"];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw claimError("federated_claims", "an object");
  const o = v as Record<string, unknown>;
  const connectorId = optionalString(o, "connector_id");
  const userId = optionalString(o, "user_id");
  return {
    ...(connectorId === undefined ? {} : { connectorId }),
    ...(userId === undefined ? {} : { userId }),
  };
}

/**
 * Decodes the claims of a compact-serialised JWT without checking its
 * signature (Fulcio does that).
 *
 * @param jwt The identity token (`header.payload.signature`).
 * @returns The decoded claims.
 * @throws {ConfigError} `CONFIG` when the token is not a JWS compact JWT or a
 *   required claim (`iss`, `sub`, `aud`, `exp`) is missing or mistyped. The
 *   message never contains the token.
 *
 * @example Decode an (unsigned-looking) token
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeIdentityToken } from "./identity_token.ts";
 *
 * const part = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
 * const jwt = `${part({ alg: "RS256" })}.${part({ iss: "https://issuer.example", sub: "alice", aud: "sigstore", exp: 2000000000 })}.c2ln`;
 * const claims = decodeIdentityToken(jwt);
 * assert.equal(claims.sub, "alice");
 * assert.deepEqual(claims.aud, ["sigstore"]);
 * ```
 */
export function decodeIdentityToken(jwt: string): IdentityClaims {
  if (typeof jwt !== "string") throw new TypeError("decodeIdentityToken() expects a string");
  const parts = jwt.trim().split(".");
  if (parts.length !== 3) {
    throw tokenError(
      `Cannot decode the identity token: expected 3 dot-separated parts, found ${parts.length}`,
    );
  }
  decodeSegment(parts[0]!, "header");
  const payload = decodeSegment(parts[1]!, "payload");
  const iat = optionalNumber(payload, "iat");
  const nbf = optionalNumber(payload, "nbf");
  const email = optionalString(payload, "email");
  const emailVerified = readEmailVerified(payload);
  const nonce = optionalString(payload, "nonce");
  const federatedClaims = readFederatedClaims(payload);
  const exp = optionalNumber(payload, "exp");
  if (exp === undefined) throw claimError("exp", "a number of seconds");
  return {
    iss: requiredString(payload, "iss"),
    sub: requiredString(payload, "sub"),
    aud: readAudience(payload),
    exp,
    ...(iat === undefined ? {} : { iat }),
    ...(nbf === undefined ? {} : { nbf }),
    ...(email === undefined ? {} : { email }),
    ...(emailVerified === undefined ? {} : { emailVerified }),
    ...(nonce === undefined ? {} : { nonce }),
    ...(federatedClaims === undefined ? {} : { federatedClaims }),
    payload,
  };
}

function isoSeconds(seconds: number): string {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? String(seconds) : d.toISOString();
}

/**
 * Checks that decoded claims are usable now: the audience is present, the
 * token has not expired and is already valid (`nbf`, `iat`), allowing a
 * small clock skew.
 *
 * @param claims Claims from {@linkcode decodeIdentityToken}.
 * @param options The time, expected audience and allowed skew.
 * @throws {ConfigError} `CONFIG` with a one-line message naming the failed
 *   check and the expected and actual values.
 *
 * @example Reject a token for another audience
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkIdentityToken } from "./identity_token.ts";
 *
 * const claims = { iss: "https://issuer.example", sub: "alice", aud: ["other"], exp: 2000000000, payload: {} };
 * assert.throws(() => checkIdentityToken(claims, { now: new Date("2030-01-01T00:00:00Z") }), /wrong audience/);
 * ```
 */
export function checkIdentityToken(claims: IdentityClaims, options: CheckIdentityTokenOptions): void {
  const audience = options.audience ?? "sigstore";
  const skew = options.skewSeconds ?? 5;
  const now = options.now.getTime() / 1000;
  if (!claims.aud.includes(audience)) {
    throw tokenError(
      `Identity token has the wrong audience: expected "${audience}", found ${
        claims.aud.map((a) => `"${a}"`).join(", ")
      }`,
    );
  }
  if (now > claims.exp + skew) {
    throw tokenError(
      `Identity token has expired: it expired at ${
        isoSeconds(claims.exp)
      }, now is ${options.now.toISOString()}`,
    );
  }
  if (claims.nbf !== undefined && now + skew < claims.nbf) {
    throw tokenError(
      `Identity token is not yet valid: valid from ${
        isoSeconds(claims.nbf)
      }, now is ${options.now.toISOString()}`,
    );
  }
  if (claims.iat !== undefined && now + skew < claims.iat) {
    throw tokenError(
      `Identity token is not yet valid: issued at ${
        isoSeconds(claims.iat)
      }, now is ${options.now.toISOString()}`,
    );
  }
}

/**
 * Derives what a token proves: the certificate identity Fulcio will issue
 * for, the proof-of-possession challenge, and the certificate issuer.
 *
 * @param claims Claims from {@linkcode decodeIdentityToken}.
 * @returns The identity, challenge and issuer.
 * @throws {ConfigError} `CONFIG` when the token has an `email` that is not
 *   verified (Fulcio refuses such tokens).
 *
 * @example A CI token has no email, so `sub` is used
 * ```ts
 * import assert from "node:assert/strict";
 * import { identityOf } from "./identity_token.ts";
 *
 * const claims = {
 *   iss: "https://token.actions.githubusercontent.com",
 *   sub: "repo:octo/app:ref:refs/heads/main",
 *   aud: ["sigstore"],
 *   exp: 2000000000,
 *   payload: {},
 * };
 * assert.equal(identityOf(claims).challenge, "repo:octo/app:ref:refs/heads/main");
 * ```
 */
export function identityOf(claims: IdentityClaims): TokenIdentity {
  const issuer = claims.federatedClaims?.connectorId ?? claims.iss;
  if (claims.email !== undefined && claims.email !== "") {
    if (claims.emailVerified !== true) {
      throw tokenError(
        `Identity token's email "${claims.email}" is not verified (email_verified is not true)`,
      );
    }
    return { identity: claims.email, challenge: claims.email, issuer };
  }
  return { identity: claims.sub, challenge: claims.sub, issuer };
}
