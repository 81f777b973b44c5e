// A minimal OpenID Connect issuer for the local Sigstore test instance.
//
//   deno run -A scripts/local_sigstore/oidc_issuer.ts --port 0 [--host 127.0.0.1] [--port-file F]
//
// Endpoints:
//   GET  /.well-known/openid-configuration   discovery document
//   GET  /jwks                               JWKS (one RS256 key)
//   GET  /token?email=E&aud=A&exp=S&iat=S&nbf=S&iss=I&sub=S&email_verified=B
//        mint an ID token directly (for tests). `exp`/`iat`/`nbf` are seconds
//        relative to now when they start with + or -, absolute otherwise; the
//        default lifetime is 600 s. `expired=1` is shorthand for exp=-60.
//        Responds with the raw JWT (text/plain), or JSON {"id_token"} with
//        `format=json`.
//   GET  /authorize   authorization-code flow with PKCE (S256 or plain); the
//        request is auto-approved and redirected to redirect_uri?code&state.
//        `login_hint` (or `email`) chooses the identity.
//   POST /token       grant_type=authorization_code (code, code_verifier,
//        redirect_uri, client_id) or
//        grant_type=urn:ietf:params:oauth:grant-type:device_code (device_code,
//        client_id); answers authorization_pending `pending` times (default 2)
//        before returning the token.
//   POST /device/code  RFC 8628 device authorization request.
//   GET  /device       verification page (auto-approves; informational).
//
// The default identity is `DEFAULT_EMAIL` (env LOCAL_OIDC_EMAIL or
// test@sigstore-ts.local). The issuer URL is http://HOST:PORT exactly.

const DEFAULT_EMAIL = Deno.env.get("LOCAL_OIDC_EMAIL") ?? "test@sigstore-ts.local";
const DEFAULT_AUD = "sigstore";
const DEVICE_PENDING_DEFAULT = 2;

interface Args {
  host: string;
  port: number;
  portFile: string | undefined;
  pending: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { host: "127.0.0.1", port: 0, portFile: undefined, pending: DEVICE_PENDING_DEFAULT };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    if (k === "--port" && v !== undefined) (a.port = Number(v), i++);
    else if (k === "--host" && v !== undefined) (a.host = v, i++);
    else if (k === "--port-file" && v !== undefined) (a.portFile = v, i++);
    else if (k === "--device-pending" && v !== undefined) (a.pending = Number(v), i++);
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

function b64url(data: Uint8Array | string): string {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomToken(n = 24): string {
  return b64url(crypto.getRandomValues(new Uint8Array(n)));
}

async function sha256(s: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)));
}

const args = parseArgs(Deno.args);

const keyPair = await crypto.subtle.generateKey(
  {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256",
  },
  true,
  ["sign", "verify"],
);
const pubJwk = await crypto.subtle.exportKey("jwk", keyPair.publicKey);
const kid = b64url((await sha256(`${pubJwk.n}.${pubJwk.e}`)).slice(0, 16));
const jwks = { keys: [{ kty: "RSA", n: pubJwk.n, e: pubJwk.e, alg: "RS256", use: "sig", kid }] };

let issuer = "";

async function signJwt(claims: Record<string, unknown>): Promise<string> {
  const header = { alg: "RS256", typ: "JWT", kid };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const sig = await crypto.subtle.sign(
    "RSASSA-PKCS1-v1_5",
    keyPair.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${b64url(new Uint8Array(sig))}`;
}

function timeParam(v: string | null, now: number, dflt: number): number {
  if (v === null || v === "") return dflt;
  if (v.startsWith("+") || v.startsWith("-")) return now + Number(v);
  return Number(v);
}

interface Identity {
  email: string;
  aud: string;
  extra?: Record<string, unknown>;
}

function mint(p: URLSearchParams | null, id: Identity): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const get = (k: string): string | null => p?.get(k) ?? null;
  const email = get("email") ?? id.email;
  let exp = timeParam(get("exp"), now, now + 600);
  if (get("expired") === "1" || get("expired") === "true") exp = now - 60;
  const claims: Record<string, unknown> = {
    iss: get("iss") ?? issuer,
    sub: get("sub") ?? email,
    aud: get("aud") ?? id.aud,
    iat: timeParam(get("iat"), now, exp < now ? exp - 600 : now),
    nbf: timeParam(get("nbf"), now, exp < now ? exp - 600 : now),
    exp,
    email,
    email_verified: (get("email_verified") ?? "true") !== "false",
    jti: randomToken(12),
    ...id.extra,
  };
  if (get("nonce") !== null) claims.nonce = get("nonce");
  return signJwt(claims);
}

interface CodeGrant {
  email: string;
  aud: string;
  redirectUri: string | null;
  challenge: string | null;
  method: string;
  nonce: string | null;
  expires: number;
}
interface DeviceGrant {
  email: string;
  aud: string;
  remaining: number;
  expires: number;
}
const codes = new Map<string, CodeGrant>();
const devices = new Map<string, DeviceGrant>();

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

function oauthError(error: string, description: string, status = 400): Response {
  return json({ error, error_description: description }, status);
}

async function formParams(req: Request): Promise<URLSearchParams> {
  const ct = req.headers.get("content-type") ?? "";
  const text = await req.text();
  if (ct.includes("application/json")) {
    const o = JSON.parse(text) as Record<string, unknown>;
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(o)) p.set(k, String(v));
    return p;
  }
  const p = new URLSearchParams(text);
  // HTTP Basic client authentication: take client_id from it if absent.
  const auth = req.headers.get("authorization");
  if (auth?.startsWith("Basic ") && !p.has("client_id")) {
    const dec = atob(auth.slice(6));
    p.set("client_id", decodeURIComponent(dec.split(":")[0] ?? ""));
  }
  return p;
}

function tokenResponse(idToken: string): Response {
  return json({
    access_token: randomToken(),
    token_type: "Bearer",
    expires_in: 600,
    id_token: idToken,
    scope: "openid email",
  });
}

async function handle(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const now = Math.floor(Date.now() / 1000);

  if (path === "/.well-known/openid-configuration") {
    return json({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      userinfo_endpoint: `${issuer}/userinfo`,
      device_authorization_endpoint: `${issuer}/device/code`,
      response_types_supported: ["code", "id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      scopes_supported: ["openid", "email"],
      token_endpoint_auth_methods_supported: ["none", "client_secret_basic", "client_secret_post"],
      claims_supported: ["iss", "sub", "aud", "exp", "iat", "email", "email_verified"],
      code_challenge_methods_supported: ["S256", "plain"],
      grant_types_supported: ["authorization_code", "urn:ietf:params:oauth:grant-type:device_code"],
    });
  }
  if (path === "/jwks" || path === "/keys") return json(jwks);
  if (path === "/healthz") return new Response("ok\n");

  if (path === "/token" && req.method === "GET") {
    const tok = await mint(url.searchParams, { email: DEFAULT_EMAIL, aud: DEFAULT_AUD });
    if (url.searchParams.get("format") === "json") return json({ id_token: tok });
    return new Response(tok, { headers: { "content-type": "text/plain", "cache-control": "no-store" } });
  }

  if (path === "/authorize") {
    const q = url.searchParams;
    const redirectUri = q.get("redirect_uri");
    if (!redirectUri) return new Response("missing redirect_uri\n", { status: 400 });
    const target = new URL(redirectUri);
    const state = q.get("state");
    if (q.get("response_type") !== null && q.get("response_type") !== "code") {
      target.searchParams.set("error", "unsupported_response_type");
      if (state !== null) target.searchParams.set("state", state);
      return new Response(null, { status: 302, headers: { location: target.toString() } });
    }
    const code = randomToken();
    codes.set(code, {
      email: q.get("login_hint") ?? q.get("email") ?? DEFAULT_EMAIL,
      aud: q.get("client_id") ?? DEFAULT_AUD,
      redirectUri,
      challenge: q.get("code_challenge"),
      method: q.get("code_challenge_method") ?? "plain",
      nonce: q.get("nonce"),
      expires: now + 300,
    });
    target.searchParams.set("code", code);
    if (state !== null) target.searchParams.set("state", state);
    return new Response(null, { status: 302, headers: { location: target.toString() } });
  }

  if (path === "/device/code" && req.method === "POST") {
    const p = await formParams(req);
    const deviceCode = randomToken();
    const userCode = randomToken(6).toUpperCase().replace(/[^A-Z0-9]/g, "X").slice(0, 8);
    devices.set(deviceCode, {
      email: p.get("login_hint") ?? p.get("email") ?? DEFAULT_EMAIL,
      aud: p.get("client_id") ?? DEFAULT_AUD,
      remaining: Number(p.get("pending") ?? args.pending),
      expires: now + 600,
    });
    return json({
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: `${issuer}/device`,
      verification_uri_complete: `${issuer}/device?user_code=${userCode}`,
      expires_in: 600,
      interval: 1,
    });
  }
  if (path === "/device") {
    return new Response("Device approved (local test issuer auto-approves).\n", {
      headers: { "content-type": "text/plain" },
    });
  }

  if (path === "/token" && req.method === "POST") {
    const p = await formParams(req);
    const grant = p.get("grant_type");
    if (grant === "authorization_code") {
      const code = p.get("code") ?? "";
      const g = codes.get(code);
      if (!g || g.expires < now) return oauthError("invalid_grant", "unknown or expired code");
      codes.delete(code);
      const redirect = p.get("redirect_uri");
      if (g.redirectUri !== null && redirect !== null && redirect !== g.redirectUri) {
        return oauthError("invalid_grant", "redirect_uri mismatch");
      }
      if (g.challenge !== null) {
        const verifier = p.get("code_verifier");
        if (verifier === null) return oauthError("invalid_grant", "missing code_verifier");
        const computed = g.method === "S256" ? b64url(await sha256(verifier)) : verifier;
        if (computed !== g.challenge) return oauthError("invalid_grant", "PKCE verification failed");
      }
      const extra: Record<string, unknown> = {};
      if (g.nonce !== null) extra.nonce = g.nonce;
      return tokenResponse(await mint(null, { email: g.email, aud: g.aud, extra }));
    }
    if (grant === "urn:ietf:params:oauth:grant-type:device_code") {
      const dc = p.get("device_code") ?? "";
      const g = devices.get(dc);
      if (!g) return oauthError("invalid_grant", "unknown device_code");
      if (g.expires < now) {
        devices.delete(dc);
        return oauthError("expired_token", "device code expired");
      }
      if (g.remaining > 0) {
        g.remaining--;
        return oauthError("authorization_pending", "waiting for user");
      }
      devices.delete(dc);
      return tokenResponse(await mint(null, { email: g.email, aud: g.aud }));
    }
    return oauthError("unsupported_grant_type", `grant_type ${grant}`);
  }

  if (path === "/userinfo") {
    return json({ sub: DEFAULT_EMAIL, email: DEFAULT_EMAIL, email_verified: true });
  }
  return new Response("not found\n", { status: 404 });
}

const server = Deno.serve({
  hostname: args.host,
  port: args.port,
  onListen: () => {},
}, async (req) => {
  try {
    return await handle(req);
  } catch (e) {
    return json({ error: "server_error", error_description: String(e) }, 500);
  }
});
const addr = server.addr as Deno.NetAddr;
issuer = `http://${args.host}:${addr.port}`;
if (args.portFile) await Deno.writeTextFile(args.portFile, `${addr.port}\n`);
console.log(`oidc issuer listening at ${issuer}`);
