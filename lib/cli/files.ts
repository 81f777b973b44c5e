/**
 * File access for the CLI: reading bundles, keys and trust files (bounded
 * in size) with one-line errors, and reading artifacts from files, pipes,
 * FIFOs or standard input as a stream.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readDocument } from "./files.ts";
 * // Run from the repository root.
 * const text = readDocument("testdata/genuine/java-bundle-v3-prod/bundle.sigstore.json", "bundle");
 * assert.ok(text.includes("mediaType"));
 * assert.throws(() => readDocument("no-such.sigstore.json", "bundle"), { code: "IO" });
 * ```
 *
 * @module
 */

import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { digestStreamMany, type HashAlgorithm } from "../crypto/mod.ts";
import { concatBytes } from "../encoding/mod.ts";
import { SigstoreError } from "../errors/mod.ts";
import { describePermissionDenied } from "./permissions.ts";
import { quote } from "./safe_text.ts";

/**
 * The largest bundle, key, certificate, signature, predicate or trust file
 * read (64 MiB): far above any real one (a bundle with a large in-toto
 * attestation is a few MiB), and small enough that `--bundle /dev/zero`
 * stops at once.
 */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/** Artifacts up to this size are kept in memory (any key type verifies); larger ones are only hashed. */
export const KEEP_ARTIFACT_BYTES = 32 * 1024 * 1024;

function ioError(what: string, path: string, e: unknown): SigstoreError {
  return new SigstoreError("IO", `Cannot read ${what} ${quote(path)}: ${describeIoError(e)}`, { cause: e });
}

/**
 * Reads a whole document (at most `limit` bytes) from a file, pipe or
 * device, as bytes; a longer one is refused without reading the rest.
 */
export function readDocumentBytes(path: string, what: string, limit = MAX_DOCUMENT_BYTES): Uint8Array {
  let fd: number | undefined;
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    fd = openSync(path, "r");
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(1 << 20, limit + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > limit) {
        throw new SigstoreError(
          "IO",
          `Cannot read ${what} ${quote(path)}: it is larger than ${
            limit / (1024 * 1024)
          } MiB, the limit for a ${what}`,
        );
      }
    }
    return concatBytes(...chunks);
  } catch (e) {
    if (e instanceof SigstoreError) throw e;
    throw ioError(what, path, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Reads a whole document as UTF-8 text (at most {@linkcode MAX_DOCUMENT_BYTES}). */
export function readDocument(path: string, what: string): string {
  return new TextDecoder().decode(readDocumentBytes(path, what));
}

/** Reads a whole regular file as bytes (signing inputs; their size is not bounded). */
export function readBinaryFile(path: string, what: string): Uint8Array {
  try {
    const buffer = readFileSync(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength); // a view, not a copy
  } catch (e) {
    throw ioError(what, path, e);
  }
}

/** True when a regular file exists at `path`. */
export function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Size of a regular file in bytes; anything else is refused. */
export function fileSize(path: string, what: string): number {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    if (!st.isFile()) throw Object.assign(new Error("not a regular file"), { code: "ENOTREG" });
    return st.size;
  } catch (e) {
    throw ioError(what, path, e);
  }
}

/** An artifact as read: its bytes when small enough to keep, and its digests. */
export interface ReadArtifact {
  /** The whole content, when at most {@linkcode KEEP_ARTIFACT_BYTES}. */
  readonly bytes: Uint8Array | undefined;
  /** Its digest under each requested algorithm. */
  readonly digests: Map<HashAlgorithm, Uint8Array>;
}

/**
 * Reads an artifact once, as a stream (constant memory beyond
 * `keepLimit`): keeps its bytes while it is small and hashes it with every
 * algorithm in `algorithms`.
 */
export async function readArtifactStream(
  chunks: AsyncIterable<Uint8Array>,
  algorithms: readonly HashAlgorithm[],
  keepLimit = KEEP_ARTIFACT_BYTES,
): Promise<ReadArtifact> {
  let kept: Uint8Array[] | undefined = [];
  let total = 0;
  async function* tee(): AsyncIterable<Uint8Array> {
    for await (const chunk of chunks) {
      const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
      total += bytes.length;
      if (kept !== undefined && total <= keepLimit) kept.push(bytes);
      else kept = undefined;
      yield bytes;
    }
  }
  const digests = await digestStreamMany(algorithms, tee());
  return { bytes: kept === undefined ? undefined : concatBytes(...kept), digests };
}

/** Reads an artifact from a path: a regular file, a FIFO, a pipe or a device, never a directory. */
export async function readArtifactFile(
  path: string,
  algorithms: readonly HashAlgorithm[],
): Promise<ReadArtifact> {
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    return await readArtifactStream(stream as AsyncIterable<Uint8Array>, algorithms);
  } catch (e) {
    throw ioError("artifact", path, e);
  }
}

/** A one-line reason for a failed file operation (`action`: read or write), naming a missing permission. */
export function describeIoError(e: unknown, action = "read"): string {
  const denied = describePermissionDenied(e, action);
  if (denied !== undefined) return denied;
  const code = (e as { code?: string }).code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "is a directory, not a file";
    case "ENOTREG":
      return "not a regular file";
    case "ELOOP":
      return "too many levels of symbolic links";
    default:
      return (e as Error)?.message ?? String(e);
  }
}
