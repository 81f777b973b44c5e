/**
 * The trust cache: its location per platform, and several processes
 * refreshing into one cache at once while the repository changes.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { platform, tmpdir } from "node:os";
import { embeddedDocument } from "../../lib/trust/mod.ts";
import {
  offlineTufTrust,
  publicTufRepository,
  refreshTufTrust,
  resolveCacheDir,
} from "../../lib/trust/tuf_trust.ts";
import { REPO_ROOT } from "../_support/paths.ts";
import { type ProcessRun, runProcess } from "../_support/process.ts";
import { createTestRepository } from "./_tuf_repo.ts";
import { serveFiles } from "./_tuf_server.ts";

test("resolveCacheDir() honours SIGSTORE_TS_CACHE_DIR, then the platform's user cache directory", () => {
  assert.equal(resolveCacheDir({ SIGSTORE_TS_CACHE_DIR: "/x/c", XDG_CACHE_HOME: "/y" }), "/x/c");
  if (platform() === "linux") {
    assert.equal(resolveCacheDir({ XDG_CACHE_HOME: "/y", HOME: "/h" }), "/y/sigstore-ts");
    assert.equal(resolveCacheDir({ HOME: "/h" }), "/h/.cache/sigstore-ts");
    assert.equal(resolveCacheDir({ XDG_CACHE_HOME: "/y/", HOME: "/h" }), "/y/sigstore-ts");
    assert.equal(resolveCacheDir({ HOME: "/h/" }), "/h/.cache/sigstore-ts");
  }
});

test("on Deno without HOME the home directory needs --allow-sys=homedir: one line naming it, and with it the cache is found", async () => {
  const dir = mkdtempSync(`${tmpdir()}/sigstore-ts-homedir-`);
  try {
    const deno = `${REPO_ROOT}/node_modules/.bin/deno`;
    const env = { HOME: "", USERPROFILE: "", XDG_CACHE_HOME: dir, SIGSTORE_TS_CACHE_DIR: "" };
    const show = (grants: string[]) =>
      runProcess(deno, [
        "run",
        "--no-prompt",
        "--allow-read",
        "--allow-env",
        ...grants,
        `${REPO_ROOT}/cli.ts`,
        "trust",
        "show",
      ], env);
    const denied = await show([]);
    assert.equal(denied.code, 1);
    assert.match(
      denied.stderr,
      /^error: Cannot find the home directory for the trust cache \(missing permission: sys access to "homedir" \(run deno with --allow-sys=homedir\)\): set HOME or SIGSTORE_TS_CACHE_DIR\n$/,
    );
    const granted = await show(["--allow-sys=homedir"]);
    assert.equal(granted.code, 1); // no --allow-net: the refresh is refused, after the cache was located
    assert.doesNotMatch(granted.stderr, /home directory/);
    assert.match(granted.stderr, /Cannot refresh the trust from https:\/\/tuf-repo-cdn\.sigstore\.dev/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function run(args: string[]): Promise<ProcessRun> {
  return runProcess(`${REPO_ROOT}/node_modules/.bin/deno`, ["run", "-A", "--no-check", ...args]);
}

test("concurrent refreshes from several processes never corrupt the cache", async () => {
  const now = new Date("2026-08-22T00:00:00Z");
  const repo = createTestRepository(
    now,
    new Map([[
      "trusted_root.json",
      new TextEncoder().encode(embeddedDocument("production", "trusted_root.json")),
    ]]),
  );
  const server = await serveFiles(repo.files);
  const dir = mkdtempSync(`${tmpdir()}/sigstore-ts-concurrent-`);
  try {
    writeFileSync(`${dir}/root.json`, repo.roots.get(1)!);
    const cacheDir = `${dir}/cache`;
    const script = `${REPO_ROOT}/tests/trust/_refresh_process.ts`;
    const processes = Array.from(
      { length: 5 },
      () => run([script, server.url, `${dir}/root.json`, cacheDir, now.toISOString(), "6"]),
    );
    // The repository keeps publishing new versions while the processes refresh.
    const publisher = setInterval(() => repo.publish(), 30);
    const results = await Promise.all(processes);
    clearInterval(publisher);
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const seen = results.flatMap((r) => r.stdout.trim().split("\n").map(Number));
    assert.equal(seen.length, 30);
    const repository = { url: server.url, bootstrapRoot: repo.roots.get(1)!, instance: undefined };
    const cached = offlineTufTrust({ repository, cacheDir });
    assert.equal(cached.info.source, "cache");
    assert.ok(cached.info.versions.timestamp! >= Math.max(...seen), "the newest state seen is kept");
    assert.deepEqual(
      readdirSync(`${cacheDir}/tuf`).filter((n) => n.endsWith(".tmp")),
      [],
      "no temporary files left",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
});

test("a damaged cache is refused with TUF_CACHE, never used: garbage, or a target changed on disk", async () => {
  const now = new Date("2026-08-22T00:00:00Z");
  const trustedRoot = new TextEncoder().encode(embeddedDocument("production", "trusted_root.json"));
  const repo = createTestRepository(now, new Map([["trusted_root.json", trustedRoot]]));
  const server = await serveFiles(repo.files);
  const cacheDir = mkdtempSync(`${tmpdir()}/sigstore-ts-damaged-`);
  try {
    const repository = { url: server.url, bootstrapRoot: repo.roots.get(1)!, instance: undefined };
    await refreshTufTrust({ repository, cacheDir, now });
    assert.equal(offlineTufTrust({ repository, cacheDir }).info.source, "cache");
    const [name] = readdirSync(`${cacheDir}/tuf`);
    const path = `${cacheDir}/tuf/${name}`;
    const good = readFileSync(path, "utf8");
    const json = JSON.parse(good);
    json.targets["trusted_root.json"] = btoa(`${atob(json.targets["trusted_root.json"]).slice(0, -2)}x}`);
    writeFileSync(path, JSON.stringify(json));
    assert.throws(
      () => offlineTufTrust({ repository, cacheDir }),
      (e: Error & { code?: string }) =>
        e.code === "TUF_CACHE" && /does not match its targets metadata/.test(e.message),
    );
    writeFileSync(path, good.slice(0, 100));
    assert.throws(
      () => offlineTufTrust({ repository, cacheDir }),
      (e: Error & { code?: string }) =>
        e.code === "TUF_CACHE" && /is damaged .*delete it and refresh/.test(e.message),
    );
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
    await server.close();
  }
});

test("a missing cache file means no cached trust; a cache path that cannot be looked up is refused with TUF_CACHE", () => {
  const dir = mkdtempSync(`${tmpdir()}/sigstore-ts-cache-path-`);
  try {
    const repository = publicTufRepository("production");
    assert.equal(offlineTufTrust({ repository, cacheDir: `${dir}/absent` }).info.source, "embedded");
    // The twin: the cache directory is a regular file, so its entries cannot even be looked up (ENOTDIR):
    // that is a broken cache to report, not one to treat as absent.
    writeFileSync(`${dir}/file`, "not a directory");
    assert.throws(
      () => offlineTufTrust({ repository, cacheDir: `${dir}/file` }),
      (e: Error & { code?: string }) =>
        e.code === "TUF_CACHE" && /Cannot read the trust cache/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
