/**
 * Test helpers for the OIDC tests: unsigned-looking JWTs, a scripted fake
 * HttpClient, a fake environment, and an assertion that an error is a
 * one-line typed error which never quotes a secret.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { ErrorCode, SigstoreError } from "../../lib/errors/mod.ts";
import type { HttpClient, HttpRequest, HttpResponse } from "../../lib/net/mod.ts";
import type { OidcEnvironment } from "../../lib/oidc/mod.ts";

function part(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

/** A fixed "now" for claim checks. */
export const NOW = new Date("2025-06-01T12:00:00Z");
/** `NOW` in seconds. */
export const NOW_SECONDS: number = NOW.getTime() / 1000;

/** Builds a JWT with the given payload and a dummy signature (the client never verifies it). */
export function makeJwt(payload: Record<string, unknown>): string {
  return `${part({ alg: "RS256", kid: "test" })}.${part(payload)}.${part("not-a-real-signature")}`;
}

/** A token valid at `NOW` with audience `sigstore`, plus overrides. */
export function validJwt(overrides: Record<string, unknown> = {}): string {
  return makeJwt({
    iss: "https://issuer.example",
    sub: "subject-1",
    aud: "sigstore",
    iat: NOW_SECONDS - 60,
    exp: NOW_SECONDS + 600,
    ...overrides,
  });
}

/** A request the fake HttpClient received. */
export interface RecordedRequest {
  readonly url: string;
  readonly request: HttpRequest;
}

/** A scripted answer: status and body (a string or a JSON value). */
export interface ScriptedAnswer {
  readonly status?: number;
  readonly body: unknown;
}

/** A fake HttpClient answering by URL prefix, recording every request. */
export function fakeHttp(
  routes: Record<string, ScriptedAnswer>,
): HttpClient & { readonly requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  return {
    requests,
    request(url: string, request: HttpRequest): Promise<HttpResponse> {
      requests.push({ url, request });
      const key = Object.keys(routes).find((prefix) => url.startsWith(prefix));
      if (key === undefined) return Promise.reject(new Error(`unexpected request to ${url}`));
      const answer = routes[key]!;
      const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
      return Promise.resolve({
        status: answer.status ?? 200,
        headers: new Headers(),
        body: new TextEncoder().encode(text),
      });
    },
  };
}

/** An HttpClient that fails every request (proves a path makes no request). */
export const NO_HTTP: HttpClient = {
  request: (url) => Promise.reject(new Error(`no request expected, got ${url}`)),
};

/** A fake environment with no CI variables, fixed `NOW`, and recorded output. */
export function fakeEnvironment(
  overrides: Partial<OidcEnvironment> = {},
): OidcEnvironment & { readonly printed: string[] } {
  const printed: string[] = [];
  return {
    env: {},
    http: NO_HTTP,
    hasDisplay: true,
    now: () => NOW,
    ...overrides,
    print: (text: string) => printed.push(text),
    printed,
  };
}

/** Asserts a rejected promise is a one-line typed error of `type` and `code` that never contains `secrets`. */
export async function assertRejectsSafely(
  promise: Promise<unknown>,
  type: new (...args: never[]) => SigstoreError,
  code: ErrorCode,
  message: RegExp,
  secrets: readonly string[] = [],
): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assertSafeError(e, type, code, message, secrets);
    return true;
  });
}

/** Asserts a thrown value is a one-line typed error of `type` and `code` that never contains `secrets`. */
export function assertSafeError(
  e: unknown,
  type: new (...args: never[]) => SigstoreError,
  code: ErrorCode,
  message: RegExp,
  secrets: readonly string[] = [],
): void {
  assert.ok(e instanceof type, `expected a ${type.name}, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  assert.match(e.message, message);
  assert.doesNotMatch(e.message, /\n/);
  for (const secret of secrets) {
    assert.ok(!e.message.includes(secret), `the message quotes a secret: ${e.message}`);
    // Also no large fragment of it (for example the payload segment).
    for (const piece of secret.split(".")) {
      if (piece.length >= 16) assert.ok(!e.message.includes(piece), `the message quotes a token part`);
    }
  }
}
