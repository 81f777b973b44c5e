/**
 * `npm run build`: the builds for this machine, into dist/:
 *
 * - `dist/sigstore-ts.mjs`, the CLI bundled for Node (`node dist/sigstore-ts.mjs`);
 * - `dist/sigstore-ts`, the standalone executable, its bytecode laid out in
 *   the order a verification runs it (scripts/_bun_compile.ts);
 * - `dist/verify.html`, the offline verify page (scripts/build_verify_html.ts).
 *
 * Each file is written beside its final name and renamed into place, so a
 * failed build leaves the previous file or none, never half of one.
 *
 *   deno run --allow-read --allow-write=dist --allow-run --allow-env scripts/build.ts
 *
 * @module
 */

import { mkdirSync, renameSync, rmSync } from "node:fs";
import process from "node:process";
import {
  BuildStepError,
  BUN,
  BUN_COMPILE_FLAGS,
  DIST,
  NODE_BUNDLE_FLAGS,
  profileBytecodeOrder,
  ROOT,
  runChecked,
} from "./_bun_compile.ts";

function main(): void {
  mkdirSync(DIST, { recursive: true });
  const work = `${DIST}/build.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  try {
    runChecked(
      BUN,
      ["build", `${ROOT}/cli.ts`, ...NODE_BUNDLE_FLAGS, "--outfile", `${work}/sigstore-ts.mjs`],
      "bun build",
    );
    const order = profileBytecodeOrder(work);
    runChecked(
      BUN,
      [
        "build",
        `${ROOT}/cli.ts`,
        ...BUN_COMPILE_FLAGS,
        `--bytecode-order=${order}`,
        "--outfile",
        `${work}/sigstore-ts`,
      ],
      "bun build --compile",
    );
    runChecked(
      BUN,
      [`${ROOT}/scripts/build_verify_html.ts`, "--outfile", `${work}/verify.html`],
      "the verify page",
    );
    for (const name of ["sigstore-ts.mjs", "sigstore-ts", "verify.html"]) {
      renameSync(`${work}/${name}`, `${DIST}/${name}`);
      console.log(`wrote dist/${name}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  try {
    main();
  } catch (e) {
    if (!(e instanceof BuildStepError)) throw e;
    console.error(`build: ${e.message}`);
    process.exit(1);
  }
}
