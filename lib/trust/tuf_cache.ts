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
 * @module
 */

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir, platform } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../errors/mod.ts";

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
  switch (platform()) {
    case "win32":
      return join(env.LOCALAPPDATA || join(home, "AppData", "Local"), "sigstore-ts");
    case "darwin":
      return join(home, "Library", "Caches", "sigstore-ts");
    default:
      return join(env.XDG_CACHE_HOME || join(home, ".cache"), "sigstore-ts");
  }
}

function homeDirectory(): string {
  try {
    return homedir();
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
  return join("tuf", `${encodeURIComponent(repositoryUrl)}.${kind === "state" ? "trust.json" : "root.json"}`);
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
  const path = join(cacheDir, name);
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return undefined;
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
  const path = join(cacheDir, name);
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    mkdirSync(join(path, ".."), { recursive: true, mode: 0o700 });
    writeFileSync(temp, text, { flag: "wx", mode: 0o600 });
    if (!replace(readCacheFile(cacheDir, name))) {
      rmSync(temp, { force: true });
      return false;
    }
    renameSync(temp, path);
    return true;
  } catch (e) {
    rmSync(temp, { force: true });
    if (e instanceof ConfigError || isPermissionDenied(e)) throw e;
    throw new ConfigError("TUF_CACHE", `Cannot write the trust cache ${path}: ${(e as Error).message}`);
  }
}
