#!/usr/bin/env -S deno run --allow-read --allow-env --allow-net --allow-write --allow-run --allow-sys
/**
 * The `sigstore-ts` command line. Run as the main module it hands argv and
 * the process's I/O to {@linkcode main} and exits with its status; imported,
 * it only exports `main`, which takes its I/O as an argument. Started as a
 * `verify --jobs` worker thread (this same file, so that the bundle and the
 * standalone executable carry the worker), it serves verification instead.
 *
 * Each command needs only the permissions its job needs (the README lists
 * them); an offline verification reads its inputs and nothing else:
 *
 * ```sh
 * deno run --allow-read=a.txt,a.txt.sigstore.json jsr:@sigstore-ts/sigstore/cli \
 *   verify identity --cert-identity me@example.com \
 *   --cert-oidc-issuer https://github.com/login/oauth a.txt
 * ```
 *
 * Under Deno, environment variables the process may not read (no
 * `--allow-env` for that name) are treated as unset instead of prompting,
 * so defaults such as `SIGSTORE_CERT_IDENTITY` apply only when granted.
 *
 * @example Run the command line in-process
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./cli.ts";
 * let out = "";
 * const code = await main(["--version"], { stdout: (t) => (out += t), stderr: () => {}, env: {}, now: () => new Date() });
 * assert.equal(code, 0);
 * assert.match(out, /^sigstore-ts /);
 * ```
 *
 * @module
 */

import { realpathSync } from "node:fs";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { main } from "./lib/cli/mod.ts";
import { isVerifyWorker, serveVerifyWorker } from "./lib/cli/verify_worker.ts";

export { main };
export type { CliIo, SignDependencies } from "./lib/cli/mod.ts";

/** Deno's permission query, when running on Deno. */
interface DenoPermissions {
  readonly permissions: {
    querySync(descriptor: { name: "env"; variable: string }): { readonly state: string };
  };
  readonly env: { get(name: string): string | undefined };
}

/**
 * The process environment. On Deno, a variable without env permission reads
 * as unset (no prompt, no crash), so commands that need no environment run
 * without `--allow-env`.
 */
function processEnv(): Readonly<Record<string, string | undefined>> {
  const deno = (globalThis as { Deno?: DenoPermissions }).Deno;
  if (deno === undefined) return process.env;
  return new Proxy({}, {
    get: (_target, name) =>
      typeof name === "string" &&
        deno.permissions.querySync({ name: "env", variable: name }).state === "granted"
        ? deno.env.get(name)
        : undefined,
  });
}

/** True when this file is the program being run (Deno, Bun, or Node through the bundle). */
function isMainModule(): boolean {
  // Read by name: bundlers rewrite the `import.meta.main` expression (Bun's Node target into a CommonJS test).
  const flag: unknown = Reflect.get(import.meta, "main");
  if (typeof flag === "boolean") return flag;
  // Node before 24.2 has no import.meta.main: compare with the script it was started with.
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isVerifyWorker()) {
  serveVerifyWorker();
} else if (isMainModule()) {
  main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: processEnv(),
    now: () => new Date(),
    stdin: () => process.stdin as AsyncIterable<Uint8Array>,
    workerEntry: import.meta.url,
  }).then((code) => {
    process.exitCode = code;
  });
}
