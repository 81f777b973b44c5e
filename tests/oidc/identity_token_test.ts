import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../lib/errors/mod.ts";
import { checkIdentityToken, decodeIdentityToken, identityOf } from "../../lib/oidc/mod.ts";
import { assertSafeError, makeJwt, NOW, NOW_SECONDS, validJwt } from "./_helpers.ts";

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected an error");
}

describe("decodeIdentityToken()", () => {
  it("decodes the claims the signing flow uses", () => {
    const jwt = validJwt({
      email: "alice@example.com",
      email_verified: true,
      nbf: NOW_SECONDS - 120,
      nonce: "n-1",
      federated_claims: { connector_id: "https://github.com/login/oauth", user_id: "42" },
      extra: "kept",
    });
    const claims = decodeIdentityToken(jwt);
    assert.equal(claims.iss, "https://issuer.example");
    assert.equal(claims.sub, "subject-1");
    assert.deepEqual(claims.aud, ["sigstore"]);
    assert.equal(claims.exp, NOW_SECONDS + 600);
    assert.equal(claims.iat, NOW_SECONDS - 60);
    assert.equal(claims.nbf, NOW_SECONDS - 120);
    assert.equal(claims.email, "alice@example.com");
    assert.equal(claims.emailVerified, true);
    assert.equal(claims.nonce, "n-1");
    assert.deepEqual(claims.federatedClaims, { connectorId: "https://github.com/login/oauth", userId: "42" });
    assert.equal(claims.payload["extra"], "kept");
  });

  it("accepts a list audience and omits absent optional claims", () => {
    const claims = decodeIdentityToken(makeJwt({ iss: "i", sub: "s", aud: ["a", "sigstore"], exp: 1 }));
    assert.deepEqual(claims.aud, ["a", "sigstore"]);
    assert.equal("email" in claims, false);
    assert.equal("iat" in claims, false);
    assert.equal("federatedClaims" in claims, false);
  });

  it('accepts email_verified as the string "true"', () => {
    assert.equal(decodeIdentityToken(validJwt({ email: "a@b", email_verified: "true" })).emailVerified, true);
  });

  it("ignores surrounding whitespace (a token read from a file)", () => {
    assert.equal(decodeIdentityToken(`  ${validJwt()}\n`).sub, "subject-1");
  });

  const malformed: [string, string, RegExp][] = [
    ["two parts", validJwt().split(".").slice(0, 2).join("."), /expected 3 dot-separated parts, found 2/],
    ["an encrypted (5-part) token", `${validJwt()}.eA.eA`, /found 5/],
    ["a payload that is not base64url", `${validJwt().split(".")[0]}.a+b/c.sig`, /payload is not base64url/],
    [
      "a payload that is not JSON",
      `${validJwt().split(".")[0]}.bm90IGpzb24.sig`,
      /payload is not UTF-8 JSON/,
    ],
    ["a header that is not JSON", `bm90IGpzb24.${validJwt().split(".")[1]}.sig`, /header is not UTF-8 JSON/],
    ["a missing iss", makeJwt({ sub: "s", aud: "sigstore", exp: 1 }), /claim "iss"/],
    ["a missing sub", makeJwt({ iss: "i", aud: "sigstore", exp: 1 }), /claim "sub"/],
    ["a missing exp", makeJwt({ iss: "i", sub: "s", aud: "sigstore" }), /claim "exp"/],
    ["a string exp", makeJwt({ iss: "i", sub: "s", aud: "sigstore", exp: "soon" }), /claim "exp"/],
    ["a numeric aud", makeJwt({ iss: "i", sub: "s", aud: 7, exp: 1 }), /claim "aud"/],
    ["an empty aud list", makeJwt({ iss: "i", sub: "s", aud: [], exp: 1 }), /claim "aud"/],
    ["a non-boolean email_verified", validJwt({ email_verified: 1 }), /claim "email_verified"/],
  ];
  for (const [name, jwt, message] of malformed) {
    it(`rejects ${name} without quoting the token`, () => {
      assertSafeError(thrown(() => decodeIdentityToken(jwt)), ConfigError, "OIDC_TOKEN", message, [jwt]);
    });
  }

  it("throws TypeError for a non-string argument", () => {
    assert.throws(() => decodeIdentityToken(42 as unknown as string), TypeError);
  });
});

describe("checkIdentityToken()", () => {
  const claims = decodeIdentityToken(validJwt());

  it("accepts a current token for sigstore", () => {
    checkIdentityToken(claims, { now: NOW });
  });

  it("rejects an expired token, naming both times", () => {
    const expired = decodeIdentityToken(validJwt({ exp: NOW_SECONDS - 60 }));
    assertSafeError(
      thrown(() => checkIdentityToken(expired, { now: NOW })),
      ConfigError,
      "OIDC_TOKEN",
      /^Identity token has expired: it expired at 2025-06-01T11:59:00.000Z, now is 2025-06-01T12:00:00.000Z$/,
    );
  });

  it("allows 5 s of clock skew at expiry, not 6", () => {
    checkIdentityToken(decodeIdentityToken(validJwt({ exp: NOW_SECONDS - 5 })), { now: NOW });
    assert.throws(
      () => checkIdentityToken(decodeIdentityToken(validJwt({ exp: NOW_SECONDS - 6 })), { now: NOW }),
      /expired/,
    );
  });

  it("rejects a token that is not yet valid (nbf)", () => {
    const early = decodeIdentityToken(validJwt({ nbf: NOW_SECONDS + 60 }));
    assertSafeError(
      thrown(() => checkIdentityToken(early, { now: NOW })),
      ConfigError,
      "OIDC_TOKEN",
      /^Identity token is not yet valid: valid from 2025-06-01T12:01:00.000Z/,
    );
    checkIdentityToken(decodeIdentityToken(validJwt({ nbf: NOW_SECONDS + 5 })), { now: NOW });
  });

  it("rejects a token issued in the future (iat)", () => {
    const future = decodeIdentityToken(validJwt({ iat: NOW_SECONDS + 30 }));
    assert.throws(() => checkIdentityToken(future, { now: NOW }), /not yet valid: issued at/);
  });

  it("rejects the wrong audience, with expected and found values", () => {
    const other = decodeIdentityToken(validJwt({ aud: ["api", "web"] }));
    assertSafeError(
      thrown(() => checkIdentityToken(other, { now: NOW })),
      ConfigError,
      "OIDC_TOKEN",
      /^Identity token has the wrong audience: expected "sigstore", found "api", "web"$/,
    );
  });

  it("checks a custom audience", () => {
    const custom = decodeIdentityToken(validJwt({ aud: "my-client" }));
    checkIdentityToken(custom, { now: NOW, audience: "my-client" });
    assert.throws(() => checkIdentityToken(claims, { now: NOW, audience: "my-client" }), /wrong audience/);
  });

  it("honours a custom skew", () => {
    const expired = decodeIdentityToken(validJwt({ exp: NOW_SECONDS - 30 }));
    checkIdentityToken(expired, { now: NOW, skewSeconds: 60 });
  });
});

describe("identityOf()", () => {
  it("uses a verified email for both identity and challenge", () => {
    const claims = decodeIdentityToken(validJwt({ email: "alice@example.com", email_verified: true }));
    assert.deepEqual(identityOf(claims), {
      identity: "alice@example.com",
      challenge: "alice@example.com",
      issuer: "https://issuer.example",
    });
  });

  it("uses sub when there is no email (CI tokens)", () => {
    const sub = "repo:octo/app:ref:refs/heads/main";
    const claims = decodeIdentityToken(
      validJwt({ iss: "https://token.actions.githubusercontent.com", sub }),
    );
    assert.deepEqual(identityOf(claims), {
      identity: sub,
      challenge: sub,
      issuer: "https://token.actions.githubusercontent.com",
    });
  });

  it("refuses an unverified email", () => {
    for (const verified of [false, undefined]) {
      const claims = decodeIdentityToken(validJwt({ email: "eve@example.com", email_verified: verified }));
      assertSafeError(
        thrown(() => identityOf(claims)),
        ConfigError,
        "OIDC_TOKEN",
        /email "eve@example.com" is not verified/,
      );
    }
  });

  it("takes the issuer from Dex's federated connector id", () => {
    const claims = decodeIdentityToken(validJwt({
      iss: "https://oauth2.sigstore.dev/auth",
      email: "alice@example.com",
      email_verified: true,
      federated_claims: { connector_id: "https://github.com/login/oauth" },
    }));
    assert.equal(identityOf(claims).issuer, "https://github.com/login/oauth");
  });
});
