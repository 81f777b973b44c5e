/**
 * Benchmark (not a test): in-process verifications per second for a v0.1, a
 * v0.2 and a v0.3 genuine bundle from testdata/genuine, one cold CLI run,
 * and streamed hashing throughput.
 *
 * Run: deno run --allow-read --allow-env --allow-run --allow-write=/tmp --allow-sys scripts/bench_verify.ts
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import process from "node:process";
import { parseBundleJson } from "../lib/bundle/mod.ts";
import { digestStream } from "../lib/crypto/mod.ts";
import { decodeHex } from "../lib/encoding/mod.ts";
import { embeddedTrustedRoot } from "../lib/trust/mod.ts";
import { type ArtifactInput, verifyBundle } from "../lib/verify/mod.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const GENUINE = `${ROOT}testdata/genuine`;

/** For each bundle version, the first genuine message-signature bundle of that version. */
function pickCases(): { version: string; dir: string }[] {
  const names = readdirSync(GENUINE, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) =>
    d.name
  )
    .sort();
  const out: { version: string; dir: string }[] = [];
  for (const version of ["0.1", "0.2", "0.3"]) {
    const dir = names.find((n) => {
      const b = parseBundleJson(readFileSync(`${GENUINE}/${n}/bundle.sigstore.json`, "utf8"));
      return b.version === version && b.content.kind === "messageSignature" &&
        b.verificationContent.kind !== "publicKey" && existsSync(`${GENUINE}/${n}/identity`) &&
        existsSync(`${GENUINE}/${n}/artifact`) &&
        !existsSync(`${GENUINE}/${n}/expect-error`);
    });
    if (dir !== undefined) out.push({ version, dir });
  }
  return out;
}

function loadCase(dir: string) {
  const base = `${GENUINE}/${dir}`;
  const text = (f: string) => readFileSync(`${base}/${f}`, "utf8").trim();
  const hasArtifact = existsSync(`${base}/artifact`);
  const artifact: ArtifactInput = hasArtifact
    ? { kind: "bytes", bytes: new Uint8Array(readFileSync(`${base}/artifact`)) }
    : { kind: "digest", digests: new Map([["sha256", decodeHex(text("digest").replace(/^sha256:/, ""))!]]) };
  return {
    bundle: parseBundleJson(text("bundle.sigstore.json")),
    artifact,
    input: hasArtifact ? `${base}/artifact` : text("digest"),
    identity: text("identity"),
    issuer: text("issuer"),
    instance: text("instance") as "production" | "staging",
  };
}

const runtime = typeof Deno !== "undefined" ? `Deno ${Deno.version.deno}` : `Node ${process.version}`;
console.log(`machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores; ${runtime}`);

const cases = pickCases();
for (const { version, dir } of cases) {
  const c = loadCase(dir);
  const options = {
    trustedRoot: embeddedTrustedRoot(c.instance),
    signer: {
      kind: "identity" as const,
      policy: { subject: { exact: c.identity }, issuer: c.issuer, extensions: [] },
    },
  };
  for (let i = 0; i < 50; i++) await verifyBundle(c.bundle, c.artifact, options); // warm-up
  const n = 2000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await verifyBundle(c.bundle, c.artifact, options);
  const ms = performance.now() - t0;
  console.log(
    `verify v${version} ${dir}: ${(n / (ms / 1000)).toFixed(0)} verifications/s (${
      (ms / n * 1000).toFixed(0)
    } µs each)`,
  );
}

{
  const last = cases[cases.length - 1]!;
  const c = loadCase(last.dir);
  const deno = `${ROOT}node_modules/.bin/deno`;
  const args = [
    "run",
    "--allow-read",
    "--allow-env",
    `${ROOT}cli.ts`,
    ...(c.instance === "staging" ? ["--staging"] : []),
    "verify",
    "identity",
    "--bundle",
    `${GENUINE}/${last.dir}/bundle.sigstore.json`,
    "--cert-identity",
    c.identity,
    "--cert-oidc-issuer",
    c.issuer,
    c.input,
  ];
  spawnSync(deno, args); // fills Deno's compile cache; the timed run is still a new process
  const t0 = performance.now();
  const run = spawnSync(deno, args, { encoding: "utf8" });
  console.log(
    `cold CLI run (new process, deno run cli.ts verify identity ${last.dir}): ${
      (performance.now() - t0).toFixed(0)
    } ms, exit ${run.status}`,
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
    `  node:crypto baseline on the same data: ${
      (size / ((performance.now() - t1) / 1000) / 1e9).toFixed(2)
    } GB/s`,
  );
}
