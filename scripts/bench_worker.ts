/**
 * The in-process half of `scripts/bench_verify.ts`, run by it under Deno and
 * under Bun (pinned to one core where `taskset` exists). It loads the library
 * of the tree it is given (this one, or a baseline checkout), so the same
 * loop measures before and after. Prints one JSON line.
 *
 * - `verify ROOT CASE_DIR MS`: parses the genuine bundle from its text and
 *   verifies it against its artifact, again and again for MS milliseconds
 *   (after a warm-up). Nothing about a bundle is cached between rounds: each
 *   round parses the bundle afresh, every signature is checked, and only the
 *   trust root's own parsed keys are reused, as in any long-running verifier.
 * - `hash ROOT FILE`: reads FILE the way the CLI reads a large artifact
 *   (streamed, sha256) and reports the throughput.
 *
 * Run: deno run -A scripts/bench_worker.ts verify . testdata/genuine/java-bundle-v3-prod 2000
 *
 * @module
 */

import { readFileSync, statSync } from "node:fs";
import process from "node:process";

const [mode, root, target, msText] = process.argv.slice(2);
if (root === undefined || target === undefined) {
  console.error("usage: bench_worker.ts verify ROOT CASE_DIR MS | hash ROOT FILE");
  process.exit(2);
}
const lib = (path: string) => import(`${root}/lib/${path}`);

if (mode === "verify") {
  const { parseBundleJson } = await lib("bundle/mod.ts");
  const { embeddedTrustedRoot } = await lib("trust/mod.ts");
  const { verifyBundle } = await lib("verify/mod.ts");
  const text = (name: string) => readFileSync(`${target}/${name}`, "utf8").trim();
  const bundleText = text("bundle.sigstore.json");
  const artifact = { kind: "bytes", bytes: new Uint8Array(readFileSync(`${target}/artifact`)) };
  const options = {
    trustedRoot: embeddedTrustedRoot(text("instance")),
    signer: {
      kind: "identity",
      policy: { subject: { exact: text("identity") }, issuer: text("issuer"), extensions: [] },
    },
  };
  const once = () => verifyBundle(parseBundleJson(bundleText), artifact, options);
  const warmUntil = performance.now() + 500;
  while (performance.now() < warmUntil) await once();
  const ms = Number(msText ?? "2000");
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await once();
    n++;
  }
  console.log(JSON.stringify({ perSecond: n / ((performance.now() - t0) / 1000) }));
} else if (mode === "hash") {
  const { readArtifactFile } = await lib("cli/files.ts");
  const size = statSync(target).size;
  await readArtifactFile(target, ["sha256"]); // warm: page cache and JIT
  const t0 = performance.now();
  const read = await readArtifactFile(target, ["sha256"]);
  const s = (performance.now() - t0) / 1000;
  const digests = read.digests ?? new Map();
  if (!(digests.get("sha256") instanceof Uint8Array)) throw new Error("the artifact was not streamed");
  console.log(JSON.stringify({ bytesPerSecond: size / s }));
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
