/**
 * Benchmark (not a test): in-process verifications per second for a v0.1, a
 * v0.2 and a v0.3 bundle, one cold CLI run, and streamed hashing throughput.
 *
 * Run: deno run --allow-read --allow-env --allow-run --allow-write=/tmp scripts/bench_verify.ts
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import { parseBundleJson } from "../lib/bundle/mod.ts";
import { digestStream } from "../lib/crypto/mod.ts";
import { embeddedTrustedRoot } from "../lib/trust/mod.ts";
import { verifyBundle } from "../lib/verify/mod.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const CASES = [
  { label: "v0.1 (Rekor v1, SET)", dir: "py-bundle-v01-production" },
  { label: "v0.2 (Rekor v1, SET + proof)", dir: "py-bundle-v02-production" },
  { label: "v0.3 (Rekor v1, proof)", dir: "py-bundle-v3-production" },
];

function loadCase(dir: string) {
  const base = `${ROOT}testdata/genuine/${dir}`;
  const text = (f: string) => readFileSync(`${base}/${f}`, "utf8").trim();
  return {
    bundle: parseBundleJson(readFileSync(`${base}/bundle.sigstore.json`, "utf8")),
    artifact: new Uint8Array(readFileSync(`${base}/artifact`)),
    identity: text("identity"),
    issuer: text("issuer"),
    instance: text("instance") as "production" | "staging",
  };
}

console.log(
  `machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores; runtime: ${
    typeof Deno !== "undefined" ? `Deno ${Deno.version.deno}` : `Node ${process.version}`
  }`,
);

for (const c of CASES) {
  const { bundle, artifact, identity, issuer, instance } = loadCase(c.dir);
  const options = {
    trustedRoot: embeddedTrustedRoot(instance),
    signer: { kind: "identity" as const, policy: { subject: { exact: identity }, issuer, extensions: [] } },
  };
  const input = { kind: "bytes" as const, bytes: artifact };
  for (let i = 0; i < 50; i++) await verifyBundle(bundle, input, options); // warm-up
  const n = 2000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await verifyBundle(bundle, input, options);
  const ms = performance.now() - t0;
  console.log(
    `verify ${c.label}: ${(n / (ms / 1000)).toFixed(0)} verifications/s (${
      (ms / n * 1000).toFixed(0)
    } µs each)`,
  );
}

{
  const c = loadCase(CASES[2]!.dir);
  const deno = `${ROOT}node_modules/.bin/deno`;
  const args = [
    "run",
    "--allow-read",
    "--allow-env",
    `${ROOT}cli.ts`,
    "verify",
    "identity",
    "--bundle",
    `${ROOT}testdata/genuine/${CASES[2]!.dir}/bundle.sigstore.json`,
    "--cert-identity",
    c.identity,
    "--cert-oidc-issuer",
    c.issuer,
    `${ROOT}testdata/genuine/${CASES[2]!.dir}/artifact`,
  ];
  spawnSync(deno, args); // compile cache warm (a cold start still starts a new process)
  const t0 = performance.now();
  const run = spawnSync(deno, args, { encoding: "utf8" });
  const ms = performance.now() - t0;
  console.log(
    `cold CLI run (new process, deno run cli.ts verify identity): ${ms.toFixed(0)} ms, exit ${run.status}`,
  );
}

{
  const size = 512 * 1024 * 1024;
  const chunk = new Uint8Array(1 << 20).fill(7);
  const chunks = async function* () {
    for (let i = 0; i < size / chunk.length; i++) yield chunk;
  };
  const t0 = performance.now();
  await digestStream("sha256", chunks());
  const s = (performance.now() - t0) / 1000;
  console.log(
    `streamed sha256 hashing: ${(size / s / 1e9).toFixed(2)} GB/s (${size / 2 ** 20} MiB in ${
      s.toFixed(2)
    } s)`,
  );
  const t1 = performance.now();
  const h = createHash("sha256");
  for (let i = 0; i < size / chunk.length; i++) h.update(chunk);
  h.digest();
  console.log(
    `  (node:crypto baseline, same data: ${
      (size / ((performance.now() - t1) / 1000) / 1e9).toFixed(2)
    } GB/s)`,
  );
}
