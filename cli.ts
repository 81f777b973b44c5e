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

import { main } from "./lib/cli/mod.ts";

export { main };
export type { CliIo, SignDependencies } from "./lib/cli/mod.ts";

/** The parts of Deno's namespace the entry uses, when running on Deno. */
interface DenoRuntime {
  readonly args: readonly string[];
  readonly permissions: {
    querySync(descriptor: { name: "env"; variable: string }): { readonly state: string };
  };
  readonly env: { get(name: string): string | undefined };
  readonly stdout: { writeSync(bytes: Uint8Array): number };
  readonly stderr: { writeSync(bytes: Uint8Array): number };
  readonly stdin: { readonly readable: AsyncIterable<Uint8Array> };
  exitCode: number;
}

/** The parts of Node's and Bun's global `process` the entry uses. */
interface NodeProcess {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: { write(data: string | Uint8Array): unknown };
  readonly stderr: { write(data: string | Uint8Array): unknown };
  readonly stdin: AsyncIterable<Uint8Array>;
  exitCode: number | undefined;
  getBuiltinModule(id: string): unknown;
}

// The process is reached through globals, not `node:` imports: on Deno, the
// Node compatibility modules cost more start-up time than a whole offline
// verification, and the entry needs none of them (Deno's global `process`
// loads them too, so it is read only where `Deno` is absent).
const deno = (globalThis as { Deno?: DenoRuntime }).Deno;
const nodeProcess = deno === undefined ? (globalThis as { process?: NodeProcess }).process : undefined;

/**
 * The process environment. On Deno, a variable without env permission reads
 * as unset (no prompt, no crash), so commands that need no environment run
 * without `--allow-env`.
 */
function processEnv(): Readonly<Record<string, string | undefined>> {
  if (deno === undefined) return nodeProcess!.env;
  return new Proxy({}, {
    get: (_target, name) =>
      typeof name === "string" &&
        deno.permissions.querySync({ name: "env", variable: name }).state === "granted"
        ? deno.env.get(name)
        : undefined,
  });
}

/** Writes all of `text` with a synchronous write that may write part of it per call. */
function writeAll(write: (bytes: Uint8Array) => number, text: string): void {
  let bytes = new TextEncoder().encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(write(bytes));
}

/**
 * A writer for standard output (1) or error (2): Deno's own streams on Deno;
 * on Bun a synchronous write to the descriptor (its `process.stderr` stream
 * costs Bun a few milliseconds to set up), falling back to the stream when
 * the descriptor refuses (a non-blocking pipe that is full); `process`'s
 * streams on Node.
 */
function outputWriter(fd: 1 | 2): (text: string) => void {
  if (deno !== undefined) {
    const stream = fd === 1 ? deno.stdout : deno.stderr;
    return (text) => writeAll((b) => stream.writeSync(b), text);
  }
  // `process.stdout` and `process.stderr` are built when first read: only where they are used.
  const stream = () => fd === 1 ? nodeProcess!.stdout : nodeProcess!.stderr;
  if ((globalThis as { Bun?: unknown }).Bun === undefined) return (text) => void stream().write(text);
  const fs = nodeProcess!.getBuiltinModule("node:fs") as {
    writeSync(fd: number, bytes: Uint8Array): number;
  };
  let direct = true;
  return (text) => {
    let bytes = new TextEncoder().encode(text);
    while (direct && bytes.length > 0) {
      try {
        bytes = bytes.subarray(fs.writeSync(fd, bytes));
      } catch {
        direct = false; // the rest, and all later output, through the stream
      }
    }
    if (bytes.length > 0) stream().write(bytes);
  };
}

/** True when this file is the program being run (Deno, Bun, or Node through the bundle). */
function isMainModule(): boolean {
  // Read by name: bundlers rewrite the `import.meta.main` expression (Bun's Node target into a CommonJS test).
  const flag: unknown = Reflect.get(import.meta, "main");
  if (typeof flag === "boolean") return flag;
  // Node before 24.2 has no import.meta.main: compare with the script it was started with.
  const script = nodeProcess?.argv[1];
  if (script === undefined) return false;
  try {
    const fs = nodeProcess!.getBuiltinModule("node:fs") as { realpathSync(path: string): string };
    const url = nodeProcess!.getBuiltinModule("node:url") as { pathToFileURL(path: string): URL };
    return url.pathToFileURL(fs.realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

/**
 * Whether this thread may be a `--jobs` worker, decided without loading
 * `node:worker_threads` where that costs a start (Deno: it starts the Node
 * compatibility layer, about 15 ms; Bun: about 5 ms): Deno's workers are web
 * workers, which have a global `postMessage` that its main thread lacks;
 * Bun says so in `Bun.isMainThread`, Node in `node:worker_threads`.
 */
function mayBeWorkerThread(): boolean {
  if (deno !== undefined) return typeof Reflect.get(globalThis, "postMessage") === "function";
  const bun = (globalThis as { Bun?: { isMainThread?: boolean } }).Bun;
  if (typeof bun?.isMainThread === "boolean") return !bun.isMainThread;
  const threads = nodeProcess!.getBuiltinModule("node:worker_threads") as
    | { isMainThread?: boolean }
    | undefined;
  return threads?.isMainThread === false;
}

function runMain(): void {
  main(deno !== undefined ? deno.args : nodeProcess!.argv.slice(2), {
    stdout: outputWriter(1),
    stderr: outputWriter(2),
    env: processEnv(),
    now: () => new Date(),
    stdin: () => deno !== undefined ? deno.stdin.readable : nodeProcess!.stdin,
    workerEntry: import.meta.url,
  }).then((code) => {
    if (deno !== undefined) deno.exitCode = code;
    else nodeProcess!.exitCode = code;
  });
}

if (mayBeWorkerThread()) {
  // The worker tells the pool when it listens (verify_worker.ts), so no task is sent before.
  import("./lib/cli/verify_worker.ts").then((worker) => {
    if (worker.isVerifyWorker()) worker.serveVerifyWorker();
    else if (isMainModule()) runMain();
  });
} else if (isMainModule()) {
  runMain();
}
