/**
 * OpenID Connect Discovery 1.0: fetches `<issuer>/.well-known/openid-configuration`
 * and keeps the endpoints the interactive flows use.
 *
 * @module
 */

import { NetworkError } from "../errors/mod.ts";
import type { HttpClient } from "../net/mod.ts";
import { parseJsonBody, requireSuccess } from "../net/mod.ts";

/** The endpoints of an OIDC issuer. */
export interface IssuerMetadata {
  /** The issuer URL as the issuer states it. */
  readonly issuer: string;
  /** Where the browser goes to sign in. */
  readonly authorizationEndpoint: string;
  /** Where codes are exchanged for tokens. */
  readonly tokenEndpoint: string;
  /** RFC 8628 device authorization endpoint, when the issuer offers one. */
  readonly deviceAuthorizationEndpoint?: string;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

function endpoint(json: Record<string, unknown>, name: string, service: string): string {
  const v = json[name];
  if (typeof v !== "string" || !URL.canParse(v)) {
    throw new NetworkError("NETWORK", `${service} answered without a valid "${name}" URL`);
  }
  return v;
}

/**
 * Fetches an issuer's discovery document.
 *
 * @param issuerUrl The issuer URL, e.g. `https://oauth2.sigstore.dev/auth`.
 * @param http The HTTP client.
 * @returns The authorization, token and (optional) device authorization endpoints.
 * @throws {NetworkError} `NETWORK` when the document cannot be fetched, is
 *   not JSON, lacks an endpoint, or names a different issuer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { discoverIssuer } from "./discovery.ts";
 *
 * const doc = {
 *   issuer: "https://issuer.example",
 *   authorization_endpoint: "https://issuer.example/auth",
 *   token_endpoint: "https://issuer.example/token",
 * };
 * const http = {
 *   request: () =>
 *     Promise.resolve({ status: 200, headers: new Headers(), body: new TextEncoder().encode(JSON.stringify(doc)) }),
 * };
 * const metadata = await discoverIssuer("https://issuer.example/", http);
 * assert.equal(metadata.tokenEndpoint, "https://issuer.example/token");
 * ```
 */
export async function discoverIssuer(issuerUrl: string, http: HttpClient): Promise<IssuerMetadata> {
  const service = "OIDC discovery";
  const response = await http.request(`${trimSlash(issuerUrl)}/.well-known/openid-configuration`, {
    method: "GET",
    headers: { Accept: "application/json" },
    service,
  });
  requireSuccess(response, service);
  const json = parseJsonBody(response, service);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new NetworkError("NETWORK", `${service} answered with JSON that is not an object`);
  }
  const doc = json as Record<string, unknown>;
  const issuer = typeof doc["issuer"] === "string" ? doc["issuer"] : "";
  // OpenID Connect Discovery §4.3: the stated issuer must be the one asked for.
  if (trimSlash(issuer) !== trimSlash(issuerUrl)) {
    throw new NetworkError(
      "NETWORK",
      `${service} answered for another issuer: expected "${trimSlash(issuerUrl)}", found "${issuer}"`,
    );
  }
  const device = doc["device_authorization_endpoint"];
  return {
    issuer,
    authorizationEndpoint: endpoint(doc, "authorization_endpoint", service),
    tokenEndpoint: endpoint(doc, "token_endpoint", service),
    ...(typeof device === "string" && URL.canParse(device) ? { deviceAuthorizationEndpoint: device } : {}),
  };
}
