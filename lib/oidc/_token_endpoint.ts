/**
 * Form-encoded requests to OAuth 2.0 endpoints (RFC 6749 §3.2, RFC 8628
 * §3.1) with client authentication, and the `id_token` of a token response.
 *
 * @module
 */

import { encodeBase64, utf8Encode } from "../encoding/mod.ts";
import { NetworkError } from "../errors/mod.ts";
import type { HttpClient } from "../net/mod.ts";
import { tokenError } from "./_errors.ts";

/** The OAuth client. */
export interface OAuthClient {
  readonly clientId: string;
  /** Empty or absent for public clients such as Sigstore's `sigstore`. */
  readonly clientSecret?: string;
}

/** A decoded endpoint answer (any status). */
export interface FormResponse {
  readonly status: number;
  /** The JSON object answered, or `{}` when the body was not a JSON object. */
  readonly json: Readonly<Record<string, unknown>>;
}

/**
 * POSTs form parameters with client authentication: HTTP Basic when there is
 * a secret (RFC 6749 §2.3.1), else `client_id` in the body. Returns any status.
 */
export async function postForm(
  http: HttpClient,
  url: string,
  params: Readonly<Record<string, string>>,
  client: OAuthClient,
  service: string,
): Promise<FormResponse> {
  const form = new URLSearchParams(params);
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded",
    Accept: "application/json",
  };
  if (client.clientSecret !== undefined && client.clientSecret !== "") {
    const user = encodeURIComponent(client.clientId);
    const pass = encodeURIComponent(client.clientSecret);
    headers["Authorization"] = `Basic ${encodeBase64(utf8Encode(`${user}:${pass}`))}`;
  } else {
    form.set("client_id", client.clientId);
  }
  const response = await http.request(url, { method: "POST", headers, body: form.toString(), service });
  let json: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(response.body));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      json = value as Record<string, unknown>;
    }
  } catch {
    // Not JSON; callers judge by status and fields.
  }
  return { status: response.status, json };
}

/** One-line description of an OAuth error answer: `error: description`. */
export function describeOAuthError(json: Readonly<Record<string, unknown>>): string {
  const error = typeof json["error"] === "string" ? json["error"] : "";
  const description = typeof json["error_description"] === "string" ? json["error_description"] : "";
  const text = [error, description].filter((s) => s !== "").join(": ");
  return text.replace(/\s+/g, " ").trim().slice(0, 200);
}

/** The `id_token` of a successful token response; throws for any other answer. */
export function idTokenOf(response: FormResponse, service: string): string {
  if (response.status >= 500) {
    throw new NetworkError("NETWORK", `${service} failed: HTTP ${response.status}`);
  }
  if (response.status < 200 || response.status >= 300) {
    const detail = describeOAuthError(response.json);
    throw tokenError(
      `${service} refused the token request: HTTP ${response.status}${detail ? `: ${detail}` : ""}`,
    );
  }
  const idToken = response.json["id_token"];
  if (typeof idToken !== "string" || idToken === "") {
    throw new NetworkError("NETWORK", `${service} answered without an "id_token"`);
  }
  return idToken;
}
