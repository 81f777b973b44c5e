/**
 * How the standalone executables are compiled, shared by `npm run build`
 * (scripts/build.ts, this machine only) and `npm run release`
 * (scripts/release.ts, every target).
 *
 * Bun's flags: no startup configuration from the working directory; ESM with
 * code splitting, so the signing code (and the node:http, node:child_process
 * and node:readline it imports) is a separate chunk that only `sign` and its
 * kin load; and bytecode, so the startup skips parsing (this is why cli.ts
 * has no top-level await).
 *
 * The bytecode is laid out in the order a real verification first runs it
 * (`--bytecode-order`): one build for this machine runs the demo
 * verification with `BUN_BYTECODE_ORDER_OUT`, and the final builds read that
 * order, so a cold verification touches fewer pages of the executable. The
 * order changes only where functions sit in the file, never what they do.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** The checkout these scripts belong to (holds cli.ts, testdata/ and node_modules/). */
export const ROOT: string = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");
/** Where the builds go. */
export const DIST = `${ROOT}/dist`;
/** The Bun that npm installed. */
export const BUN = `${ROOT}/node_modules/.bin/bun`;

/**
 * Marks a build whose runtime always hashes natively (a compiled Bun
 * program, the Node bundle): lib/crypto/digest.ts then leaves its pure-JS
 * SHA-2 out of the build.
 */
const NATIVE_HASHES_ONLY: readonly string[] = ["--define", "SIGSTORE_TS_NATIVE_HASHES_ONLY=true"];

/** The flags of the `bun build` of cli.ts into one file for Node (`dist/sigstore-ts.mjs`). */
export const NODE_BUNDLE_FLAGS: readonly string[] = ["--target=node", ...NATIVE_HASHES_ONLY];

/** The flags every `bun build --compile` of cli.ts takes. */
export const BUN_COMPILE_FLAGS: readonly string[] = [
  "--compile",
  // A compiled Bun program otherwise reads .env and bunfig.toml from the working directory at startup, and
  // bunfig.toml's `preload` runs code: verifying inside a downloaded directory must not run that directory.
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
  "--format=esm",
  "--splitting",
  "--bytecode",
  ...NATIVE_HASHES_ONLY,
];

/** The verification whose first-run order lays out the bytecode: the README's demo, offline. */
const PROFILED_VERIFICATION = (root: string): string[] => {
  const dir = `${root}/testdata/genuine/java-bundle-v3-prod`;
  return [
    "verify",
    "identity",
    "--offline",
    "--bundle",
    `${dir}/bundle.sigstore.json`,
    "--cert-identity",
    "appu@google.com",
    "--cert-oidc-issuer",
    "https://accounts.google.com",
    `${dir}/artifact`,
  ];
};

/** A build step that failed; the message names the step and why. */
export class BuildStepError extends Error {}

/**
 * Runs a program and returns its standard output; throws
 * {@linkcode BuildStepError} naming `what` and the first error line of its
 * output (else its last line) when it cannot run or fails.
 */
export function runChecked(
  cmd: string,
  args: readonly string[],
  what: string,
  options: { readonly cwd?: string; readonly env?: Record<string, string> } = {},
): string {
  const r = spawnSync(cmd, args, {
    cwd: options.cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: options.env === undefined ? undefined : { ...process.env, ...options.env },
  });
  if (r.error) throw new BuildStepError(`${what}: cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const lines = `${r.stderr}${r.stdout}`.split("\n").map((l) => l.trim()).filter(Boolean);
    const reason = lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? `exit ${r.status ?? r.signal}`;
    throw new BuildStepError(`${what}: ${reason}`);
  }
  return r.stdout;
}

/**
 * Builds cli.ts for this machine, runs the profiled verification with it,
 * and returns the bytecode order file that run wrote (in `workDir`).
 *
 * @param workDir a scratch directory for the profiling build and the order file
 */
export function profileBytecodeOrder(workDir: string): string {
  const exe = `${workDir}/sigstore-ts-profile`;
  const order = `${workDir}/bytecode-order.txt`;
  runChecked(
    BUN,
    ["build", `${ROOT}/cli.ts`, ...BUN_COMPILE_FLAGS, "--outfile", exe],
    "bun build (profiling)",
  );
  runChecked(exe, PROFILED_VERIFICATION(ROOT), "the profiled verification", {
    env: { BUN_BYTECODE_ORDER_OUT: order },
  });
  if (!existsSync(order) || statSync(order).size === 0) {
    throw new BuildStepError(`the profiled verification wrote no bytecode order (${order})`);
  }
  return order;
}
