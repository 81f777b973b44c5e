/**
 * A small OIDC issuer on 127.0.0.1 for the interactive-flow tests: OIDC
 * discovery, `/authorize` (redirects to the loopback callback, or shows the
 * code for the out-of-band redirect URI), `/token` (authorization code with
 * a PKCE S256 check, and device codes), and `/device/code` (RFC 8628).
 * Tokens are unsigned-looking JWTs; the client never verifies signatures.
 *
 * @module
 */

import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { makeJwt } from "./_helpers.ts";

/** How the issuer misbehaves or answers, per test. */
export interface FakeIssuerOptions {
  /** Redirect with `error=<value>` instead of a code. */
  readonly denyWith?: string;
  /** Redirect with a different `state`. */
  readonly tamperState?: boolean;
  /** Put another nonce in the ID token. */
  readonly wrongNonce?: boolean;
  /** Store a wrong PKCE challenge so the verifier check fails. */
  readonly breakPkce?: boolean;
  /** Leave `device_authorization_endpoint` out of discovery. */
  readonly noDeviceEndpoint?: boolean;
  /** Discovery names this issuer instead of its own URL. */
  readonly statedIssuer?: string;
  /** Answers to device-code polls before success; "ok" issues the token. Default: pending, pending, ok. */
  readonly devicePolls?: readonly string[];
  /** The `interval` the device endpoint announces. Default 1. */
  readonly deviceInterval?: number;
  /** The client secret the token endpoint requires (HTTP Basic). */
  readonly clientSecret?: string;
}

/** A request the issuer saw. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly form: URLSearchParams;
  readonly authorization: string | undefined;
}

/** A running fake issuer. */
export interface FakeIssuer {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** ID tokens it issued (so tests can check none leaks). */
  readonly issued: string[];
  close(): Promise<void>;
}

interface Grant {
  readonly clientId: string;
  readonly challenge: string;
  readonly redirectUri: string;
  readonly nonce: string | null;
}

function s256(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => body += chunk);
    request.on("end", () => resolve(body));
    request.on("error", reject);
  });
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(value));
}

/** Starts the issuer on 127.0.0.1 with an ephemeral port. */
export async function startFakeIssuer(options: FakeIssuerOptions = {}): Promise<FakeIssuer> {
  const requests: SeenRequest[] = [];
  const issued: string[] = [];
  const codes = new Map<string, Grant>();
  const devices = new Map<string, { grant: Grant; polls: string[] }>();
  let url = "";

  function clientOf(form: URLSearchParams, authorization: string | undefined): string | undefined {
    if (authorization?.startsWith("Basic ")) {
      const [id, secret] = atob(authorization.slice(6)).split(":");
      if (decodeURIComponent(secret ?? "") !== (options.clientSecret ?? "")) return undefined;
      return decodeURIComponent(id ?? "");
    }
    if (options.clientSecret !== undefined) return undefined;
    return form.get("client_id") ?? undefined;
  }

  function idToken(grant: Grant): string {
    const now = Math.floor(Date.now() / 1000);
    const token = makeJwt({
      iss: url,
      sub: "CgVhbGljZRIEdGVzdA",
      aud: grant.clientId,
      email: "alice@example.com",
      email_verified: true,
      iat: now,
      exp: now + 600,
      federated_claims: { connector_id: "https://github.com/login/oauth", user_id: "1" },
      ...(grant.nonce === null ? {} : { nonce: options.wrongNonce ? "another-nonce" : grant.nonce }),
    });
    issued.push(token);
    return token;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = new URL(request.url ?? "/", url);
    const form = new URLSearchParams(request.method === "POST" ? await readBody(request) : "");
    const authorization = request.headers.authorization;
    requests.push({
      method: request.method ?? "",
      path: target.pathname,
      query: target.searchParams,
      form,
      authorization,
    });
    const q = target.searchParams;
    switch (`${request.method} ${target.pathname}`) {
      case "GET /.well-known/openid-configuration":
        return json(response, 200, {
          issuer: options.statedIssuer ?? url,
          authorization_endpoint: `${url}/authorize`,
          token_endpoint: `${url}/token`,
          ...(options.noDeviceEndpoint ? {} : { device_authorization_endpoint: `${url}/device/code` }),
          code_challenge_methods_supported: ["S256"],
        });
      case "GET /authorize": {
        const redirectUri = q.get("redirect_uri") ?? "";
        const challenge = q.get("code_challenge");
        if (
          q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256" || !challenge ||
          !q.get("client_id") || !q.get("state") || q.get("scope") !== "openid email"
        ) {
          return json(response, 400, { error: "invalid_request" });
        }
        const code = randomBytes(16).toString("hex");
        codes.set(code, {
          clientId: q.get("client_id")!,
          challenge: options.breakPkce ? s256("something else") : challenge,
          redirectUri,
          nonce: q.get("nonce"),
        });
        if (redirectUri === "urn:ietf:wg:oauth:2.0:oob") {
          response.writeHead(200, { "Content-Type": "text/plain" }).end(code);
          return;
        }
        const location = new URL(redirectUri);
        if (options.denyWith !== undefined) {
          location.searchParams.set("error", options.denyWith);
          location.searchParams.set("error_description", "the user said no");
        } else {
          location.searchParams.set("code", code);
        }
        location.searchParams.set("state", options.tamperState ? "forged" : q.get("state")!);
        response.writeHead(302, { Location: location.href }).end();
        return;
      }
      case "POST /device/code": {
        const clientId = clientOf(form, authorization);
        if (clientId === undefined) return json(response, 401, { error: "invalid_client" });
        const deviceCode = randomBytes(16).toString("hex");
        devices.set(deviceCode, {
          grant: { clientId, challenge: form.get("code_challenge") ?? "", redirectUri: "", nonce: null },
          polls: [...(options.devicePolls ?? ["authorization_pending", "authorization_pending", "ok"])],
        });
        return json(response, 200, {
          device_code: deviceCode,
          user_code: "WDJB-MJHT",
          verification_uri: `${url}/device`,
          verification_uri_complete: `${url}/device?user_code=WDJB-MJHT`,
          expires_in: 300,
          interval: options.deviceInterval ?? 1,
        });
      }
      case "POST /token": {
        const clientId = clientOf(form, authorization);
        if (clientId === undefined) return json(response, 401, { error: "invalid_client" });
        const grantType = form.get("grant_type");
        if (grantType === "authorization_code") {
          const grant = codes.get(form.get("code") ?? "");
          codes.delete(form.get("code") ?? "");
          if (grant === undefined || grant.clientId !== clientId) {
            return json(response, 400, { error: "invalid_grant", error_description: "unknown code" });
          }
          if (form.get("redirect_uri") !== grant.redirectUri) {
            return json(response, 400, {
              error: "invalid_grant",
              error_description: "redirect_uri mismatch",
            });
          }
          if (s256(form.get("code_verifier") ?? "") !== grant.challenge) {
            return json(response, 400, {
              error: "invalid_grant",
              error_description: "PKCE verification failed",
            });
          }
          const token = idToken(grant);
          return json(response, 200, { access_token: token, id_token: token, token_type: "bearer" });
        }
        if (grantType === "urn:ietf:params:oauth:grant-type:device_code") {
          const device = devices.get(form.get("device_code") ?? "");
          if (device === undefined || device.grant.clientId !== clientId) {
            return json(response, 400, { error: "invalid_grant" });
          }
          if (
            device.grant.challenge !== "" && s256(form.get("code_verifier") ?? "") !== device.grant.challenge
          ) {
            return json(response, 400, {
              error: "invalid_grant",
              error_description: "PKCE verification failed",
            });
          }
          const next = device.polls.shift() ?? "ok";
          if (next !== "ok") return json(response, 400, { error: next });
          devices.delete(form.get("device_code") ?? "");
          const token = idToken(device.grant);
          return json(response, 200, { access_token: token, id_token: token, token_type: "bearer" });
        }
        return json(response, 400, { error: "unsupported_grant_type" });
      }
      default:
        return json(response, 404, { error: "not_found" });
    }
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((e) => json(response, 500, { error: String(e) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    issued,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
