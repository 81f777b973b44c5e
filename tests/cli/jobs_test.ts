/**
 * `verify --jobs N`: the same reports and `--json` result as one job, in
 * input order, with failures in the middle (a changed artifact, a missing
 * bundle); in-process, through `cli.ts` on Deno and Bun, the Node bundle
 * and the Bun executable (each program's own entry serving as the worker);
 * the Deno read permission the workers need; and the usage errors of a bad
 * N or standard input.
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import process from "node:process";
import { describe, it } from "node:test";
import { main } from "../../lib/cli/mod.ts";
import { runCli, TEST_CACHE_DIR } from "../_support/cli.ts";
import { REPO_ROOT, TESTDATA } from "../_support/paths.ts";

const CASE = `${TESTDATA}/genuine/java-bundle-v3-prod`;
const FLAGS = [
  "verify",
  "identity",
  "--offline",
  "--cert-identity",
  "appu@google.com",
  "--cert-oidc-issuer",
  "https://accounts.google.com",
];

/** Nine inputs: genuine ones, with a changed artifact at 3, a missing bundle at 6, and 9 at the end. */
function inputs(): string[] {
  const dir = mkdtempSync(`${os.tmpdir()}/sigstore-ts-jobs-`);
  const out: string[] = [];
  for (let i = 1; i <= 9; i++) {
    const path = `${dir}/input-${i}`;
    copyFileSync(`${CASE}/artifact`, path);
    if (i !== 6) copyFileSync(`${CASE}/bundle.sigstore.json`, `${path}.sigstore.json`);
    if (i === 3) writeFileSync(path, "changed\n", { flag: "a" });
    out.push(path);
  }
  return out;
}

describe("verify --jobs", () => {
  const files = inputs();

  it("in-process: the same stderr, --json and exit code as --jobs 1, in input order", async () => {
    const now = new Date(); // one clock reading for every run, so the trust's reported age is the same
    const one = await runCli([...FLAGS, "--json", "--jobs", "1", ...files], {}, now);
    assert.equal(one.code, 1);
    assert.deepEqual(
      one.stderr.split("\n").filter(Boolean).map((l) => l.split(":")[0]),
      ["OK", "OK", "FAIL", "OK", "OK", "FAIL", "OK", "OK", "OK"],
    );
    for (const jobs of ["3", "auto"]) {
      const many = await runCli([...FLAGS, "--json", "--jobs", jobs, ...files], {}, now);
      assert.equal(many.code, one.code, jobs);
      assert.equal(many.stderr, one.stderr, jobs);
      assert.equal(many.stdout, one.stdout, jobs);
    }
  });

  it("a worker whose code loads slowly gets its tasks once it listens (no task is lost, nothing hangs)", async () => {
    const now = new Date();
    const one = await runCli([...FLAGS, "--jobs", "1", ...files], {}, now);
    let stderr = "";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const code = await Promise.race([
      main([...FLAGS, "--jobs", "2", ...files], {
        stdout: () => {},
        stderr: (t) => (stderr += t),
        env: { SIGSTORE_TS_CACHE_DIR: TEST_CACHE_DIR },
        now: () => now,
        workerEntry: new URL("./_slow_worker.ts", import.meta.url).href,
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("--jobs 2 with a slow worker hung")), 60_000);
      }),
    ]).finally(() => clearTimeout(timer));
    assert.equal(code, one.code);
    assert.equal(stderr, one.stderr);
  });

  const programs: [string, string[], string | undefined][] = [
    ["deno cli.ts", [`${REPO_ROOT}/node_modules/.bin/deno`, "run", "-A", `${REPO_ROOT}/cli.ts`], undefined],
    ["bun cli.ts", [`${REPO_ROOT}/node_modules/.bin/bun`, `${REPO_ROOT}/cli.ts`], undefined],
    [
      "node dist/sigstore-ts.mjs",
      ["node", `${REPO_ROOT}/dist/sigstore-ts.mjs`],
      `${REPO_ROOT}/dist/sigstore-ts.mjs`,
    ],
    ["the executable dist/sigstore-ts", [`${REPO_ROOT}/dist/sigstore-ts`], `${REPO_ROOT}/dist/sigstore-ts`],
  ];
  for (const [name, command, built] of programs) {
    it(`${name}: workers started from the program's own entry give the same output`, (t) => {
      if (built !== undefined && !existsSync(built)) {
        if (process.env.CI === "true") assert.fail(`CI=true but ${built} is missing (npm run build)`);
        return t.skip(`${built} not built (npm run build)`);
      }
      const run = (jobs: string) =>
        spawnSync(command[0]!, [...command.slice(1), ...FLAGS, "--jobs", jobs, ...files], {
          encoding: "utf8",
          env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir() },
        });
      const one = run("1");
      const two = run("2");
      assert.equal(one.status, 1, one.stderr);
      assert.equal(two.status, 1, two.stderr);
      assert.equal(two.stderr, one.stderr);
      assert.match(two.stderr, /^(warning: [^\n]*\n)?OK: .*input-1\nOK: .*input-2\nFAIL: .*input-3: /);
    });
  }

  it("Deno: workers need read access to the program; without it one clear line, with it the same output", () => {
    const deno = `${REPO_ROOT}/node_modules/.bin/deno`;
    const dir = files[0]!.slice(0, files[0]!.lastIndexOf("/"));
    const run = (read: string) =>
      spawnSync(deno, [
        "run",
        "--no-prompt",
        `--allow-read=${read}`,
        `${REPO_ROOT}/cli.ts`,
        ...FLAGS,
        "--jobs",
        "2",
        ...files,
      ], {
        encoding: "utf8",
      });
    const narrow = run(dir);
    assert.equal(narrow.status, 1);
    assert.match(
      narrow.stderr,
      /^(warning: [^\n]*\n)?error: --jobs 2 starts worker threads, which on Deno need read access to ".*cli\.ts"/,
    );
    assert.doesNotMatch(narrow.stderr, /OK:/);
    const wide = run(`${dir},${REPO_ROOT}`);
    assert.equal(wide.status, 1, wide.stderr);
    assert.match(wide.stderr, /^(warning: [^\n]*\n)?OK: .*input-1\nOK: .*input-2\nFAIL: .*input-3: /);
  });

  it("usage errors: a bad N, and - (standard input) with more than one job", async () => {
    for (const bad of ["0", "-1", "1.5", "x", "257", "01"]) {
      const run = await runCli([...FLAGS, `--jobs=${bad}`, ...files]);
      assert.equal(run.code, 2, bad);
      assert.match(run.stderr, /--jobs must be a whole number from 1 to 256, or auto/);
    }
    const stdin = await runCli(
      [...FLAGS, "--jobs", "2", "--bundle", `${CASE}/bundle.sigstore.json`, "-"],
      {},
      new Date(),
      new Uint8Array([1]),
    );
    assert.equal(stdin.code, 2);
    assert.match(stdin.stderr, /--jobs cannot be combined with - \(standard input/);
  });
});
