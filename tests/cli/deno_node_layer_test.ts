/**
 * `deno run cli.ts verify --offline` loads no `node:` module: on Deno any
 * of them (and `process`) starts the Node compatibility layer, which costs
 * more start-up time than the whole verification. Deno's debug log names
 * every module it loads; the twin, `--jobs 2` (its workers use
 * `node:worker_threads`), shows that the log does name them.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { GENUINE_VERIFY_ARGS, REPO_ROOT, TESTDATA } from "../_support/paths.ts";
import { runProcess } from "../_support/process.ts";

/** The modules of Deno's Node layer that a `deno run` loaded, from its debug log. */
async function nodeLayerModules(args: string[]): Promise<string[]> {
  const run = await runProcess(
    `${REPO_ROOT}/node_modules/.bin/deno`,
    ["run", "--no-prompt", "-L", "debug", "--allow-read", `${REPO_ROOT}/cli.ts`, ...args],
    { NO_COLOR: "1" },
  );
  assert.equal(run.code, 0, run.stderr.split("\n").filter((l) => !l.startsWith("DEBUG")).join("\n"));
  // The log names the modules it loads (the probe: the CLI's own entry module).
  assert.match(run.stderr, /file:\/\/[^\s,]*\/lib\/cli\/mod\.ts/, "Deno's debug log no longer names modules");
  return [...new Set(run.stderr.match(/ext:deno_node\/[^\s,]+/g) ?? [])];
}

test("an offline verify under deno run loads no module of Deno's Node layer", async () => {
  assert.deepEqual(await nodeLayerModules([...GENUINE_VERIFY_ARGS, "--offline"]), []);
});

test("its twin: verify --jobs 2 loads node:worker_threads, and the log shows it", async () => {
  const dir = mkdtempSync(`${tmpdir()}/sigstore-ts-node-layer-`);
  try {
    const inputs = [1, 2].map((i) => {
      const path = `${dir}/input-${i}`;
      copyFileSync(`${TESTDATA}/genuine/java-bundle-v3-prod/artifact`, path);
      copyFileSync(`${TESTDATA}/genuine/java-bundle-v3-prod/bundle.sigstore.json`, `${path}.sigstore.json`);
      return path;
    });
    const args = GENUINE_VERIFY_ARGS.slice(0, GENUINE_VERIFY_ARGS.indexOf("--bundle"));
    const flags = GENUINE_VERIFY_ARGS.slice(GENUINE_VERIFY_ARGS.indexOf("--cert-identity"), -1);
    const loaded = await nodeLayerModules([...args, ...flags, "--offline", "--jobs", "2", ...inputs]);
    assert.ok(loaded.includes("ext:deno_node/worker_threads.ts"), loaded.join(", "));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
