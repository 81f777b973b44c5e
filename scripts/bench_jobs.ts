/**
 * Benchmark (not a test): how `verify identity --jobs N` scales from 1 to N
 * worker threads. Copies one genuine bundle and its artifact K times into a
 * scratch directory, runs the CLI over all K inputs with each job count
 * (best of R runs, wall clock, process start included), and prints inputs
 * per second and the speed-up over `--jobs 1`.
 *
 * Run: deno run --allow-read --allow-env --allow-run --allow-write=/tmp --allow-sys scripts/bench_jobs.ts \
 *   [--runtime deno|bun|node|exe] [--inputs K] [--max-jobs N] [--runs R]
 *
 * `node` runs the bundle `dist/sigstore-ts.mjs` and `exe` the standalone
 * `dist/sigstore-ts` (both from `npm run build`).
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import process from "node:process";
import { parseArgs } from "node:util";
import { availableCores } from "../lib/cli/verify_pool_size.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const CASE = `${ROOT}testdata/genuine/java-bundle-v3-prod`;
const IDENTITY = ["--cert-identity", "appu@google.com", "--cert-oidc-issuer", "https://accounts.google.com"];

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    runtime: { type: "string", default: "deno" },
    inputs: { type: "string", default: "400" },
    "max-jobs": { type: "string", default: String(availableCores()) },
    runs: { type: "string", default: "3" },
  },
});
const inputs = Number(values.inputs);
const maxJobs = Number(values["max-jobs"]);
const runs = Number(values.runs);

function command(runtime: string): string[] {
  switch (runtime) {
    case "deno":
      return [`${ROOT}node_modules/.bin/deno`, "run", "-A", `${ROOT}cli.ts`];
    case "bun":
      return [`${ROOT}node_modules/.bin/bun`, `${ROOT}cli.ts`];
    case "node":
      return [process.execPath.includes("deno") ? "node" : process.execPath, `${ROOT}dist/sigstore-ts.mjs`];
    case "exe":
      return [`${ROOT}dist/sigstore-ts`];
    default:
      throw new Error(`unknown runtime ${runtime}`);
  }
}

const dir = `${os.tmpdir()}/sigstore-ts-bench-jobs`;
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const files: string[] = [];
for (let i = 0; i < inputs; i++) {
  const path = `${dir}/artifact-${i}`;
  copyFileSync(`${CASE}/artifact`, path);
  copyFileSync(`${CASE}/bundle.sigstore.json`, `${path}.sigstore.json`);
  files.push(path);
}
const [exe, ...pre] = command(values.runtime!);
if (values.runtime === "node" || values.runtime === "exe") {
  if (!existsSync(pre[0] ?? exe!)) throw new Error("run npm run build first");
}

console.log(
  `verify identity --offline over ${inputs} inputs (${values.runtime}), best of ${runs}; ${os.cpus().length} cores ` +
    `(${os.cpus()[0]?.model ?? "?"})`,
);
console.log("jobs  seconds  inputs/s  speed-up");
let base = 0;
for (let jobs = 1; jobs <= maxJobs; jobs++) {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const run = spawnSync(exe!, [
      ...pre,
      "verify",
      "identity",
      "--offline",
      ...IDENTITY,
      "--jobs",
      String(jobs),
      ...files,
    ], {
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    const seconds = (performance.now() - start) / 1000;
    if (run.status !== 0) throw new Error(`--jobs ${jobs} exited ${run.status}: ${run.stderr.slice(0, 500)}`);
    best = Math.min(best, seconds);
  }
  if (jobs === 1) base = best;
  console.log(
    `${String(jobs).padStart(4)}  ${best.toFixed(2).padStart(7)}  ${
      (inputs / best).toFixed(0).padStart(8)
    }  ${(base / best).toFixed(2).padStart(8)}x`,
  );
}
rmSync(dir, { recursive: true, force: true });
