/**
 * Runs the CLI in this process, then prints how many tuf-js modules it
 * loaded (from the CommonJS module cache), to show that offline
 * verification loads no TUF code.
 *
 * Run: deno run --allow-read --allow-env --deny-net tests/cli/_offline_probe.ts ARGS...
 *
 * @module
 */

import { createRequire } from "node:module";
import process from "node:process";
import { main } from "../../lib/cli/mod.ts";

const code = await main(process.argv.slice(2), {
  stdout: () => {},
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  now: () => new Date(),
});
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => /[\\/]tuf-js[\\/]/.test(k));
console.log(`exit ${code}, tuf-js modules loaded: ${loaded.length}`);
