import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../lib/errors/mod.ts";
import { getIdentityToken } from "../../lib/oidc/mod.ts";
import {
  assertRejectsSafely,
  fakeEnvironment,
  fakeHttp,
  NO_HTTP,
  NOW_SECONDS,
  validJwt,
} from "./_helpers.ts";

const ISSUER = "https://oauth2.example/auth";
const FLAG = validJwt({ sub: "from-flag" });
const IDENTITY_ENV = validJwt({ sub: "from-SIGSTORE_IDENTITY_TOKEN" });
const ID_ENV = validJwt({ sub: "from-SIGSTORE_ID_TOKEN" });
const GITHUB = validJwt({ sub: "from-github" });
const GITHUB_ENV = {
  GITHUB_ACTIONS: "true",
  ACTIONS_ID_TOKEN_REQUEST_URL: "https://pipelines.example/idtoken?api-version=2.0",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-secret",
};
const githubHttp = () => fakeHttp({ "https://pipelines.example/": { body: { value: GITHUB } } });

describe("getIdentityToken() token sources", () => {
  it("prefers the explicit token over the environment and ambient CI", async () => {
    const environment = fakeEnvironment({
      env: { ...GITHUB_ENV, SIGSTORE_IDENTITY_TOKEN: IDENTITY_ENV, SIGSTORE_ID_TOKEN: ID_ENV },
      http: NO_HTTP,
    });
    const result = await getIdentityToken({ explicitToken: FLAG, issuerUrl: ISSUER }, environment);
    assert.equal(result.source, "explicit");
    assert.equal(result.token, FLAG);
    assert.equal(result.claims.sub, "from-flag");
  });

  it("reads SIGSTORE_IDENTITY_TOKEN before SIGSTORE_ID_TOKEN", async () => {
    const env = { SIGSTORE_IDENTITY_TOKEN: IDENTITY_ENV, SIGSTORE_ID_TOKEN: ID_ENV };
    const result = await getIdentityToken({ issuerUrl: ISSUER }, fakeEnvironment({ env }));
    assert.equal(result.claims.sub, "from-SIGSTORE_IDENTITY_TOKEN");
    const second = await getIdentityToken(
      { issuerUrl: ISSUER },
      fakeEnvironment({ env: { SIGSTORE_ID_TOKEN: `${ID_ENV}\n` } }),
    );
    assert.equal(second.source, "explicit");
    assert.equal(second.token, ID_ENV);
  });

  it("ignores empty explicit values", async () => {
    const environment = fakeEnvironment({
      env: { ...GITHUB_ENV, SIGSTORE_IDENTITY_TOKEN: "" },
      http: githubHttp(),
    });
    const result = await getIdentityToken({ explicitToken: " ", issuerUrl: ISSUER }, environment);
    assert.equal(result.source, "github");
  });

  it("uses ambient credentials when there is no explicit token", async () => {
    const http = githubHttp();
    const result = await getIdentityToken({ issuerUrl: ISSUER }, fakeEnvironment({ env: GITHUB_ENV, http }));
    assert.equal(result.source, "github");
    assert.equal(result.claims.sub, "from-github");
    assert.equal(http.requests.length, 1);
  });

  it("skips ambient detection when it is disabled", async () => {
    const environment = fakeEnvironment({ env: GITHUB_ENV, http: NO_HTTP });
    await assertRejectsSafely(
      getIdentityToken({ issuerUrl: ISSUER, disableAmbient: true, disableInteractive: true }, environment),
      ConfigError,
      "OIDC_TOKEN",
      /^No identity token: none was given, none was found in the environment, and sign-in is off$/,
    );
  });

  it("falls through to interactive sign-in when ambient detection finds nothing", async () => {
    const environment = fakeEnvironment({ hasDisplay: true });
    await assertRejectsSafely(
      getIdentityToken({ issuerUrl: ISSUER }, environment),
      ConfigError,
      "OIDC_TOKEN",
      /cannot start a loopback server/,
    );
  });
});

describe("getIdentityToken() claim checks", () => {
  it("rejects an expired explicit token without quoting it", async () => {
    const expired = validJwt({ exp: NOW_SECONDS - 3600 });
    await assertRejectsSafely(
      getIdentityToken({ explicitToken: expired, issuerUrl: ISSUER }, fakeEnvironment()),
      ConfigError,
      "OIDC_TOKEN",
      /^Cannot use the identity token from the explicitly given token: identity token has expired: /,
      [expired],
    );
  });

  it("rejects an ambient token for another audience without quoting it", async () => {
    const wrong = validJwt({ aud: "api://AzureADTokenExchange" });
    const http = fakeHttp({ "https://pipelines.example/": { body: { value: wrong } } });
    await assertRejectsSafely(
      getIdentityToken({ issuerUrl: ISSUER }, fakeEnvironment({ env: GITHUB_ENV, http })),
      ConfigError,
      "OIDC_TOKEN",
      /^Cannot use the identity token from GitHub Actions: identity token has the wrong audience: expected "sigstore", found "api:\/\/AzureADTokenExchange"$/,
      [wrong],
    );
  });

  it("rejects a token that is not yet valid", async () => {
    const early = validJwt({ nbf: NOW_SECONDS + 3600 });
    await assertRejectsSafely(
      getIdentityToken({ issuerUrl: ISSUER }, fakeEnvironment({ env: { SIGSTORE_ID_TOKEN: early } })),
      ConfigError,
      "OIDC_TOKEN",
      /not yet valid/,
      [early],
    );
  });

  it("rejects a malformed explicit value without quoting it", async () => {
    const secretish = "ghp_thisIsNotAJwtButLooksSecret1234567890";
    await assertRejectsSafely(
      getIdentityToken({ explicitToken: secretish, issuerUrl: ISSUER }, fakeEnvironment()),
      ConfigError,
      "OIDC_TOKEN",
      /expected 3 dot-separated parts, found 1/,
      [secretish],
    );
  });

  it("keeps the lower error as the cause", async () => {
    const expired = validJwt({ exp: 1 });
    await assert.rejects(
      getIdentityToken({ explicitToken: expired, issuerUrl: ISSUER }, fakeEnvironment()),
      (e: unknown) => e instanceof ConfigError && e.cause instanceof ConfigError,
    );
  });
});
