/**
 * Trust that stays current: the trusted root and signing configs of a
 * Sigstore instance, refreshed over TUF from its repository, cached per
 * repository URL, exported as a trust bundle for air-gapped machines and
 * re-verified from the bootstrap root when imported.
 *
 * - Online, a fresh cache (its timestamp not expired) is used with no
 *   network call; otherwise the repository is refreshed, starting from the
 *   newest cached root, and the new state replaces the cache atomically.
 * - Offline, the cache is used if present, else the embedded trust; no TUF
 *   code is loaded (the cached targets are checked against the cached
 *   targets metadata by hash).
 * - A trust bundle is verified like a repository: the whole chain from the
 *   bootstrap root, against the local clock, and never older than the
 *   cached state (rollback).
 *
 * This is a runtime edge (it reads and writes the cache): lib/cli imports it
 * directly; lib/trust/mod.ts exports only its types, so the browser-safe
 * verify entry never loads it.
 *
 * @module
 */

import { utf8Decode, utf8Encode } from "../encoding/mod.ts";
import { ConfigError, ParseError, VerificationError } from "../errors/mod.ts";
import { AS_OF } from "./_embedded_data.ts";
import { embeddedDocument, type EmbeddedInstance } from "./embedded.ts";
import { encodeTrustBundle, parseTrustBundle, type TrustBundle } from "./trust_bundle.ts";
import type { TrustInfo } from "./trust_info.ts";
import { cacheFileName, readCacheFile, writeCacheFile } from "./tuf_cache.ts";
import type { TufSession, TufSessionOptions } from "./tuf_session.ts";
import { matchesTarget } from "./tuf_target.ts";
export { resolveCacheDir } from "./tuf_cache.ts";
export type { CacheEnvironment } from "./tuf_cache.ts";
import { createBundleTufSource, createHttpTufSource, type TufSource } from "./tuf_source.ts";

/** The TUF repositories of the public-good instances. */
export const PUBLIC_TUF_REPOSITORIES: Readonly<Record<EmbeddedInstance, string>> = {
  production: "https://tuf-repo-cdn.sigstore.dev",
  staging: "https://tuf-repo-cdn.sigstage.dev",
};

/** The targets a Sigstore TUF repository vouches for that this client uses. */
export const SIGSTORE_TARGETS = {
  trustedRoot: "trusted_root.json",
  signingConfig: "signing_config.v0.2.json",
  signingConfigRekorV2: "signing_config_rekor_v2.v0.2.json",
} as const;

/** A TUF repository and the root that bootstraps trust in it. */
export interface TufRepository {
  /** The repository's metadata URL */
  readonly url: string;
  /** The root metadata trust starts from (embedded, or given with `trust-instance`) */
  readonly bootstrapRoot: Uint8Array;
  /** The public-good instance whose trust is embedded, if it is one */
  readonly instance: EmbeddedInstance | undefined;
}

/** Trust documents and where they came from. */
export interface TufTrust {
  /** The TrustedRoot JSON text */
  readonly trustedRootJson: string;
  /** The SigningConfig v0.2 JSON text, when the repository has one */
  readonly signingConfigJson: string | undefined;
  /** The Rekor v2 SigningConfig JSON text, when the repository has one */
  readonly signingConfigRekorV2Json: string | undefined;
  /** The source, versions and age */
  readonly info: TrustInfo;
}

/** Options shared by the trust loaders. */
export interface TufTrustOptions {
  /** The repository */
  readonly repository: TufRepository;
  /** The cache directory (from `resolveCacheDir`); `undefined` to read no cache (writing then fails) */
  readonly cacheDir: string | undefined;
  /** The current time: the reference time of every TUF expiry check */
  readonly now: Date;
  /** The `fetch` to use; default the global one */
  readonly fetch?: typeof fetch | undefined;
  /** Per-request timeout in milliseconds; default 15 s */
  readonly timeoutMs?: number | undefined;
}

/**
 * The public-good repository of an embedded instance, bootstrapped from its embedded TUF root.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { publicTufRepository } from "./tuf_trust.ts";
 * assert.equal(publicTufRepository("staging").url, "https://tuf-repo-cdn.sigstage.dev");
 * ```
 */
export function publicTufRepository(instance: EmbeddedInstance): TufRepository {
  return {
    url: PUBLIC_TUF_REPOSITORIES[instance],
    bootstrapRoot: utf8Encode(embeddedDocument(instance, "root.json")),
    instance,
  };
}

/**
 * A private instance's repository, bootstrapped from the root stored by
 * `trust-instance` ({@linkcode storeInstanceRoot}).
 *
 * @throws {ConfigError} `TUF_CACHE` when no root was stored for the URL
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { instanceTufRepository } from "./tuf_trust.ts";
 * assert.throws(() => instanceTufRepository("https://tuf.example.com", "/nonexistent"), /trust-instance/);
 * ```
 */
export function instanceTufRepository(given: string, cacheDir: string): TufRepository {
  const url = normalizeRepositoryUrl(given);
  const public_ = (Object.keys(PUBLIC_TUF_REPOSITORIES) as EmbeddedInstance[])
    .find((i) => PUBLIC_TUF_REPOSITORIES[i] === url);
  if (public_ !== undefined) return publicTufRepository(public_);
  const root = readCacheFile(cacheDir, cacheFileName(url, "root"));
  if (root === undefined) {
    throw new ConfigError(
      "TUF_CACHE",
      `No TUF root is trusted for ${url}: run "sigstore-ts --instance ${url} trust-instance ROOT.json" first`,
    );
  }
  return { url, bootstrapRoot: utf8Encode(root), instance: undefined };
}

/**
 * Stores a private instance's bootstrap root after checking that it is
 * TUF root metadata signed by its own threshold of keys.
 *
 * @throws {VerificationError} `TUF_SIGNATURE` and {@linkcode ParseError} `TUF_METADATA_PARSE` for a bad root
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { storeInstanceRoot } from "./tuf_trust.ts";
 * await assert.rejects(storeInstanceRoot("https://tuf.example.com", "{}", "/nonexistent"), /root/);
 * ```
 */
export async function storeInstanceRoot(url: string, rootJson: string, cacheDir: string): Promise<void> {
  await verifyTufRoot(utf8Encode(rootJson), url);
  writeCacheFile(cacheDir, cacheFileName(normalizeRepositoryUrl(url), "root"), rootJson);
}

/**
 * A repository URL as the cache keys it: without trailing slashes (`https://tuf.example/` is `https://tuf.example`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeRepositoryUrl } from "./tuf_trust.ts";
 * assert.equal(normalizeRepositoryUrl("https://tuf.example.com/"), "https://tuf.example.com");
 * ```
 */
export function normalizeRepositoryUrl(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * Checks that bytes are TUF root metadata signed by a threshold of its own
 * root keys, loading the TUF code on demand.
 *
 * @param root The root metadata
 * @param what Where it is from, for messages
 * @throws {VerificationError} `TUF_SIGNATURE` and {@linkcode ParseError} `TUF_METADATA_PARSE` for a bad root
 *
 * @example
 * ```ts
 * import { embeddedDocument } from "./embedded.ts";
 * import { verifyTufRoot } from "./tuf_trust.ts";
 * await verifyTufRoot(new TextEncoder().encode(embeddedDocument("production", "root.json")), "embedded");
 * ```
 */
export async function verifyTufRoot(root: Uint8Array, what: string): Promise<void> {
  const { checkRootMetadata } = await import("./tuf_session.ts");
  checkRootMetadata(root, what);
}

function parseSigned(bytes: Uint8Array, what: string): { version: number; expires: Date; raw: unknown } {
  try {
    const signed = (JSON.parse(utf8Decode(bytes) ?? "") as { signed: Record<string, unknown> }).signed;
    const expires = new Date(signed.expires as string);
    if (typeof signed.version !== "number" || Number.isNaN(expires.getTime())) throw new Error("no version");
    return { version: signed.version, expires, raw: signed };
  } catch {
    throw new ConfigError("TUF_CACHE", `Cached TUF ${what} is malformed`);
  }
}

function newestRoot(bundle: TrustBundle | undefined, repository: TufRepository): Uint8Array {
  const cached = bundle?.roots.at(-1);
  if (cached === undefined) return repository.bootstrapRoot;
  const bootstrap = parseSigned(repository.bootstrapRoot, "bootstrap root").version;
  return parseSigned(cached, "root").version > bootstrap ? cached : repository.bootstrapRoot;
}

function infoOf(
  bundle: TrustBundle,
  repository: TufRepository,
  source: TrustInfo["source"],
  location: string,
): TrustInfo {
  const timestamp = parseSigned(bundle.timestamp, "timestamp");
  return {
    source,
    location,
    repositoryUrl: repository.url,
    versions: {
      root: parseSigned(newestRoot(bundle, repository), "root").version,
      timestamp: timestamp.version,
      snapshot: parseSigned(bundle.snapshot, "snapshot").version,
      targets: parseSigned(bundle.roles.get("targets")!, "targets").version,
    },
    fetchedAt: bundle.fetchedAt,
    timestampExpires: timestamp.expires,
    asOf: bundle.fetchedAt,
  };
}

/**
 * The trust documents of an already verified bundle (the cache), checked by
 * length and hashes against the targets metadata it holds. No TUF code runs.
 */
function trustOf(bundle: TrustBundle, info: TrustInfo): TufTrust {
  const listed = new Map<string, { length: number; hashes: Record<string, string> }>();
  for (const [role, bytes] of bundle.roles) {
    const targets = (parseSigned(bytes, role).raw as { targets?: Record<string, never> }).targets ?? {};
    for (const [path, target] of Object.entries(targets)) if (!listed.has(path)) listed.set(path, target);
  }
  function document(name: string, required: boolean): string | undefined {
    const bytes = bundle.targets.get(name);
    const target = listed.get(name);
    if (bytes === undefined || target === undefined) {
      if (!required) return undefined;
      throw new ConfigError("TUF_CACHE", `The trust in ${info.location} has no ${name}`);
    }
    if (!matchesTarget({ path: name, length: target.length, hashes: target.hashes }, bytes)) {
      throw new ConfigError("TUF_CACHE", `${name} in ${info.location} does not match its targets metadata`);
    }
    return utf8Decode(bytes);
  }
  return {
    trustedRootJson: document(SIGSTORE_TARGETS.trustedRoot, true)!,
    signingConfigJson: document(SIGSTORE_TARGETS.signingConfig, false),
    signingConfigRekorV2Json: document(SIGSTORE_TARGETS.signingConfigRekorV2, false),
    info,
  };
}

function readCache(options: TufTrustOptions): { bundle: TrustBundle; location: string } | undefined {
  if (options.cacheDir === undefined) return undefined;
  const name = cacheFileName(options.repository.url, "state");
  const text = readCacheFile(options.cacheDir, name);
  if (text === undefined) return undefined;
  const location = `${options.cacheDir}/${name}`;
  try {
    const bundle = parseTrustBundle(text, location);
    if (bundle.repositoryUrl !== options.repository.url) throw new Error("wrong repository");
    return { bundle, location };
  } catch (e) {
    throw new ConfigError(
      "TUF_CACHE",
      `The trust cache ${location} is damaged (${(e as Error).message}): delete it and refresh`,
      { cause: e },
    );
  }
}

/**
 * The embedded trust of a public-good instance, with its age.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embeddedTufTrust } from "./tuf_trust.ts";
 * assert.equal(embeddedTufTrust("production").info.versions.root, 16);
 * ```
 */
export function embeddedTufTrust(instance: EmbeddedInstance): TufTrust {
  const root = parseSigned(utf8Encode(embeddedDocument(instance, "root.json")), "root");
  return {
    trustedRootJson: embeddedDocument(instance, SIGSTORE_TARGETS.trustedRoot),
    signingConfigJson: embeddedDocument(instance, SIGSTORE_TARGETS.signingConfig),
    signingConfigRekorV2Json: embeddedDocument(instance, SIGSTORE_TARGETS.signingConfigRekorV2),
    info: {
      source: "embedded",
      location: instance,
      repositoryUrl: PUBLIC_TUF_REPOSITORIES[instance],
      versions: { root: root.version, timestamp: undefined, snapshot: undefined, targets: undefined },
      fetchedAt: undefined,
      timestampExpires: undefined,
      asOf: new Date(AS_OF[instance]!),
    },
  };
}

/**
 * Offline trust: the cache if present, else the embedded trust. Never
 * touches the network and loads no TUF code.
 *
 * @throws {ConfigError} `TUF_CACHE` when the cache is damaged, or a private instance has none
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { offlineTufTrust, publicTufRepository } from "./tuf_trust.ts";
 * const trust = offlineTufTrust({ repository: publicTufRepository("production"), cacheDir: "/nonexistent" });
 * assert.equal(trust.info.source, "embedded");
 * ```
 */
export function offlineTufTrust(options: Omit<TufTrustOptions, "now" | "fetch" | "timeoutMs">): TufTrust {
  const cached = readCache({ ...options, now: new Date(0) });
  if (cached !== undefined) {
    return trustOf(cached.bundle, infoOf(cached.bundle, options.repository, "cache", cached.location));
  }
  if (options.repository.instance !== undefined) return embeddedTufTrust(options.repository.instance);
  throw new ConfigError(
    "TUF_CACHE",
    `No cached trust for ${options.repository.url}: refresh it online, or import a trust bundle`,
  );
}

/** Runs the TUF workflow from `start` against `source` and returns the new state as a bundle. */
async function updateFrom(
  source: TufSource,
  start: Uint8Array,
  cached: TrustBundle | undefined,
  options: TufTrustOptions,
): Promise<TrustBundle> {
  const { openTufSession } = await import("./tuf_session.ts");
  const local = cached === undefined
    ? undefined
    : { timestamp: cached.timestamp, snapshot: cached.snapshot, roles: cached.roles };
  const session = await openTufSession({ trustedRoot: start, local, source, now: options.now });
  if (cached !== undefined) {
    const before = parseSigned(newestRoot(cached, options.repository), "root").version;
    if (session.state.root.version < before) {
      throw new VerificationError(
        "TUF_ROLLBACK",
        `Cannot verify TUF root from ${source.description}: version ${session.state.root.version} is older ` +
          `than the cached version ${before}`,
      );
    }
  }
  await session.loadDelegations();
  const targets = new Map<string, Uint8Array>();
  for (const name of Object.values(SIGSTORE_TARGETS)) {
    const info = await session.findTarget(name);
    if (info === undefined) {
      if (name !== SIGSTORE_TARGETS.trustedRoot) continue;
      throw new VerificationError("TUF_TARGET_MISSING", `${source.description} lists no target ${name}`);
    }
    const old = cached?.targets.get(name);
    targets.set(
      name,
      old !== undefined && session.matchesTarget(info, old) ? old : await session.fetchTarget(info),
    );
  }
  const bootstrapVersion = parseSigned(options.repository.bootstrapRoot, "bootstrap root").version;
  const roots = new Map<number, Uint8Array>();
  for (const root of [...(cached?.roots ?? []), ...session.newRoots]) {
    const version = parseSigned(root, "root").version;
    if (version > bootstrapVersion && version <= session.state.root.version) roots.set(version, root);
  }
  return {
    repositoryUrl: options.repository.url,
    fetchedAt: options.now,
    roots: [...roots.keys()].sort((a, b) => a - b).map((v) => roots.get(v)!),
    timestamp: session.timestamp,
    snapshot: session.snapshot,
    roles: session.roles,
    targets,
  };
}

function saveToCache(bundle: TrustBundle, options: TufTrustOptions): string {
  if (options.cacheDir === undefined) {
    throw new ConfigError("TUF_CACHE", "No trust cache directory to write to");
  }
  const name = cacheFileName(options.repository.url, "state");
  const timestampVersion = parseSigned(bundle.timestamp, "timestamp").version;
  writeCacheFile(options.cacheDir, name, encodeTrustBundle(bundle), (current) => {
    // Another process may have stored a newer state meanwhile: keep the newest.
    if (current === undefined) return true;
    try {
      return parseSigned(parseTrustBundle(current, name).timestamp, "timestamp").version <= timestampVersion;
    } catch {
      return true;
    }
  });
  return `${options.cacheDir}/${name}`;
}

/**
 * Refreshes the trust over TUF from the repository, starting from the
 * newest cached root (or the bootstrap root), and stores the new state in
 * the cache atomically. A failure leaves the cache as it was.
 *
 * @returns The refreshed trust (source `tuf`) and the state stored
 * @throws {VerificationError} `TUF_*` when the repository fails a TUF check
 * @throws {NetworkError} `TUF_FETCH`, `TUF_TOO_LARGE` when the repository cannot be read
 * @throws {ConfigError} `TUF_CACHE` when the cache cannot be read or written
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { publicTufRepository, refreshTufTrust } from "./tuf_trust.ts";
 * const repository = { ...publicTufRepository("production"), url: "http://127.0.0.1:9" }; // nothing listens
 * await assert.rejects(refreshTufTrust({ repository, cacheDir: "/nonexistent", now: new Date() }), /127.0.0.1:9/);
 * ```
 */
export async function refreshTufTrust(options: TufTrustOptions): Promise<TufTrust & { bundle: TrustBundle }> {
  const cached = readCache(options)?.bundle;
  const source = createHttpTufSource(options.repository.url, {
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
  });
  const bundle = await updateFrom(source, newestRoot(cached, options.repository), cached, options);
  saveToCache(bundle, options);
  return { ...trustOf(bundle, infoOf(bundle, options.repository, "tuf", options.repository.url)), bundle };
}

/**
 * Online trust: the cache when its timestamp has not expired (no network
 * call), else a TUF refresh.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { onlineTufTrust, publicTufRepository } from "./tuf_trust.ts";
 * const repository = { ...publicTufRepository("production"), url: "http://127.0.0.1:9" }; // nothing listens
 * await assert.rejects(onlineTufTrust({ repository, cacheDir: "/nonexistent", now: new Date() }), /TUF repository/);
 * ```
 */
export async function onlineTufTrust(options: TufTrustOptions): Promise<TufTrust> {
  const cached = readCache(options);
  if (cached !== undefined) {
    const info = infoOf(cached.bundle, options.repository, "cache", cached.location);
    if (info.timestampExpires!.getTime() > options.now.getTime()) return trustOf(cached.bundle, info);
  }
  return await refreshTufTrust(options);
}

/**
 * Verifies a trust bundle (from `trust export`) as a TUF repository: the
 * whole chain from the bootstrap root, signatures, thresholds, versions,
 * hashes, lengths and expiry against `now`, and no older than the cache.
 *
 * @param text The bundle file's contents
 * @param path The bundle file's name, for messages
 * @param options Repository, cache and the current time
 * @returns The bundle's trust (source `trust-bundle`) and the verified state
 * @throws {ParseError} `TUF_BUNDLE_PARSE` when the file is not a complete bundle for this repository
 * @throws {VerificationError} `TUF_*` when its metadata fails a TUF check
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { publicTufRepository, verifyTrustBundle } from "./tuf_trust.ts";
 * const options = { repository: publicTufRepository("production"), cacheDir: "/nonexistent", now: new Date() };
 * await assert.rejects(verifyTrustBundle("{", "trust.json", options), /not valid JSON/);
 * ```
 */
export async function verifyTrustBundle(
  text: string,
  path: string,
  options: TufTrustOptions,
): Promise<TufTrust & { bundle: TrustBundle }> {
  const parsed = parseTrustBundle(text, path);
  if (parsed.repositoryUrl !== options.repository.url) {
    throw new ParseError(
      "TUF_BUNDLE_PARSE",
      `Trust bundle ${path} is for ${parsed.repositoryUrl}, not ${options.repository.url}`,
    );
  }
  if (parsed.fetchedAt.getTime() > options.now.getTime()) {
    throw new ParseError(
      "TUF_BUNDLE_PARSE",
      `Trust bundle ${path} claims it was fetched at ${parsed.fetchedAt.toISOString()}, after the local clock`,
    );
  }
  const cached = readCache(options)?.bundle;
  const source = createBundleTufSource(parsed, path);
  const bundle = await updateFrom(source, options.repository.bootstrapRoot, cached, options);
  const verified = { ...bundle, fetchedAt: parsed.fetchedAt };
  return {
    ...trustOf(verified, infoOf(verified, options.repository, "trust-bundle", path)),
    bundle: verified,
  };
}

/**
 * Verifies a trust bundle and stores it as the cached state (`trust import`).
 *
 * @returns The trust now in the cache
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { importTrustBundle, publicTufRepository } from "./tuf_trust.ts";
 * const options = { repository: publicTufRepository("production"), cacheDir: "/nonexistent", now: new Date() };
 * await assert.rejects(importTrustBundle("[]", "trust.json", options), /Malformed trust bundle/);
 * ```
 */
export async function importTrustBundle(
  text: string,
  path: string,
  options: TufTrustOptions,
): Promise<TufTrust> {
  const { bundle } = await verifyTrustBundle(text, path, options);
  const location = saveToCache(bundle, options);
  return trustOf(bundle, infoOf(bundle, options.repository, "cache", location));
}

/**
 * Opens a TUF client session (the full TUF workflow over `options.source`),
 * loading the TUF code on demand. The TUF conformance client uses it; the
 * trust loaders above run the same session.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embeddedDocument } from "./embedded.ts";
 * import { createHttpTufSource } from "./tuf_source.ts";
 * import { openTufClient } from "./tuf_trust.ts";
 * const trustedRoot = new TextEncoder().encode(embeddedDocument("production", "root.json"));
 * const source = createHttpTufSource("http://127.0.0.1:9", { retries: 0 }); // nothing listens
 * await assert.rejects(openTufClient({ trustedRoot, source, now: new Date() }), /TUF repository/);
 * ```
 */
export async function openTufClient(options: TufSessionOptions): Promise<TufSession> {
  const { openTufSession } = await import("./tuf_session.ts");
  return await openTufSession(options);
}

/**
 * The text of a trust bundle holding a verified state (`trust export`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportTrustBundle } from "./tuf_trust.ts";
 * const e = new Uint8Array();
 * const text = exportTrustBundle({
 *   repositoryUrl: "https://tuf.example.com", fetchedAt: new Date(0), roots: [], timestamp: e, snapshot: e,
 *   roles: new Map([["targets", e]]), targets: new Map(),
 * });
 * assert.match(text, /trustbundle/);
 * ```
 */
export function exportTrustBundle(bundle: TrustBundle): string {
  return encodeTrustBundle(bundle);
}
