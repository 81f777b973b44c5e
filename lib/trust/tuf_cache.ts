/**
 * The trust cache: the one file in lib/trust that touches the file system
 * and the environment (style.md §2). One file per TUF repository URL holds
 * its last verified state (a trust bundle); trust-instance bootstrap roots
 * sit beside it. Every write goes to a temporary file in the same directory
 * and is renamed into place, so readers (other processes included) only
 * ever see a complete old file or a complete new one, and a failed write
 * leaves the previous state.
 *
 * Location: `$SIGSTORE_TS_CACHE_DIR` if set; else `$XDG_CACHE_HOME/sigstore-ts`
 * or `~/.cache/sigstore-ts` on Linux and other Unixes,
 * `~/Library/Caches/sigstore-ts` on macOS, `%LOCALAPPDATA%\sigstore-ts` on
 * Windows.
 *
 * Files are reached through the runtime's own API: `Deno.*` on Deno (an
 * offline verification looks at the cache, and on Deno any `node:` module
 * starts the Node compatibility layer, which costs more start-up time than
 * the whole verification), `node:fs` and `node:os` (looked up with
 * `process.getBuiltinModule` at first use) on Bun and Node.
 *
 * @module
 */

import { ConfigError } from "../errors/mod.ts";

/** The parts of Deno's namespace the cache uses. */
interface DenoCacheApi {
  readonly build: { readonly os: string };
  readonly permissions: {
    querySync(descriptor: { name: "sys"; kind: "homedir" }): { readonly state: string };
  };
  readTextFileSync(path: string): string;
  writeTextFileSync(path: string, text: string, options: { createNew: true; mode: number }): void;
  mkdirSync(path: string, options: { recursive: true; mode: number }): void;
  renameSync(from: string, to: string): void;
  removeSync(path: string): void;
}

/** The parts of `node:fs` and `node:os` the cache uses. */
interface NodeCacheApi {
  readonly fs: {
    statSync(path: string, options: { throwIfNoEntry: false }): object | undefined;
    readFileSync(path: string, encoding: "utf8"): string;
    writeFileSync(path: string, text: string, options: { flag: "wx"; mode: number }): void;
    mkdirSync(path: string, options: { recursive: true; mode: number }): unknown;
    renameSync(from: string, to: string): void;
    rmSync(path: string, options: { force: true }): void;
  };
  /** `node:os`, looked up when first needed (the home directory is needed only without `HOME`). */
  os(): { homedir(): string };
  /** `win32`, `darwin`, `linux`, …: `process.platform`. */
  readonly platform: string;
}

/** The file and platform operations of the cache. Errors keep the runtime's `code` (`ENOENT`) and name. */
interface CacheFileSystem {
  /** `win32`, `darwin`, `linux`, … (Node's names) */
  readonly platform: string;
  homedir(): string;
  /** The file's text; `undefined` when it does not exist (other errors are thrown). */
  readTextIfExists(path: string): string | undefined;
  /** Creates `path` with `text`; fails if it exists. */
  writeNew(path: string, text: string, mode: number): void;
  makeDirectories(path: string, mode: number): void;
  rename(from: string, to: string): void;
  /** Removes a file; nothing happens if it does not exist. */
  remove(path: string): void;
}

function denoCacheFileSystem(deno: DenoCacheApi): CacheFileSystem {
  return {
    platform: deno.build.os === "windows" ? "win32" : deno.build.os,
    homedir: () => {
      // Deno has no home directory API of its own: ask its Node layer only when it may answer.
      if (deno.permissions.querySync({ name: "sys", kind: "homedir" }).state !== "granted") {
        throw new Error('missing permission: sys access to "homedir" (run deno with --allow-sys=homedir)');
      }
      return nodeCacheApi().os().homedir();
    },
    readTextIfExists: (path) => {
      try {
        return deno.readTextFileSync(path);
      } catch (e) {
        if ((e as { code?: string }).code === "ENOENT") return undefined;
        throw e;
      }
    },
    writeNew: (path, text, mode) => deno.writeTextFileSync(path, text, { createNew: true, mode }),
    makeDirectories: (path, mode) => deno.mkdirSync(path, { recursive: true, mode }),
    rename: (from, to) => deno.renameSync(from, to),
    remove: (path) => {
      try {
        deno.removeSync(path);
      } catch (e) {
        if ((e as { code?: string }).code !== "ENOENT") throw e;
      }
    },
  };
}

function nodeCacheApi(): NodeCacheApi {
  const p = (globalThis as { process?: { getBuiltinModule(id: string): unknown; platform: string } })
    .process!;
  return {
    fs: p.getBuiltinModule("node:fs") as NodeCacheApi["fs"],
    os: () => p.getBuiltinModule("node:os") as ReturnType<NodeCacheApi["os"]>,
    platform: p.platform,
  };
}

function nodeCacheFileSystem({ fs, os, platform }: NodeCacheApi): CacheFileSystem {
  return {
    platform,
    homedir: () => os().homedir(),
    // Looked up first: a missing cache is the common case, and a thrown error costs a cold start more.
    // (Not existsSync: it says false for a file it cannot see, which must fail, not count as absent.)
    readTextIfExists: (path) =>
      fs.statSync(path, { throwIfNoEntry: false }) === undefined ? undefined : fs.readFileSync(path, "utf8"),
    writeNew: (path, text, mode) => fs.writeFileSync(path, text, { flag: "wx", mode }),
    makeDirectories: (path, mode) => void fs.mkdirSync(path, { recursive: true, mode }),
    rename: (from, to) => fs.renameSync(from, to),
    remove: (path) => fs.rmSync(path, { force: true }),
  };
}

let chosen: CacheFileSystem | undefined;

/** The runtime's file system, chosen at first use. */
function cacheFileSystem(): CacheFileSystem {
  if (chosen === undefined) {
    const deno = (globalThis as { Deno?: DenoCacheApi }).Deno;
    chosen = deno !== undefined ? denoCacheFileSystem(deno) : nodeCacheFileSystem(nodeCacheApi());
  }
  return chosen;
}

/** The path separator of the platform's paths. */
function separator(): string {
  return cacheFileSystem().platform === "win32" ? "\\" : "/";
}

/** `parts` joined with the platform's separator, as `node:path`'s `join` does for plain names (empty parts dropped). */
function joinPath(...parts: string[]): string {
  const given = parts.filter((p) => p !== "");
  return given.map((p, i) => {
    const trimmed = i === given.length - 1 ? p : p.replace(/[\\/]+$/, "");
    return i === 0 ? trimmed : trimmed.replace(/^[\\/]+/, "");
  }).join(separator()) || ".";
}

/** The directory that holds `path`. */
function parentDirectory(path: string): string {
  const at = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return at <= 0 ? (at === 0 ? path.slice(0, 1) : ".") : path.slice(0, at);
}

/** Environment variables that decide the cache location. */
export type CacheEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * The cache directory for this user and platform.
 *
 * @param env The environment (`SIGSTORE_TS_CACHE_DIR`, `XDG_CACHE_HOME`, `LOCALAPPDATA`, `HOME`)
 * @returns The directory (it may not exist yet)
 * @throws {ConfigError} `TUF_CACHE` when no home directory can be found
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveCacheDir } from "./tuf_cache.ts";
 * assert.equal(resolveCacheDir({ SIGSTORE_TS_CACHE_DIR: "/tmp/c" }), "/tmp/c");
 * ```
 */
export function resolveCacheDir(env: CacheEnvironment): string {
  const explicit = env.SIGSTORE_TS_CACHE_DIR;
  if (explicit) return explicit;
  const home = env.HOME || env.USERPROFILE || homeDirectory();
  switch (cacheFileSystem().platform) {
    case "win32":
      return joinPath(env.LOCALAPPDATA || joinPath(home, "AppData", "Local"), "sigstore-ts");
    case "darwin":
      return joinPath(home, "Library", "Caches", "sigstore-ts");
    default:
      return joinPath(env.XDG_CACHE_HOME || joinPath(home, ".cache"), "sigstore-ts");
  }
}

function homeDirectory(): string {
  try {
    return cacheFileSystem().homedir();
  } catch (e) {
    throw new ConfigError(
      "TUF_CACHE",
      `Cannot find the home directory for the trust cache (${
        (e as Error).message
      }): set HOME or SIGSTORE_TS_CACHE_DIR`,
    );
  }
}

/** A runtime permission that was not granted (Deno's `--allow-read`/`--allow-write`), left for the caller to name. */
function isPermissionDenied(e: unknown): boolean {
  const name = (e as { name?: string }).name;
  return name === "NotCapable" || name === "PermissionDenied";
}

/**
 * The cache file name of a repository's state (`kind` "state") or its bootstrap root ("root").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cacheFileName } from "./tuf_cache.ts";
 * assert.match(cacheFileName("https://tuf-repo-cdn.sigstore.dev", "state"), /https%3A%2F%2Ftuf-repo-cdn.sigstore.dev.trust.json$/);
 * ```
 */
export function cacheFileName(repositoryUrl: string, kind: "state" | "root"): string {
  return joinPath(
    "tuf",
    `${encodeURIComponent(repositoryUrl)}.${kind === "state" ? "trust.json" : "root.json"}`,
  );
}

/**
 * Reads a cache file; `undefined` when it does not exist.
 *
 * @param cacheDir The cache directory
 * @param name The file's name inside it (from {@linkcode cacheFileName})
 * @returns The file's text, or `undefined`
 * @throws {ConfigError} `TUF_CACHE` when the file exists but cannot be read
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCacheFile } from "./tuf_cache.ts";
 * assert.equal(readCacheFile("/nonexistent", "tuf/x.trust.json"), undefined);
 * ```
 */
export function readCacheFile(cacheDir: string, name: string): string | undefined {
  const path = joinPath(cacheDir, name);
  try {
    return cacheFileSystem().readTextIfExists(path);
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return undefined; // removed since the check
    if (isPermissionDenied(e)) throw e; // the CLI names the permission to grant
    throw new ConfigError("TUF_CACHE", `Cannot read the trust cache ${path}: ${(e as Error).message}`);
  }
}

/**
 * Writes a cache file atomically: a temporary file beside it, then a
 * rename. `replace` is asked, just before the rename, whether the current
 * contents (another process may have written meanwhile) should be
 * replaced; when it says no, the new file is discarded.
 *
 * @param cacheDir The cache directory (created if missing)
 * @param name The file's name inside it
 * @param text The new contents
 * @param replace Decides from the current text (or `undefined`) whether to replace it
 * @returns True when the file was written
 * @throws {ConfigError} `TUF_CACHE` when the cache cannot be written (it is left as it was)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { readCacheFile, writeCacheFile } from "./tuf_cache.ts";
 * const dir = mkdtempSync(`${tmpdir()}/cache-`);
 * writeCacheFile(dir, "tuf/x.trust.json", "new");
 * assert.equal(readCacheFile(dir, "tuf/x.trust.json"), "new");
 * ```
 */
export function writeCacheFile(
  cacheDir: string,
  name: string,
  text: string,
  replace: (current: string | undefined) => boolean = () => true,
): boolean {
  const fs = cacheFileSystem();
  const path = joinPath(cacheDir, name);
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    fs.makeDirectories(parentDirectory(path), 0o700);
    fs.writeNew(temp, text, 0o600);
    if (!replace(readCacheFile(cacheDir, name))) {
      fs.remove(temp);
      return false;
    }
    fs.rename(temp, path);
    return true;
  } catch (e) {
    fs.remove(temp);
    if (e instanceof ConfigError || isPermissionDenied(e)) throw e;
    throw new ConfigError("TUF_CACHE", `Cannot write the trust cache ${path}: ${(e as Error).message}`);
  }
}
