/**
 * Signing as a new user meets its failures: services down, refusing (4xx),
 * failing (5xx, retried a bounded number of times), slow (timeout) or
 * answering garbage; expired or wrong-audience tokens; a signing config with
 * no usable service; existing outputs. Each gives one line on stderr, a
 * non-zero exit and no output file. Fake services run on 127.0.0.1.
 *
 * @module
 */

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { after, before, describe, it } from "node:test";
import { main } from "../../lib/cli/mod.ts";
import { createHttpClient } from "../../lib/net/mod.ts";
import { encodeBase64Url } from "../../lib/encoding/mod.ts";
import { embeddedDocument } from "../../lib/trust/mod.ts";

const NOW = new Date();

function jwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => encodeBase64Url(new TextEncoder().encode(JSON.stringify(v)));
  return `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.${
    encodeBase64Url(new Uint8Array(64).fill(7))
  }`;
}

const nowS = Math.floor(NOW.getTime() / 1000);
const GOOD_TOKEN = jwt({
  iss: "http://127.0.0.1:9/issuer",
  aud: "sigstore",
  sub: "tester@example.com",
  email: "tester@example.com",
  email_verified: true,
  iat: nowS - 10,
  exp: nowS + 600,
});

interface Fake {
  url: string;
  hits: number;
  server: Server;
}

/** A fake service answering every request with `respond`. */
function fakeService(respond: (res: import("node:http").ServerResponse) => void): Promise<Fake> {
  return new Promise((resolve) => {
    const fake = { url: "", hits: 0, server: undefined as unknown as Server };
    fake.server = createServer((req, res) => {
      fake.hits++;
      req.resume();
      req.on("end", () => respond(res));
    });
    fake.server.listen(0, "127.0.0.1", () => {
      const address = fake.server.address() as { port: number };
      fake.url = `http://127.0.0.1:${address.port}`;
      resolve(fake);
    });
  });
}

function signingConfig(fulcio: string, start = "2020-01-01T00:00:00Z"): string {
  const svc = (url: string, v = 1) => ({ url, majorApiVersion: v, validFor: { start }, operator: "test" });
  return JSON.stringify({
    mediaType: "application/vnd.dev.sigstore.signingconfig.v0.2+json",
    caUrls: [svc(fulcio)],
    oidcUrls: [svc("http://127.0.0.1:9/issuer")],
    rekorTlogUrls: [svc("http://127.0.0.1:9/rekor")],
    rekorTlogConfig: { selector: "ANY" },
    tsaUrls: [svc("http://127.0.0.1:9/api/v1/timestamp")],
    tsaConfig: { selector: "ANY" },
  });
}

describe("signing failures", () => {
  const work = mkdtempSync(`${tmpdir()}/sigstore-ts-signfail-`);
  // The services come from --signing-config; the trusted root is pinned too, so no TUF refresh runs.
  const trustedRoot = `${work}/trusted_root.json`;
  writeFileSync(trustedRoot, embeddedDocument("production", "trusted_root.json"));
  const artifact = `${work}/artifact.txt`;
  writeFileSync(artifact, "hello\n");
  const fakes: Fake[] = [];
  let refusing: Fake, failing: Fake, garbage: Fake, slow: Fake;
  before(async () => {
    refusing = await fakeService((res) => {
      res.writeHead(400, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ code: 400, message: "There was an error processing the identity token" }));
    });
    failing = await fakeService((res) => {
      res.writeHead(503);
      res.end("unavailable");
    });
    garbage = await fakeService((res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end("<html>not json</html>");
    });
    slow = await fakeService(() => {/* never answers */});
    fakes.push(refusing, failing, garbage, slow);
  });
  after(() => {
    for (const f of fakes) f.server.close();
    for (const f of fakes) f.server.closeAllConnections?.();
    rmSync(work, { recursive: true, force: true });
  });

  async function sign(fulcio: string, extra: string[] = [], token = GOOD_TOKEN, timeoutMs = 5_000) {
    const config = `${work}/signing_config.json`;
    writeFileSync(config, signingConfig(fulcio));
    let stderr = "";
    let stdout = "";
    const code = await main(
      [
        "sign",
        "--trusted-root",
        trustedRoot,
        "--signing-config",
        config,
        "--identity-token",
        token,
        ...extra,
        artifact,
      ],
      { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, now: () => NOW },
      { http: createHttpClient({ timeoutMs, retries: 2, backoffMs: 10 }) },
    );
    return { code, stderr, stdout };
  }

  /** `sign --trusted-root TRUSTED_ROOT args...` with the default HTTP client. */
  async function signWith(args: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = "";
    const code = await main(["sign", "--trusted-root", trustedRoot, ...args], {
      stdout: () => {},
      stderr: (t) => (stderr += t),
      env: {},
      now: () => NOW,
    });
    return { code, stderr };
  }

  function assertCleanFailure(run: { code: number; stderr: string; stdout: string }, pattern: RegExp) {
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, pattern);
    assert.equal(run.stderr.trim().split("\n").length, 1, `one line: ${run.stderr}`);
    assert.doesNotMatch(
      run.stderr + run.stdout,
      new RegExp(GOOD_TOKEN.split(".")[1]!),
      "the token is never printed",
    );
    assert.deepEqual(readdirSync(work).filter((f) => f.includes("sigstore")), [], "no output file");
  }

  it("Fulcio down is a one-line NETWORK error after bounded retries", async () => {
    assertCleanFailure(
      await sign("http://127.0.0.1:1"),
      /^error: Fulcio \(POST http:\/\/127\.0\.0\.1:1\/api\/v2\/signingCert\) failed after 3 attempts: cannot connect/,
    );
  });
  it("Fulcio refusing (4xx) quotes its message and is not retried", async () => {
    const before = refusing.hits;
    assertCleanFailure(
      await sign(refusing.url),
      /^error: Fulcio refused the request: HTTP 400: There was an error processing the identity token$/m,
    );
    assert.equal(refusing.hits - before, 1);
  });
  it("Fulcio failing (5xx) is retried twice, then reported", async () => {
    const before = failing.hits;
    assertCleanFailure(await sign(failing.url), /failed after 3 attempts: HTTP 503/);
    assert.equal(failing.hits - before, 3);
  });
  it("Fulcio answering garbage is reported as such", async () => {
    assertCleanFailure(await sign(garbage.url), /Fulcio answered HTTP 200 with a body that is not JSON/);
  });
  it("a slow Fulcio times out", async () => {
    assertCleanFailure(await sign(slow.url, [], GOOD_TOKEN, 300), /no answer within 0\.3 s/);
  });
  it("an expired token is refused before any network call", async () => {
    const before = refusing.hits;
    const expired = jwt({
      iss: "x",
      aud: "sigstore",
      sub: "a",
      email: "a@b.c",
      email_verified: true,
      exp: nowS - 3600,
    });
    const run = await sign(refusing.url, [], expired);
    assertCleanFailure(run, /expired/i);
    assert.doesNotMatch(run.stderr, new RegExp(expired.split(".")[1]!));
    assert.equal(refusing.hits, before);
  });
  it("a token for another audience is refused", async () => {
    const other = jwt({
      iss: "x",
      aud: "someone-else",
      sub: "a",
      email: "a@b.c",
      email_verified: true,
      exp: nowS + 600,
    });
    assertCleanFailure(await sign(refusing.url, [], other), /audience/i);
  });
  it("a signing config with no valid service is a CONFIG error", async () => {
    const config = `${work}/future_config.json`;
    writeFileSync(config, signingConfig(refusing.url, "2099-01-01T00:00:00Z"));
    const { code, stderr } = await signWith([
      "--signing-config",
      config,
      "--identity-token",
      GOOD_TOKEN,
      artifact,
    ]);
    assert.equal(code, 1);
    assert.match(stderr, /^error: Signing config has no Fulcio \(caUrls\) service that is valid now/);
  });
  it("an existing output is refused before any network call (exit 2)", async () => {
    const existing = `${work}/exists.sigstore.json`;
    writeFileSync(existing, "keep me");
    const before = refusing.hits;
    const run = await sign(refusing.url, ["--bundle", existing]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Refusing to overwrite .*exists\.sigstore\.json.*--overwrite/);
    assert.equal(refusing.hits, before);
    rmSync(existing);
  });
  it("an unreadable input is refused before any network call", async () => {
    const before = refusing.hits;
    const config = `${work}/signing_config.json`;
    writeFileSync(config, signingConfig(refusing.url));
    const { code, stderr } = await signWith([
      "--signing-config",
      config,
      "--identity-token",
      GOOD_TOKEN,
      `${work}/missing.txt`,
    ]);
    assert.equal(code, 1);
    assert.match(stderr, /Cannot read input .*missing\.txt.*no such file/);
    assert.equal(refusing.hits, before);
    assert.equal(existsSync(`${work}/missing.txt.sigstore.json`), false);
  });
});
