/**
 * The TUF refresh on every runtime: Bun running cli.ts, Node running the
 * bundle of `npm run build` (dist/sigstore-ts.mjs) and the standalone
 * executable (dist/sigstore-ts), each against a generated repository on
 * 127.0.0.1 that vouches for the real production trusted root: trust the
 * instance, verify a genuine bundle online, and refuse a tampered target.
 * The builds come from `npm run build` (CI runs it before the tests; under
 * CI=true a missing build fails).
 *
 * @module
 */

import { test } from "node:test";
import { skipTest } from "../_support/unavailable.ts";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { embeddedDocument } from "../../lib/trust/mod.ts";
import { GENUINE_VERIFY_ARGS, REPO_ROOT } from "../_support/paths.ts";
import { runProcess } from "../_support/process.ts";
import { createTestRepository } from "./_tuf_repo.ts";
import { serveFiles } from "./_tuf_server.ts";

const VERIFY = GENUINE_VERIFY_ARGS;

const RUNTIMES: [string, string, string[]][] = [
  ["Bun (cli.ts)", `${REPO_ROOT}/node_modules/.bin/bun`, [`${REPO_ROOT}/cli.ts`]],
  ["Node (dist/sigstore-ts.mjs)", "node", [`${REPO_ROOT}/dist/sigstore-ts.mjs`]],
  ["the standalone executable (dist/sigstore-ts)", `${REPO_ROOT}/dist/sigstore-ts`, []],
];

for (const [name, command, prefix] of RUNTIMES) {
  test(`${name} refreshes trust over TUF and verifies online`, async (t) => {
    const built = prefix.length === 0 ? command : prefix[0]!;
    if (!existsSync(built)) return skipTest(t, `${built} is missing (npm run build)`);
    const trustedRoot = new TextEncoder().encode(embeddedDocument("production", "trusted_root.json"));
    const repo = createTestRepository(new Date(), new Map([["trusted_root.json", trustedRoot]]));
    const server = await serveFiles(repo.files);
    const cache = mkdtempSync(`${tmpdir()}/sigstore-ts-runtime-`);
    const env = { SIGSTORE_TS_CACHE_DIR: cache };
    const run = (args: string[]) => runProcess(command, [...prefix, ...args], env);
    try {
      writeFileSync(`${cache}/root.json`, repo.roots.get(1)!);
      const init = await run(["trust-instance", "--instance", server.url, `${cache}/root.json`]);
      assert.equal(init.code, 0, init.stderr);
      const ok = await run([...VERIFY, "--instance", server.url, "--json"]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(JSON.parse(ok.stdout).trust.source, "tuf");
      assert.ok(server.requests.includes("1.targets.json"));
      // A new trusted root is published, but the file served for it is not the one listed.
      repo.targets.set(
        "trusted_root.json",
        new TextEncoder().encode(`${new TextDecoder().decode(trustedRoot)} `),
      );
      const before = new Set(repo.files.keys());
      repo.publish();
      const name = [...repo.files.keys()].find((n) => n.startsWith("targets/") && !before.has(n))!;
      repo.files.set(name, new Uint8Array(trustedRoot.length).fill(32));
      const refused = await run(["plumbing", "update-trust-root", "--instance", server.url, "-v"]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /error code: TUF_HASH_MISMATCH/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
      await server.close();
    }
  });
}
