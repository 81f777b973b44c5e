/**
 * The trust bundle: one file holding a TUF repository's verified state, as
 * written by `trust export` and kept in the cache. It carries the metadata
 * chain (every root after the bootstrap root, timestamp, snapshot, the
 * top-level and delegated targets roles) byte for byte, the targets they
 * vouch for, and when this state was fetched and verified. Only the
 * metadata is authenticated; `fetchedAt` is a claim of the machine that
 * fetched it, bounded by the signed expiry (see `verifyTrustBundle`).
 *
 * @module
 */

import {
  encodeBase64,
  JsonShapeError,
  readArray,
  readBytes,
  readObject,
  readString,
  readTimestamp,
} from "../encoding/mod.ts";
import { ParseError } from "../errors/mod.ts";

/** The media type written in every trust bundle. */
export const TRUST_BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore-ts.trustbundle.v1+json";

/** A TUF repository's state, as raw bytes (nothing here is trusted until verified). */
export interface TrustBundle {
  /** The TUF repository's metadata URL, such as `https://tuf-repo-cdn.sigstore.dev` */
  readonly repositoryUrl: string;
  /** When the metadata was fetched and verified, by the clock of the machine that did it */
  readonly fetchedAt: Date;
  /** Root metadata after the bootstrap root, in ascending version order */
  readonly roots: readonly Uint8Array[];
  /** Timestamp metadata */
  readonly timestamp: Uint8Array;
  /** Snapshot metadata */
  readonly snapshot: Uint8Array;
  /** Targets roles by name: `targets` and every delegated role that was loaded */
  readonly roles: ReadonlyMap<string, Uint8Array>;
  /** Target files by target path */
  readonly targets: ReadonlyMap<string, Uint8Array>;
}

/**
 * Serialises a trust bundle as JSON text (all metadata and targets base64, byte-exact).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeTrustBundle, parseTrustBundle } from "./trust_bundle.ts";
 * const e = new Uint8Array([1]);
 * const bundle = {
 *   repositoryUrl: "https://tuf.example.com", fetchedAt: new Date(0), roots: [], timestamp: e, snapshot: e,
 *   roles: new Map([["targets", e]]), targets: new Map(),
 * };
 * assert.deepEqual(parseTrustBundle(encodeTrustBundle(bundle), "x").timestamp, e);
 * ```
 */
export function encodeTrustBundle(bundle: TrustBundle): string {
  const json = {
    mediaType: TRUST_BUNDLE_MEDIA_TYPE,
    repositoryUrl: bundle.repositoryUrl,
    fetchedAt: bundle.fetchedAt.toISOString(),
    metadata: {
      roots: bundle.roots.map(encodeBase64),
      timestamp: encodeBase64(bundle.timestamp),
      snapshot: encodeBase64(bundle.snapshot),
      roles: Object.fromEntries([...bundle.roles].map(([name, bytes]) => [name, encodeBase64(bytes)])),
    },
    targets: Object.fromEntries([...bundle.targets].map(([name, bytes]) => [name, encodeBase64(bytes)])),
  };
  return `${JSON.stringify(json, null, 1)}\n`;
}

function readByteMap(value: unknown, path: string): Map<string, Uint8Array> {
  const object = readObject(value, path);
  return new Map(Object.entries(object).map(([name, v]) => [name, readBytes(v, `${path}.${name}`)]));
}

/**
 * Parses trust bundle JSON text (shape only: the metadata is verified by
 * `verifyTrustBundle`).
 *
 * @param text The file's contents
 * @param what What the text is, for messages (a file name)
 * @returns The bundle's parts as bytes
 * @throws {ParseError} `TUF_BUNDLE_PARSE` when the text is not a complete trust bundle
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTrustBundle } from "./trust_bundle.ts";
 * assert.throws(() => parseTrustBundle('{"mediaType": "x"}', "trust.json"), /mediaType/);
 * ```
 */
export function parseTrustBundle(text: string, what: string): TrustBundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ParseError(
      "TUF_BUNDLE_PARSE",
      `Trust bundle ${what} is not valid JSON (truncated or damaged?): ${(e as Error).message}`,
    );
  }
  try {
    const root = readObject(json, "");
    const mediaType = readString(root.mediaType, "mediaType");
    if (mediaType !== TRUST_BUNDLE_MEDIA_TYPE) {
      throw new JsonShapeError(
        "mediaType",
        `expected ${JSON.stringify(TRUST_BUNDLE_MEDIA_TYPE)}, found ${JSON.stringify(mediaType)}`,
      );
    }
    const metadata = readObject(root.metadata, "metadata");
    const roles = readByteMap(metadata.roles, "metadata.roles");
    if (!roles.has("targets")) throw new JsonShapeError("metadata.roles.targets", "missing");
    return {
      repositoryUrl: readString(root.repositoryUrl, "repositoryUrl"),
      fetchedAt: readTimestamp(root.fetchedAt, "fetchedAt"),
      roots: readArray(metadata.roots, "metadata.roots").map((r, i) => readBytes(r, `metadata.roots[${i}]`)),
      timestamp: readBytes(metadata.timestamp, "metadata.timestamp"),
      snapshot: readBytes(metadata.snapshot, "metadata.snapshot"),
      roles,
      targets: readByteMap(root.targets, "targets"),
    };
  } catch (e) {
    if (e instanceof JsonShapeError) {
      throw new ParseError("TUF_BUNDLE_PARSE", `Malformed trust bundle ${what} at ${e.message}`, {
        cause: e,
      });
    }
    throw e;
  }
}
