/**
 * Where TUF metadata and targets come from: a repository over HTTP (the
 * published layout of the TUF specification §5, consistent snapshots or
 * not), or a trust bundle held in memory. Sources only fetch bytes; nothing
 * they return is trusted until the TUF client workflow has verified it.
 *
 * @module
 */

import { utf8Decode } from "../encoding/mod.ts";
import { NetworkError, SigstoreError } from "../errors/mod.ts";
import { createHttpClient } from "../net/mod.ts";
import type { TrustBundle } from "./trust_bundle.ts";

/** One metadata file: a role and, for root and consistent snapshots, its version. */
export interface MetadataRequest {
  /** The role: `root`, `timestamp`, `snapshot`, `targets` or a delegated role's name */
  readonly role: string;
  /** The version to fetch; absent for `timestamp` and without consistent snapshots */
  readonly version?: number | undefined;
}

/** A source of TUF metadata and targets. */
export interface TufSource {
  /** Where the source is, for messages (a URL or a file name) */
  readonly description: string;
  /**
   * Fetches one metadata file of at most `maxBytes`.
   * Returns `undefined` when the repository has no such file (HTTP 403 or 404).
   */
  metadata(request: MetadataRequest, maxBytes: number): Promise<Uint8Array | undefined>;
  /**
   * Fetches a target: `targetPath` as named in targets metadata, `fileName`
   * as published (prefixed with its hash under consistent snapshots).
   * Returns `undefined` when the repository has no such file.
   */
  target(targetPath: string, fileName: string, maxBytes: number): Promise<Uint8Array | undefined>;
}

/** Options of {@linkcode createHttpTufSource}. */
export interface HttpTufSourceOptions {
  /** Base URL of the targets; default `METADATA_URL/targets` */
  readonly targetBaseUrl?: string | undefined;
  /** The `fetch` to use; default the global one */
  readonly fetch?: typeof fetch | undefined;
  /** Per-request timeout in milliseconds; default 15 s */
  readonly timeoutMs?: number | undefined;
  /** Extra attempts after a timeout or 5xx; default 1 */
  readonly retries?: number | undefined;
}

/**
 * The published file name of a metadata request.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metadataFileName } from "./tuf_source.ts";
 * assert.equal(metadataFileName({ role: "registry.npmjs.org", version: 8 }), "8.registry.npmjs.org.json");
 * ```
 */
export function metadataFileName(request: MetadataRequest): string {
  const name = `${encodeURIComponent(request.role)}.json`;
  return request.version === undefined ? name : `${request.version}.${name}`;
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/**
 * A TUF repository over HTTP(S), with timeouts, a size limit on every
 * answer and one retry.
 *
 * @param metadataUrl The repository's metadata base URL
 * @param options Targets URL, `fetch`, timeout and retries
 * @returns The source
 *
 * @example
 * ```ts
 * import { createHttpTufSource } from "./tuf_source.ts";
 * const source = createHttpTufSource("https://tuf-repo-cdn.sigstore.dev", { timeoutMs: 5_000 });
 * console.log(source.description);
 * ```
 */
export function createHttpTufSource(metadataUrl: string, options: HttpTufSourceOptions = {}): TufSource {
  const http = createHttpClient({
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    timeoutMs: options.timeoutMs ?? 15_000,
    retries: options.retries ?? 1,
    backoffMs: 200,
  });
  const targetBase = options.targetBaseUrl ?? joinUrl(metadataUrl, "targets");
  async function get(url: string, maxBytes: number): Promise<Uint8Array | undefined> {
    let response;
    try {
      response = await http.request(url, {
        method: "GET",
        service: "TUF repository",
        maxBodyBytes: maxBytes,
      });
    } catch (e) {
      if (!(e instanceof SigstoreError)) throw e;
      const code = e.code === "RESPONSE_TOO_LARGE" ? "TUF_TOO_LARGE" : "TUF_FETCH";
      throw new NetworkError(code, e.message, { cause: e });
    }
    if (response.status === 403 || response.status === 404) return undefined;
    if (response.status < 200 || response.status >= 300) {
      throw new NetworkError("TUF_FETCH", `Cannot fetch ${url}: HTTP ${response.status}`);
    }
    return response.body;
  }
  return {
    description: metadataUrl,
    metadata: (request, maxBytes) => get(joinUrl(metadataUrl, metadataFileName(request)), maxBytes),
    target: (_path, fileName, maxBytes) => get(joinUrl(targetBase, fileName), maxBytes),
  };
}

function rootVersion(bytes: Uint8Array): number | undefined {
  try {
    const version = (JSON.parse(utf8Decode(bytes) ?? "") as { signed?: { version?: unknown } }).signed
      ?.version;
    return typeof version === "number" ? version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A trust bundle as a TUF source: it answers with the bundle's own files,
 * and "not found" for anything it does not hold, so the client workflow
 * verifies it exactly as it would a repository.
 *
 * @param bundle The parsed (unverified) bundle
 * @param description The bundle's file name, for messages
 * @returns The source
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createBundleTufSource } from "./tuf_source.ts";
 * const e = new Uint8Array([1]);
 * const source = createBundleTufSource({
 *   repositoryUrl: "https://tuf.example.com", fetchedAt: new Date(0), roots: [], timestamp: e, snapshot: e,
 *   roles: new Map([["targets", e]]), targets: new Map(),
 * }, "trust.json");
 * assert.equal(await source.metadata({ role: "root", version: 2 }, 1000), undefined);
 * ```
 */
export function createBundleTufSource(bundle: TrustBundle, description: string): TufSource {
  function limited(bytes: Uint8Array | undefined, maxBytes: number, what: string): Uint8Array | undefined {
    if (bytes !== undefined && bytes.length > maxBytes) {
      throw new NetworkError("TUF_TOO_LARGE", `${what} in ${description} is larger than ${maxBytes} bytes`);
    }
    return bytes;
  }
  return {
    description,
    metadata(request, maxBytes) {
      let bytes: Uint8Array | undefined;
      if (request.role === "root") bytes = bundle.roots.find((r) => rootVersion(r) === request.version);
      else if (request.role === "timestamp") bytes = bundle.timestamp;
      else if (request.role === "snapshot") bytes = bundle.snapshot;
      else bytes = bundle.roles.get(request.role);
      return Promise.resolve(limited(bytes, maxBytes, metadataFileName(request)));
    },
    target: (targetPath, _fileName, maxBytes) =>
      Promise.resolve(limited(bundle.targets.get(targetPath), maxBytes, targetPath)),
  };
}
