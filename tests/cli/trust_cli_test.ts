/**
 * The trust the CLI uses: online refresh over TUF (the real production
 * repository served on 127.0.0.1, via --instance), the cache, a failed
 * refresh, --offline (under `deno run --deny-net`, loading no TUF code),
 * the age warning and --max-trust-age, trust export / --trust-bundle /
 * trust import for air-gapped machines, trust show, and signing with the
 * refreshed signing config.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { encodeBase64Url } from "../../lib/encoding/mod.ts";
import { embeddedDocument } from "../../lib/trust/mod.ts";
import { runCli } from "../_support/cli.ts";
import { GENUINE_VERIFY_ARGS, REPO_ROOT, TESTDATA } from "../_support/paths.ts";
import { runProcess } from "../_support/process.ts";
import { createTestRepository } from "../trust/_tuf_repo.ts";
import { publishedLayout, serveFiles, SHARED_TUF_REPOSITORY, sharedTest } from "../trust/_tuf_server.ts";

/** Inside the validity of every role of ../shared/tuf. */
const NOW = new Date("2026-08-22T00:00:00Z");
/** Four months after the embedded trust was taken (2026-08-21). */
const DECEMBER = new Date("2026-12-01T00:00:00Z");
const BUNDLE = `${TESTDATA}/genuine/java-bundle-v3-prod`;
const VERIFY = GENUINE_VERIFY_ARGS;

function tempDir(): string {
  return mkdtempSync(`${tmpdir()}/sigstore-ts-trustcli-`);
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}

sharedTest(
  "verify --instance refreshes over TUF, then uses the fresh cache with no request",
  SHARED_TUF_REPOSITORY,
  async (dir) => {
    const server = await serveFiles(publishedLayout(dir));
    const cache = tempDir();
    const env = { SIGSTORE_TS_CACHE_DIR: cache };
    try {
      const root = `${dir}/metadata/root_history/5.root.json`;
      const init = await runCli(["trust-instance", "--instance", server.url, root], env, NOW);
      assert.equal(init.code, 0, init.stderr);
      const online = await runCli([...VERIFY, "--instance", server.url, "--json"], env, NOW);
      assert.equal(online.code, 0, online.stderr);
      const trust = JSON.parse(online.stdout).trust;
      assert.equal(trust.source, "tuf");
      assert.deepEqual(trust.versions, { root: 15, timestamp: 762, snapshot: 165, targets: 14 });
      assert.equal(trust.timestampExpires, "2026-08-28T19:25:56.000Z");
      assert.equal(trust.ageSeconds, 0);
      // The same repository with a trailing slash: the same cache entry, so no new request.
      const slash = await runCli([...VERIFY, "--instance", `${server.url}/`, "--json"], env, NOW);
      assert.equal(JSON.parse(slash.stdout).trust.source, "cache", slash.stderr);
      const requests = server.requests.length;
      const cached = await runCli(
        [...VERIFY, "--instance", server.url, "-v"],
        env,
        new Date("2026-08-23T00:00:00Z"),
      );
      assert.equal(cached.code, 0, cached.stderr);
      assert.match(cached.stderr, /^trust: cache .*root v15, timestamp v762.*\(1d 0h ago\)/m);
      assert.equal(server.requests.length, requests, "a fresh cache makes no network call");
      const show = await runCli(["trust", "show", "--instance", server.url, "--json"], env, NOW);
      assert.equal(show.code, 0, show.stderr);
      const shown = JSON.parse(show.stdout);
      assert.equal(shown.trust.source, "cache");
      assert.ok(
        shown.keys.tlogs.some((l: { url: string }) => l.url === "https://rekor.sigstore.dev"),
      );
    } finally {
      rmSync(cache, { recursive: true, force: true });
      await server.close();
    }
  },
);

sharedTest(
  "trust export on the online machine; --trust-bundle and trust import on an air-gapped one",
  SHARED_TUF_REPOSITORY,
  async (dir) => {
    const server = await serveFiles(publishedLayout(dir));
    const online = tempDir();
    const offline = tempDir();
    const root = `${dir}/metadata/root_history/5.root.json`;
    const file = `${online}/export.json`;
    try {
      const on = { SIGSTORE_TS_CACHE_DIR: online };
      assert.equal((await runCli(["trust-instance", "--instance", server.url, root], on, NOW)).code, 0);
      const exported = await runCli(["trust", "export", "--instance", server.url, file], on, NOW);
      assert.equal(exported.code, 0, exported.stderr);
      assert.match(exported.stderr, /^wrote .*export.json: tuf /);
      const again = await runCli(["trust", "export", "--instance", server.url, file], on, NOW);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /Refusing to overwrite/);
    } finally {
      await server.close();
    }
    try {
      // The air-gapped machine: the repository is unreachable; it trusts the same root.
      const off = { SIGSTORE_TS_CACHE_DIR: offline };
      const later = new Date("2026-08-24T00:00:00Z");
      assert.equal((await runCli(["trust-instance", "--instance", server.url, root], off, later)).code, 0);
      const used = await runCli(
        [...VERIFY, "--instance", server.url, "--trust-bundle", file, "--json"],
        off,
        later,
      );
      assert.equal(used.code, 0, used.stderr);
      assert.equal(JSON.parse(used.stdout).trust.source, "trust-bundle");
      assert.equal(JSON.parse(used.stdout).trust.ageSeconds, 2 * 86400);
      // A tampered bundle is refused, whatever was changed.
      const json = JSON.parse(readFileSync(file, "utf8"));
      // Root version 9 with its signed expiry moved a century on: its signatures no longer verify.
      json.metadata.roots[3] = btoa(atob(json.metadata.roots[3]).replace('"expires": "20', '"expires": "21'));
      writeFileSync(`${offline}/tampered.json`, JSON.stringify(json));
      const tampered = await runCli(
        [...VERIFY, "--instance", server.url, "--trust-bundle", `${offline}/tampered.json`, "-v"],
        off,
        later,
      );
      assert.equal(tampered.code, 1);
      assert.match(
        tampered.stderr,
        /^error: Cannot verify TUF root version 9 from .*tampered.json: root was signed by 0\/\d keys/m,
      );
      assert.match(tampered.stderr, /error code: TUF_SIGNATURE/);
      // After the bundle expires it is refused.
      const expired = await runCli(
        [...VERIFY, "--instance", server.url, "--trust-bundle", file],
        off,
        new Date("2026-09-01T00:00:00Z"),
      );
      assert.equal(expired.code, 1);
      assert.match(expired.stderr, /timestamp.json is expired/);
      // Imported, it becomes the cache that --offline uses.
      const imported = await runCli(["trust", "import", "--instance", server.url, file], off, later);
      assert.equal(imported.code, 0, imported.stderr);
      const cached = await runCli([...VERIFY, "--instance", server.url, "--offline", "--json"], off, later);
      assert.equal(cached.code, 0, cached.stderr);
      assert.equal(JSON.parse(cached.stdout).trust.source, "cache");
    } finally {
      rmSync(online, { recursive: true, force: true });
      rmSync(offline, { recursive: true, force: true });
    }
  },
);

test("a failed online refresh is one line naming the URL, the cause and what --offline would use", async () => {
  const trustedRoot = new TextEncoder().encode(embeddedDocument("production", "trusted_root.json"));
  const repo = createTestRepository(NOW, new Map([["trusted_root.json", trustedRoot]]));
  const server = await serveFiles(repo.files);
  const cache = tempDir();
  const env = { SIGSTORE_TS_CACHE_DIR: cache };
  try {
    writeFileSync(`${cache}/root.json`, repo.roots.get(1)!);
    assert.equal(
      (await runCli(["trust-instance", "--instance", server.url, `${cache}/root.json`], env, NOW)).code,
      0,
    );
    const first = await runCli(["trust", "show", "--instance", server.url], env, NOW);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^trust: tuf http:\/\/127.0.0.1:\d+, root v1, timestamp v1/);
    await server.close();
    // Eight days on, the cached timestamp has expired: the refresh is needed, and fails.
    const down = await runCli([...VERIFY, "--instance", server.url], env, new Date("2026-08-30T00:00:00Z"));
    assert.equal(down.code, 1);
    assert.equal(lines(down.stderr).length, 1, down.stderr);
    assert.match(
      down.stderr,
      new RegExp(
        `^error: Cannot refresh the trust from ${server.url} \\(with --offline the cache trust would be used, ` +
          `8d 0h old\\): TUF repository \\(GET ${server.url}/2.root.json\\) failed after 2 attempts: cannot connect.*\\n$`,
      ),
    );
  } finally {
    rmSync(cache, { recursive: true, force: true });
    await server.close().catch(() => {});
  }
});

test("a private instance needs trust-instance first", async () => {
  const run = await runCli([...VERIFY, "--instance", "https://tuf.example.com"]);
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /^error: No TUF root is trusted for https:\/\/tuf.example.com: run "sigstore-ts --instance/,
  );
  const usage = await runCli(["trust-instance", "--instance", "https://tuf-repo-cdn.sigstore.dev", "x.json"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /public-good instance: its TUF root is embedded/);
  const bad = tempDir();
  try {
    writeFileSync(`${bad}/root.json`, embeddedDocument("production", "trusted_root.json"));
    const notRoot = await runCli([
      "trust-instance",
      "--instance",
      "https://tuf.example.com",
      `${bad}/root.json`,
    ]);
    assert.equal(notRoot.code, 1);
    assert.match(notRoot.stderr, /^error: Cannot verify TUF root from https:\/\/tuf.example.com/);
  } finally {
    rmSync(bad, { recursive: true, force: true });
  }
});

test("--offline warns once about trust older than 30 days, and --max-trust-age fails on it", async () => {
  const empty = tempDir(); // no cache: the embedded trust (as of 2026-08-21) is used
  const none = { SIGSTORE_TS_CACHE_DIR: empty };
  const fresh = await runCli([...VERIFY, "--offline"], none, new Date("2026-09-01T00:00:00Z"));
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.deepEqual(lines(fresh.stderr), [`OK: ${BUNDLE}/artifact`]);
  const old = await runCli([...VERIFY, "--offline"], none, DECEMBER);
  assert.equal(old.code, 0, old.stderr);
  assert.deepEqual(lines(old.stderr).length, 2);
  assert.match(
    old.stderr,
    /^warning: the embedded trust in use is 102d 0h old; refresh it online \(sigstore-ts plumbing update-trust-root\)/,
  );
  const stale = await runCli([...VERIFY, "--offline", "--max-trust-age", "30d", "-v"], none, DECEMBER);
  assert.equal(stale.code, 1);
  assert.match(
    stale.stderr,
    /^error: The trust in use \(embedded production\) is 102d 0h old, older than the 30d 0h allowed/m,
  );
  assert.match(stale.stderr, /error code: TRUST_STALE/);
  const allowed = await runCli([...VERIFY, "--offline", "--max-trust-age", "20w"], none, DECEMBER);
  assert.equal(allowed.code, 0, allowed.stderr);
  const usage = await runCli([...VERIFY, "--offline", "--max-trust-age", "30 days"], none, DECEMBER);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--max-trust-age takes a duration such as 30d/);
  const dir = tempDir();
  try {
    writeFileSync(`${dir}/trusted_root.json`, embeddedDocument("production", "trusted_root.json"));
    const args = [...VERIFY, "--trusted-root", `${dir}/trusted_root.json`, "--max-trust-age", "1d"];
    const file = await runCli(args, none, DECEMBER);
    assert.equal(file.code, 1);
    assert.match(file.stderr, /age of the trust in use \(file .*\) is unknown/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  rmSync(empty, { recursive: true, force: true });
});

test("cold --offline verify runs under deno run --deny-net and loads no TUF code", async () => {
  const cache = tempDir();
  try {
    const deno = `${REPO_ROOT}/node_modules/.bin/deno`;
    const args = ["run", "--allow-read", "--allow-env", "--deny-net", "--no-prompt"];
    const env = { SIGSTORE_TS_CACHE_DIR: cache };
    const cli = await runProcess(deno, [...args, `${REPO_ROOT}/cli.ts`, ...VERIFY, "--offline"], env);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stderr, /OK: /);
    const probe = await runProcess(deno, [
      ...args,
      `${REPO_ROOT}/tests/cli/_offline_probe.ts`,
      ...VERIFY,
      "--offline",
    ], env);
    assert.equal(probe.code, 0, probe.stderr);
    assert.equal(probe.stdout.trim(), "exit 0, tuf-js modules loaded: 0");
    // The probe does see tuf-js when a command needs it (trust-instance checks the root's signatures).
    writeFileSync(`${cache}/root.json`, embeddedDocument("production", "root.json"));
    const loaded = await runProcess(
      deno,
      [
        "run",
        "--allow-read",
        "--allow-env",
        "--allow-write",
        `${REPO_ROOT}/tests/cli/_offline_probe.ts`,
        "trust-instance",
        "--instance",
        "https://tuf.example.com",
        `${cache}/root.json`,
      ],
      { SIGSTORE_TS_CACHE_DIR: cache },
    );
    assert.match(loaded.stdout, /^exit 0, tuf-js modules loaded: [1-9]/, loaded.stderr);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test("sign uses the signing config refreshed over TUF", async () => {
  const fulcio = "http://127.0.0.1:9/fulcio-named-by-tuf";
  const svc = (url: string) => ({
    url,
    majorApiVersion: 1,
    validFor: { start: "2020-01-01T00:00:00Z" },
    operator: "t",
  });
  const signingConfig = JSON.stringify({
    mediaType: "application/vnd.dev.sigstore.signingconfig.v0.2+json",
    caUrls: [svc(fulcio)],
    oidcUrls: [svc("http://127.0.0.1:9/issuer")],
    rekorTlogUrls: [svc("http://127.0.0.1:9/rekor")],
    rekorTlogConfig: { selector: "ANY" },
    tsaUrls: [],
    tsaConfig: { selector: "ANY" },
  });
  const now = new Date();
  const repo = createTestRepository(
    now,
    new Map([
      ["trusted_root.json", new TextEncoder().encode(embeddedDocument("production", "trusted_root.json"))],
      ["signing_config.v0.2.json", new TextEncoder().encode(signingConfig)],
    ]),
  );
  const server = await serveFiles(repo.files);
  const work = tempDir();
  const env = { SIGSTORE_TS_CACHE_DIR: work };
  try {
    writeFileSync(`${work}/root.json`, repo.roots.get(1)!);
    writeFileSync(`${work}/a.txt`, "hello\n");
    assert.equal(
      (await runCli(["trust-instance", "--instance", server.url, `${work}/root.json`], env, now)).code,
      0,
    );
    const part = (v: unknown) => encodeBase64Url(new TextEncoder().encode(JSON.stringify(v)));
    const s = Math.floor(now.getTime() / 1000);
    const claims = {
      iss: "http://127.0.0.1:9/issuer",
      aud: "sigstore",
      sub: "t@example.com",
      email: "t@example.com",
    };
    const token = `${part({ alg: "RS256" })}.${
      part({ ...claims, email_verified: true, iat: s, exp: s + 600 })
    }.${encodeBase64Url(new Uint8Array(64))}`;
    const run = await runCli(
      ["sign", "--instance", server.url, "--identity-token", token, `${work}/a.txt`],
      env,
      now,
    );
    assert.equal(run.code, 1);
    assert.match(run.stderr, /fulcio-named-by-tuf/);
  } finally {
    rmSync(work, { recursive: true, force: true });
    await server.close();
  }
});
