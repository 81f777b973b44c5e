#!/usr/bin/env -S deno run --allow-read --allow-env --allow-net --allow-write --allow-run --allow-sys
/**
 * The `sigstore-ts` executable: hands argv and the process's I/O to
 * `lib/cli/mod.ts`.
 *
 * @module
 */

import process from "node:process";
import { main } from "./lib/cli/mod.ts";

const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  now: () => new Date(),
  stdin: () => process.stdin as AsyncIterable<Uint8Array>,
});
process.exitCode = code;
