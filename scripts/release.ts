/**
 * `npm run release`: builds the standalone executables for every OS, writes
 * SHA256SUMS, and signs every file with sigstore-ts itself, into
 * dist/release/.
 *
 *   deno run --allow-read --allow-write=dist --allow-run --allow-env scripts/release.ts \
 *     [--trust-config FILE | --staging] [--rekor-version 1|2]
 *
 * - Bun cross-compiles cli.ts for the five targets. Each target's runtime
 *   is the npm package `@oven/bun-<os>-<arch>` of Bun's own version, which
 *   package-lock.json pins with its sha512: `npm pack` fetches it, the
 *   tarball is checked against the lockfile, and Bun gets the runtime with
 *   `--compile-executable-path` (Bun's own download would be unchecked). So
 *   this works wherever npm does. The executables embed the bundled program
 *   only; nothing is read from node_modules at run time. Their flags and
 *   bytecode order (profiled once on this machine) come from
 *   scripts/_bun_compile.ts, as for `npm run build`.
 * - `deno compile --target` builds the same program for the same five
 *   targets from the bundle when Deno can download its runtime (denort, from
 *   dl.deno.land); when it cannot, one line says why and the Bun builds
 *   stand alone.
 * - Signing runs the freshly built executable for this machine (else
 *   `deno run cli.ts`): `sigstore-ts sign` with the flags above; the identity
 *   token comes from SIGSTORE_IDENTITY_TOKEN, the CI's ambient credentials,
 *   or an interactive sign-in, exactly as for `sigstore-ts sign`.
 *
 * Everything is built in a fresh directory beside dist/release and moved
 * there only when all of it succeeded, so a failure leaves no partial
 * release.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
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

const RELEASE = `${DIST}/release`;
const DENO = `${ROOT}/node_modules/.bin/deno`;

/** One release target: our file name, Bun's and Deno's names for it, and Bun's runtime package. */
interface Target {
  readonly name: string;
  readonly bun: string;
  readonly deno: string;
  /** `process.platform`-`process.arch` of a machine that runs it. */
  readonly host: string;
  /** The npm package holding Bun's runtime for the target, pinned with its sha512 in package-lock.json. */
  readonly runtimePackage: string;
  /** The runtime's path inside that package. */
  readonly runtimeFile: string;
}

/** The five release targets. */
const TARGETS: readonly Target[] = [
  ["linux-x64", "bun-linux-x64", "x86_64-unknown-linux-gnu", "linux-x64", "linux-x64"],
  ["linux-arm64", "bun-linux-arm64", "aarch64-unknown-linux-gnu", "linux-arm64", "linux-aarch64"],
  ["darwin-x64", "bun-darwin-x64", "x86_64-apple-darwin", "darwin-x64", "darwin-x64"],
  ["darwin-arm64", "bun-darwin-arm64", "aarch64-apple-darwin", "darwin-arm64", "darwin-aarch64"],
  ["windows-x64", "bun-windows-x64", "x86_64-pc-windows-msvc", "win32-x64", "windows-x64"],
].map(([os, bun, deno, host, pkg]) => {
  const windows = os!.startsWith("windows");
  return {
    name: `sigstore-ts-${os}${windows ? ".exe" : ""}`,
    bun: bun!,
    deno: deno!,
    host: host!,
    runtimePackage: `@oven/bun-${pkg}`,
    runtimeFile: windows ? "bin/bun.exe" : "bin/bun",
  };
});

/** The permissions a Deno-compiled sigstore-ts runs with (it signs, too). */
const DENO_COMPILE_PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-net",
  "--allow-run",
  "--allow-sys",
];

/** A failed release step; `usage` for a bad argument (exit 2), else exit 1. */
class ReleaseError extends Error {
  constructor(message: string, readonly usage = false) {
    super(message);
  }
}

function fail(message: string): never {
  throw new ReleaseError(message);
}

/** Flags passed on to `sigstore-ts sign`; anything else is refused. */
function signFlags(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--staging") out.push(arg);
    else if (arg === "--trust-config" || arg === "--rekor-version") {
      const value = args[++i];
      if (value === undefined) throw new ReleaseError(`${arg} needs a value`, true);
      out.push(arg, value);
    } else {
      throw new ReleaseError(
        `unknown argument ${
          JSON.stringify(arg)
        } (accepted: --trust-config FILE, --staging, --rekor-version 1|2)`,
        true,
      );
    }
  }
  return out;
}

/** Runs a release step in the checkout; a failure is a {@linkcode ReleaseError} naming the step. */
function run(cmd: string, args: readonly string[], what: string): string {
  try {
    return runChecked(cmd, args, what, { cwd: ROOT });
  } catch (e) {
    if (e instanceof BuildStepError) fail(e.message);
    throw e;
  }
}

function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${bytes} bytes` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Bun's runtime for `target`, from its npm package at the version and sha512
 * that package-lock.json pins. (Left to itself, Bun downloads the runtime
 * from registry.npmjs.org without checking it against anything.) `npm pack`
 * fetches it through the npm configuration in force; the tarball's sha512 is
 * then compared with the lockfile before the runtime is extracted.
 */
function pinnedRuntime(target: Target, dir: string, bunVersion: string): string {
  const lock = JSON.parse(readFileSync(`${ROOT}/package-lock.json`, "utf8"));
  const entry = lock.packages?.[`node_modules/${target.runtimePackage}`];
  if (typeof entry?.version !== "string" || typeof entry?.integrity !== "string") {
    fail(`package-lock.json does not pin ${target.runtimePackage}`);
  }
  if (entry.version !== bunVersion) {
    fail(`package-lock.json pins ${target.runtimePackage}@${entry.version}, but bun is ${bunVersion}`);
  }
  const spec = `${target.runtimePackage}@${entry.version}`;
  const packed = JSON.parse(
    run("npm", ["pack", spec, "--json", "--pack-destination", dir], `npm pack ${spec}`),
  );
  const tarball = `${dir}/${packed[0]?.filename}`;
  const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  if (integrity !== entry.integrity) {
    fail(`${spec}: the tarball's ${integrity} is not package-lock.json's ${entry.integrity}`);
  }
  const out = `${dir}/${target.bun}`;
  mkdirSync(out);
  run(
    "tar",
    ["-xzf", tarball, "-C", out, "--no-same-owner", `package/${target.runtimeFile}`],
    `unpack ${spec}`,
  );
  rmSync(tarball);
  return `${out}/package/${target.runtimeFile}`;
}

/** Tries `deno compile` for every target; returns the files built, or says in one line why not. */
function denoCompile(bundle: string, out: string): string[] {
  const built: string[] = [];
  for (const target of TARGETS) {
    const name = target.name.replace(/^sigstore-ts-/, "sigstore-ts-deno-");
    const r = spawnSync(DENO, [
      "compile",
      "--quiet",
      "--no-config",
      ...DENO_COMPILE_PERMISSIONS,
      "--target",
      target.deno,
      "--output",
      `${out}/${name}`,
      bundle,
    ], { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) {
      const text = `${r.stderr}${r.stdout}`.split("Stack backtrace")[0]!;
      const url = text.match(/https:\/\/\S+denort[^\s)]*/)?.[0];
      const cause = text.split("\n").map((l) => l.trim()).filter((l) => /^\d+: /.test(l)).at(-1)
        ?.replace(/^\d+: /, "") ?? text.trim().split("\n")[0];
      console.log(
        `deno compile: skipped, Deno cannot download its runtime${
          url ? ` ${url}` : ""
        } for ${target.deno}: ${cause}`,
      );
      for (const file of built) rmSync(`${out}/${file}`, { force: true });
      return [];
    }
    built.push(name);
  }
  return built;
}

function main(args: readonly string[]): void {
  const flags = signFlags(args);
  if (!existsSync(BUN) || !existsSync(DENO)) fail("bun and deno are not installed: run npm ci first");
  mkdirSync(DIST, { recursive: true });
  const work = `${DIST}/release.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(`${work}/files`, { recursive: true });
  try {
    const files = `${work}/files`;
    const bundle = `${work}/sigstore-ts.mjs`;
    run(BUN, ["build", "cli.ts", ...NODE_BUNDLE_FLAGS, "--outfile", bundle], "bun build");
    const bunVersion = run(BUN, ["--version"], "bun --version").trim();
    mkdirSync(`${work}/runtimes`);
    const order = profileBytecodeOrder(work);
    for (const target of TARGETS) {
      const runtime = pinnedRuntime(target, `${work}/runtimes`, bunVersion);
      run(
        BUN,
        [
          "build",
          "cli.ts",
          ...BUN_COMPILE_FLAGS,
          `--bytecode-order=${order}`,
          `--target=${target.bun}`,
          `--compile-executable-path=${runtime}`,
          "--outfile",
          `${files}/${target.name}`,
        ],
        `bun build --compile --target=${target.bun}`,
      );
    }
    const executables = [...TARGETS.map((t) => t.name), ...denoCompile(bundle, files)];
    const sums = executables.map((name) => `${sha256File(`${files}/${name}`)}  ${name}\n`).join("");
    writeFileSync(`${files}/SHA256SUMS`, sums);
    const toSign = [...executables, "SHA256SUMS"];

    const host = TARGETS.find((t) => t.host === `${process.platform}-${process.arch}`);
    const signer = host ? [`${files}/${host.name}`] : [DENO, "run", "-A", `${ROOT}/cli.ts`];
    console.log(`signing ${toSign.length} files with ${host ? host.name : "deno run cli.ts"}`);
    const signed = spawnSync(signer[0]!, [...signer.slice(1), "sign", ...flags, ...toSign], {
      cwd: files,
      stdio: ["inherit", "inherit", "inherit"],
    });
    if (signed.status !== 0) fail(`sigstore-ts sign failed (exit ${signed.status ?? signed.signal})`);
    for (const name of toSign) {
      if (!existsSync(`${files}/${name}.sigstore.json`)) fail(`no bundle was written for ${name}`);
    }

    rmSync(RELEASE, { recursive: true, force: true });
    renameSync(files, RELEASE);
    console.log(`wrote ${RELEASE.slice(ROOT.length + 1)}/:`);
    for (const name of toSign) {
      console.log(
        `  ${name.padEnd(34)} ${size(statSync(`${RELEASE}/${name}`).size).padStart(10)}  + .sigstore.json`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof ReleaseError || e instanceof BuildStepError)) throw e;
    console.error(`release: ${e.message}`);
    process.exit(e instanceof ReleaseError && e.usage ? 2 : 1);
  }
}
