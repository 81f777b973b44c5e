import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, NetworkError } from "../../lib/errors/mod.ts";
import { createHttpClient } from "../../lib/net/mod.ts";
import {
  decodeIdentityToken,
  getIdentityToken,
  type GetIdentityTokenOptions,
  type OidcEnvironment,
} from "../../lib/oidc/mod.ts";
import { createNodeOidcEnvironment } from "../../lib/oidc/node_environment.ts";
import { assertRejectsSafely } from "./_helpers.ts";
import { type FakeIssuer, type FakeIssuerOptions, startFakeIssuer } from "./_fake_issuer.ts";

const http = createHttpClient({ retries: 0, timeoutMs: 5_000 });
const node = createNodeOidcEnvironment({ env: {}, http, callbackTimeoutMs: 10_000 });

/** A test environment whose "browser" follows the issuer's redirect to the loopback server. */
function browserEnvironment(overrides: Partial<OidcEnvironment> = {}) {
  const printed: string[] = [];
  const opened: string[] = [];
  const visits: Promise<void>[] = [];
  const environment: OidcEnvironment = {
    env: {},
    http,
    hasDisplay: true,
    now: () => new Date(),
    sleep: () => Promise.resolve(),
    startLoopbackServer: node.startLoopbackServer!,
    openBrowser: (url) => {
      opened.push(url);
      visits.push((async () => {
        const authorize = await fetch(url, { redirect: "manual" });
        await authorize.body?.cancel();
        const location = authorize.headers.get("location");
        assert.ok(location, `the issuer did not redirect (HTTP ${authorize.status})`);
        // The loopback server listens on 127.0.0.1; a browser resolves `localhost` to it. Fetching
        // 127.0.0.1 directly keeps the suite within --allow-net=127.0.0.1.
        const callbackUrl = new URL(location);
        assert.equal(callbackUrl.hostname, "localhost");
        callbackUrl.hostname = "127.0.0.1";
        const callback = await fetch(callbackUrl);
        assert.equal(callback.status, 200);
        await callback.text();
      })());
      return Promise.resolve(true);
    },
    print: (text) => printed.push(text),
    ...overrides,
  };
  return { environment, printed, opened, visits };
}

async function withIssuer(
  options: FakeIssuerOptions,
  run: (issuer: FakeIssuer) => Promise<void>,
): Promise<void> {
  const issuer = await startFakeIssuer(options);
  try {
    await run(issuer);
  } finally {
    await issuer.close();
  }
}

function assertNoTokenPrinted(printed: readonly string[], issuer: FakeIssuer): void {
  for (const token of issuer.issued) {
    for (const line of printed) assert.ok(!line.includes(token), "a token was printed");
  }
}

describe("getIdentityToken() interactive sign-in against a local issuer", () => {
  let issuer: FakeIssuer;
  before(async () => {
    issuer = await startFakeIssuer();
  });
  after(async () => {
    await issuer.close();
  });
  const options = (): GetIdentityTokenOptions => ({ issuerUrl: issuer.url, disableAmbient: true });

  it("runs the browser flow with PKCE, state and nonce", async () => {
    const { environment, printed, opened, visits } = browserEnvironment();
    const result = await getIdentityToken(options(), environment);
    await Promise.all(visits);
    assert.equal(result.source, "browser");
    assert.equal(result.claims.email, "alice@example.com");
    assert.deepEqual(result.claims.aud, ["sigstore"]);
    assert.equal(opened.length, 1);
    const authorize = new URL(opened[0]!);
    assert.equal(authorize.origin + authorize.pathname, `${issuer.url}/authorize`);
    const q = authorize.searchParams;
    assert.equal(q.get("client_id"), "sigstore");
    assert.equal(q.get("scope"), "openid email");
    assert.equal(q.get("code_challenge_method"), "S256");
    assert.match(q.get("code_challenge")!, /^[A-Za-z0-9_-]{43}$/);
    assert.match(q.get("redirect_uri")!, /^http:\/\/localhost:\d+\/auth\/callback$/);
    assert.equal(result.claims.nonce, q.get("nonce"));
    const tokenRequest = issuer.requests.find((r) => r.path === "/token")!;
    assert.equal(tokenRequest.form.get("grant_type"), "authorization_code");
    assert.equal(tokenRequest.form.get("redirect_uri"), q.get("redirect_uri"));
    assert.match(tokenRequest.form.get("code_verifier")!, /^[A-Za-z0-9_-]{43}$/);
    assertNoTokenPrinted(printed, issuer);
  });

  it("uses fresh state, nonce and verifier for every sign-in", async () => {
    const first = browserEnvironment();
    await getIdentityToken(options(), first.environment);
    const second = browserEnvironment();
    await getIdentityToken(options(), second.environment);
    await Promise.all([...first.visits, ...second.visits]);
    const a = new URL(first.opened[0]!).searchParams;
    const b = new URL(second.opened[0]!).searchParams;
    for (const name of ["state", "nonce", "code_challenge"]) assert.notEqual(a.get(name), b.get(name));
  });

  it("prints the URL when no browser opens", async () => {
    const { environment, printed, visits } = browserEnvironment();
    const visit = environment.openBrowser!;
    const result = await getIdentityToken(options(), {
      ...environment,
      openBrowser: async (url) => {
        await visit(url);
        return false;
      },
    });
    await Promise.all(visits);
    assert.equal(result.source, "browser");
    assert.match(
      printed.join("\n"),
      new RegExp(`Open this link in a browser to sign in:\\n\\n\\t${issuer.url}/authorize\\?`),
    );
  });

  it("runs the out-of-band variant with a prompted code", async () => {
    const printed: string[] = [];
    const questions: string[] = [];
    const environment: OidcEnvironment = {
      env: {},
      http,
      hasDisplay: true,
      now: () => new Date(),
      print: (text) => printed.push(text),
      prompt: async (question) => {
        questions.push(question);
        const url = /\t(\S+)/.exec(printed.join("\n"))?.[1];
        assert.ok(url, "the authorization URL was not printed before the prompt");
        assert.equal(new URL(url).searchParams.get("redirect_uri"), "urn:ietf:wg:oauth:2.0:oob");
        const page = await fetch(url);
        return `${await page.text()}\n`;
      },
    };
    const result = await getIdentityToken({ ...options(), forceOob: true }, environment);
    assert.equal(result.source, "out-of-band");
    assert.deepEqual(questions, ["Enter verification code: "]);
    assert.match(printed[0]!, /^Go to the following link in a browser:/);
    const tokenRequest = issuer.requests.findLast((r) => r.path === "/token")!;
    assert.equal(tokenRequest.form.get("redirect_uri"), "urn:ietf:wg:oauth:2.0:oob");
    assertNoTokenPrinted(printed, issuer);
  });

  it("forces out of band even without a display, and refuses an empty code", async () => {
    const prompt = () => Promise.resolve("  \n");
    const printed: string[] = [];
    const environment: OidcEnvironment = {
      env: {},
      http,
      hasDisplay: false,
      now: () => new Date(),
      print: (text) => printed.push(text),
      prompt,
    };
    await assertRejectsSafely(
      getIdentityToken({ ...options(), forceOob: true }, environment),
      ConfigError,
      "OIDC_TOKEN",
      /no verification code was entered/,
    );
    assert.match(printed[0]!, /oob/);
  });

  it("chooses the device flow when there is no display, honouring pending answers", async () => {
    const printed: string[] = [];
    const sleeps: number[] = [];
    const environment: OidcEnvironment = {
      env: {},
      http,
      hasDisplay: false,
      now: () => new Date(),
      print: (text) => printed.push(text),
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    };
    const before = issuer.requests.length;
    const result = await getIdentityToken(options(), environment);
    assert.equal(result.source, "device");
    assert.equal(result.claims.sub, "CgVhbGljZRIEdGVzdA");
    assert.deepEqual(sleeps, [1000, 1000, 1000]);
    const seen = issuer.requests.slice(before);
    const polls = seen.filter((r) => r.path === "/token");
    assert.equal(polls.length, 3);
    for (const poll of polls) {
      assert.equal(poll.form.get("grant_type"), "urn:ietf:params:oauth:grant-type:device_code");
      assert.equal(poll.form.get("client_id"), "sigstore");
    }
    const device = seen.find((r) => r.path === "/device/code")!;
    assert.equal(device.form.get("scope"), "openid email");
    assert.equal(device.form.get("code_challenge_method"), "S256");
    assert.match(printed.join("\n"), /visit http:\/\/127\.0\.0\.1:\d+\/device\?user_code=WDJB-MJHT/);
    assert.match(printed.join("\n"), /enter the code WDJB-MJHT/);
    assertNoTokenPrinted(printed, issuer);
  });

  it("runs the device flow on request even with a display", async () => {
    const { environment } = browserEnvironment({ openBrowser: () => assert.fail("no browser expected") });
    const result = await getIdentityToken({ ...options(), useDevice: true }, environment);
    assert.equal(result.source, "device");
  });

  it("refuses out of band combined with the device flow", async () => {
    const { environment } = browserEnvironment();
    await assertRejectsSafely(
      getIdentityToken({ ...options(), useDevice: true, forceOob: true }, environment),
      ConfigError,
      "OIDC_TOKEN",
      /choose one/,
    );
  });
});

describe("interactive sign-in failures", () => {
  const base = { disableAmbient: true } as const;

  it("reports an error the issuer sends to the callback", async () => {
    await withIssuer({ denyWith: "access_denied" }, async (issuer) => {
      const { environment, visits } = browserEnvironment();
      await assertRejectsSafely(
        getIdentityToken({ ...base, issuerUrl: issuer.url }, environment),
        ConfigError,
        "OIDC_TOKEN",
        /^The identity provider refused the sign-in: access_denied: the user said no$/,
      );
      await Promise.all(visits);
    });
  });

  it("rejects a callback with a forged state", async () => {
    await withIssuer({ tamperState: true }, async (issuer) => {
      const { environment, visits } = browserEnvironment();
      await assertRejectsSafely(
        getIdentityToken({ ...base, issuerUrl: issuer.url }, environment),
        ConfigError,
        "OIDC_TOKEN",
        /state does not match/,
      );
      await Promise.all(visits);
      assert.equal(issuer.requests.filter((r) => r.path === "/token").length, 0);
    });
  });

  it("rejects an ID token with another nonce, without quoting it", async () => {
    await withIssuer({ wrongNonce: true }, async (issuer) => {
      const { environment, visits } = browserEnvironment();
      const promise = getIdentityToken({ ...base, issuerUrl: issuer.url }, environment);
      await assert.rejects(promise);
      await Promise.all(visits);
      assert.equal(issuer.issued.length, 1);
      await assertRejectsSafely(promise, ConfigError, "OIDC_TOKEN", /nonce does not match/, issuer.issued);
    });
  });

  it("reports a token endpoint that refuses the PKCE verifier", async () => {
    await withIssuer({ breakPkce: true }, async (issuer) => {
      const { environment, visits } = browserEnvironment();
      await assertRejectsSafely(
        getIdentityToken({ ...base, issuerUrl: issuer.url }, environment),
        ConfigError,
        "OIDC_TOKEN",
        /^OIDC token endpoint refused the token request: HTTP 400: invalid_grant: PKCE verification failed$/,
      );
      await Promise.all(visits);
    });
  });

  it("authenticates a confidential client with HTTP Basic", async () => {
    await withIssuer({ clientSecret: "s3cret:&" }, async (issuer) => {
      const { environment, visits } = browserEnvironment();
      const result = await getIdentityToken(
        { ...base, issuerUrl: issuer.url, clientId: "my-client", clientSecret: "s3cret:&" },
        environment,
      );
      await Promise.all(visits);
      assert.deepEqual(result.claims.aud, ["my-client"]);
      const tokenRequest = issuer.requests.find((r) => r.path === "/token")!;
      assert.equal(tokenRequest.authorization, `Basic ${btoa("my-client:s3cret%3A%26")}`);
      assert.equal(tokenRequest.form.get("client_id"), null);
    });
  });

  it("rejects a discovery document for another issuer", async () => {
    await withIssuer({ statedIssuer: "https://evil.example" }, async (issuer) => {
      const { environment } = browserEnvironment();
      await assertRejectsSafely(
        getIdentityToken({ ...base, issuerUrl: `${issuer.url}/` }, environment),
        NetworkError,
        "NETWORK",
        /answered for another issuer: expected "http:\/\/127\.0\.0\.1:\d+", found "https:\/\/evil\.example"/,
      );
    });
  });

  it("adds 5 s to the polling interval on slow_down", async () => {
    await withIssuer({
      devicePolls: ["authorization_pending", "slow_down", "authorization_pending", "ok"],
      deviceInterval: 2,
    }, async (issuer) => {
      const sleeps: number[] = [];
      const { environment } = browserEnvironment({
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
      });
      const result = await getIdentityToken({ ...base, issuerUrl: issuer.url, useDevice: true }, environment);
      assert.equal(result.source, "device");
      assert.deepEqual(sleeps, [2000, 2000, 7000, 7000]);
    });
  });

  for (
    const [answer, message] of [
      ["expired_token", /user code expired/],
      ["access_denied", /denied by the user/],
      ["invalid_client", /refused the token request: HTTP 400: invalid_client/],
    ] as const
  ) {
    it(`stops device polling on ${answer}`, async () => {
      await withIssuer({ devicePolls: ["authorization_pending", answer] }, async (issuer) => {
        const { environment } = browserEnvironment();
        await assertRejectsSafely(
          getIdentityToken({ ...base, issuerUrl: issuer.url, useDevice: true }, environment),
          ConfigError,
          "OIDC_TOKEN",
          message,
        );
        assert.equal(issuer.requests.filter((r) => r.path === "/token").length, 2);
      });
    });
  }

  it("gives up device polling once expires_in has passed", async () => {
    await withIssuer({ devicePolls: Array(10).fill("authorization_pending") }, async (issuer) => {
      let clock = Date.now();
      const { environment } = browserEnvironment({
        now: () => new Date(clock),
        sleep: (ms) => {
          clock += ms * 100; // 100 s per 1 s poll interval; expires_in is 300 s
          return Promise.resolve();
        },
      });
      await assertRejectsSafely(
        getIdentityToken({ ...base, issuerUrl: issuer.url, useDevice: true }, environment),
        ConfigError,
        "OIDC_TOKEN",
        /timed out/,
      );
      // Polls at +100 s, +200 s and +300 s; at +400 s the code has expired.
      assert.equal(issuer.requests.filter((r) => r.path === "/token").length, 3);
    });
  });

  it("reports an issuer without device authorization", async () => {
    await withIssuer({ noDeviceEndpoint: true }, async (issuer) => {
      const { environment } = browserEnvironment();
      await assertRejectsSafely(
        getIdentityToken({ ...base, issuerUrl: issuer.url, useDevice: true }, environment),
        ConfigError,
        "OIDC_TOKEN",
        /does not offer device authorization/,
      );
    });
  });

  it("reports an unreachable issuer as a NetworkError", async () => {
    const issuer = await startFakeIssuer();
    const url = issuer.url;
    await issuer.close();
    const { environment } = browserEnvironment();
    await assertRejectsSafely(
      getIdentityToken({ ...base, issuerUrl: url }, environment),
      NetworkError,
      "NETWORK",
      /OIDC discovery/,
    );
  });

  it("returns tokens whose claims decode to the issuer's", async () => {
    await withIssuer({}, async (issuer) => {
      const { environment, visits } = browserEnvironment();
      const result = await getIdentityToken({ ...base, issuerUrl: issuer.url }, environment);
      await Promise.all(visits);
      assert.deepEqual(decodeIdentityToken(result.token), result.claims);
      assert.equal(result.claims.iss, issuer.url);
    });
  });
});
