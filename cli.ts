#!/usr/bin/env -S deno run --allow-read --allow-env --allow-net --allow-write --allow-run --allow-sys
/**
 * The `sigstore-ts` executable: hands argv and the process's I/O to
 * `lib/cli/mod.ts`. Started as a `verify --jobs` worker thread (the same
 * file, so that bundles and the standalone executable carry it), it serves
 * verification instead.
 *
 * @module
 */

import process from "node:process";
import { isVerifyWorker, serveVerifyWorker } from "./lib/cli/verify_worker.ts";

if (isVerifyWorker()) {
  serveVerifyWorker();
} else {
  const { main } = await import("./lib/cli/mod.ts");
  const code = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    now: () => new Date(),
    stdin: () => process.stdin as AsyncIterable<Uint8Array>,
    workerEntry: import.meta.url,
  });
  process.exitCode = code;
}
