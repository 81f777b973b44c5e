/**
 * The long fuzz run: mutates the genuine bundles and the conformance cases
 * and checks every verdict (see tests/_support/fuzz_oracle.ts).
 *
 *   deno run --allow-read --allow-env scripts/fuzz.ts [--seed N] [--iterations N] [--time SECONDS]
 *   deno run --allow-read --allow-env scripts/fuzz.ts --seed N --iteration I   # replay one mutant
 *
 * Prints one line per finding and a summary; exits 1 if anything was found.
 *
 * @module
 */

import process from "node:process";
import { CONFORMANCE_DIR } from "../tests/_support/paths.ts";
import { IN_CI } from "../tests/_support/unavailable.ts";
import { describeFinding, fuzz, fuzzOnce, loadCorpus, loadTrustDocuments } from "../tests/_support/fuzz.ts";

const USAGE = "usage: scripts/fuzz.ts [--seed N] [--iterations N] [--time SECONDS] [--iteration I]";

function parseArgs(argv: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (!["--seed", "--iterations", "--time", "--iteration"].includes(flag) || value === undefined) {
      throw new Error(
        flag === "--help" ? USAGE : `unknown or incomplete option ${JSON.stringify(flag)}; ${USAGE}`,
      );
    }
    if (!/^\d+$/.test(value)) {
      throw new Error(`${flag} takes a non-negative integer, not ${JSON.stringify(value)}`);
    }
    out.set(flag.slice(2), Number(value));
  }
  return out;
}

async function main(): Promise<number> {
  let args: Map<string, number>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  if (CONFORMANCE_DIR === undefined && IN_CI) {
    console.error(
      "the conformance cases are absent (../shared/conformance or CONFORMANCE_DIR): under CI=true that fails",
    );
    return 1;
  }
  const seed = args.get("seed") ?? Math.floor(Math.random() * 2 ** 31);
  const now = new Date();
  const bases = await loadCorpus(CONFORMANCE_DIR, now);
  const documents = loadTrustDocuments();
  console.log(
    `corpus: ${bases.length} bundles (${
      bases.filter((b) => b.accepts).length
    } verify), ${documents.length} trust documents${
      CONFORMANCE_DIR === undefined ? ", conformance cases absent" : ""
    }`,
  );
  const one = args.get("iteration");
  if (one !== undefined) {
    const finding = await fuzzOnce(bases, seed, one, now, documents);
    console.log(
      finding === undefined ? `seed ${seed} iteration ${one}: no finding` : describeFinding(finding),
    );
    return finding === undefined ? 0 : 1;
  }
  const time = args.get("time");
  const report = await fuzz(bases, {
    seed,
    iterations: args.get("iterations") ?? (time === undefined ? 10_000 : Number.MAX_SAFE_INTEGER),
    ...(time === undefined ? {} : { timeMs: time * 1000 }),
    now,
    documents,
  });
  for (const f of report.findings) console.log(describeFinding(f));
  console.log(
    `fuzz: seed ${seed}, ${report.iterations} iterations in ${
      (report.ms / 1000).toFixed(1)
    } s, ${report.findings.length} findings; slowest iteration ${report.slowest.iteration} (${
      Math.round(report.slowest.ms)
    } ms)`,
  );
  return report.findings.length === 0 ? 0 : 1;
}

process.exitCode = await main();
