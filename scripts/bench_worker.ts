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
 *   It also reports `floorPerSecond`: how many times per second this runtime
 *   can make the cryptographic checks alone that such a bundle needs (one
 *   P-384 check of the leaf by the Fulcio intermediate, three P-256 checks
 *   with trust-root keys, one with a fresh signer key; each with the faster
 *   of `node:crypto` and Web Crypto), measured in the same process, so the
 *   share of that floor reached says more than a rate on a loaded machine.
 * - `hash ROOT FILE`: reads FILE the way the CLI reads a large artifact
 *   (streamed, sha256), after one warm-up pass, three times, and reports
 *   the throughput of the fastest pass (one pass takes a third of a second
 *   here, so a single one swings with whatever else the machine does).
 *
 * Run: deno run -A scripts/bench_worker.ts verify . testdata/genuine/java-bundle-v3-prod 2000
 *
 * @module
 */

import { createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { Buffer } from "node:buffer";
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
  const perSecond = n / ((performance.now() - t0) / 1000);
  console.log(JSON.stringify({ perSecond, floorPerSecond: await cryptoFloor(ms / 2) }));
} else if (mode === "hash") {
  const { readArtifactFile } = await lib("cli/files.ts");
  const size = statSync(target).size;
  await readArtifactFile(target, ["sha256"]); // warm: page cache and JIT
  let fastest = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const t0 = performance.now();
    const read = await readArtifactFile(target, ["sha256"]);
    fastest = Math.min(fastest, (performance.now() - t0) / 1000);
    const digests = read.digests ?? new Map();
    if (!(digests.get("sha256") instanceof Uint8Array)) throw new Error("the artifact was not streamed");
  }
  console.log(JSON.stringify({ bytesPerSecond: size / fastest }));
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}

/** Checks per second of one curve's fastest path here: `node:crypto` or Web Crypto, cached or fresh key. */
async function fastestCheck(
  curve: "P-256" | "P-384",
  fresh: boolean,
): Promise<() => Promise<boolean> | boolean> {
  const hash = curve === "P-256" ? "sha256" : "sha384";
  const { publicKey, privateKey } = generateKeyPairSync("ec", {
    namedCurve: curve === "P-256" ? "prime256v1" : "secp384r1",
  });
  const data = new Uint8Array(1200).fill(1);
  const der = new Uint8Array(sign(hash, data, privateKey));
  const raw = new Uint8Array(sign(hash, data, { key: privateKey, dsaEncoding: "ieee-p1363" }));
  const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  const key: KeyObject = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  const algorithm = { name: "ECDSA", namedCurve: curve };
  const cryptoKey = await crypto.subtle.importKey("spki", spki, algorithm, false, ["verify"]);
  const params = { name: "ECDSA", hash: curve === "P-256" ? "SHA-256" : "SHA-384" };
  const candidates = [
    () =>
      verify(
        hash,
        data,
        fresh ? createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }) : key,
        der,
      ),
    async () =>
      crypto.subtle.verify(
        params,
        fresh ? await crypto.subtle.importKey("spki", spki, algorithm, false, ["verify"]) : cryptoKey,
        raw,
        data,
      ),
  ];
  let best = candidates[0]!;
  let bestTime = Infinity;
  for (const c of candidates) {
    for (let i = 0; i < 5; i++) await c();
    const t = performance.now();
    for (let i = 0; i < 30; i++) if (!await c()) throw new Error("floor check failed");
    const took = performance.now() - t;
    if (took < bestTime) [best, bestTime] = [c, took];
  }
  return best;
}

/** Bundle-equivalents of cryptographic checks per second, for `ms` milliseconds. */
async function cryptoFloor(ms: number): Promise<number> {
  const p384 = await fastestCheck("P-384", false);
  const p256 = await fastestCheck("P-256", false);
  const p256Fresh = await fastestCheck("P-256", true);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await p384();
    await p256();
    await p256();
    await p256();
    await p256Fresh();
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}
