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

import { createHasher, type HashAlgorithm } from "../crypto/mod.ts";
import { concatBytes } from "../encoding/mod.ts";
import { SigstoreError } from "../errors/mod.ts";
import { fileSystem, type OpenFile } from "./_file_system.ts";
import { describePermissionDenied } from "./permissions.ts";
import { quote } from "./safe_text.ts";
import { availableCores } from "./verify_pool_size.ts";

/**
 * The largest bundle, key, certificate, signature, predicate or trust file
 * read (64 MiB): far above any real one (a bundle with a large in-toto
 * attestation is a few MiB), and small enough that `--bundle /dev/zero`
 * stops at once.
 */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/**
 * Artifacts up to this size are read whole and checked over their bytes;
 * larger ones are hashed as a stream (constant memory) and checked from
 * their digests, unless the signer's key signs whole messages (RSA,
 * Ed25519), which need the bytes at any size.
 */
export const KEEP_ARTIFACT_BYTES = 8 * 1024 * 1024;

/**
 * The size of each reused read buffer of a streamed artifact (2 MiB): on
 * one core, Deno hashed a file at 90–91% of `openssl speed` with 2 MiB
 * chunks and at 87–90% with 1 MiB ones (Bun at 90–92% with either); 4 MiB
 * ones were 1–2% faster but took Deno's peak memory for a 1 GiB artifact
 * over 64 MiB.
 */
export const ARTIFACT_CHUNK_BYTES = 2 * 1024 * 1024;

function ioError(what: string, path: string, e: unknown): SigstoreError {
  return new SigstoreError("IO", `Cannot read ${what} ${quote(path)}: ${describeIoError(e)}`, { cause: e });
}

/**
 * Reads a whole document (at most `limit` bytes) from a file, pipe or
 * device, as bytes; a longer one is refused without reading the rest.
 */
export function readDocumentBytes(path: string, what: string, limit = MAX_DOCUMENT_BYTES): Uint8Array {
  const fs = fileSystem();
  let file: ReturnType<typeof fs.open> | undefined;
  try {
    if (fs.stat(path).isDirectory) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    file = fs.open(path);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(1 << 20, limit + 1 - total));
      const n = file.read(chunk);
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
    file?.close();
  }
}

/** Reads a whole document as UTF-8 text (at most {@linkcode MAX_DOCUMENT_BYTES}). */
export function readDocument(path: string, what: string): string {
  return new TextDecoder().decode(readDocumentBytes(path, what));
}

/** Reads a whole regular file as bytes (signing inputs; their size is not bounded). */
export function readBinaryFile(path: string, what: string): Uint8Array {
  try {
    return fileSystem().readFile(path);
  } catch (e) {
    throw ioError(what, path, e);
  }
}

/** True when a regular file exists at `path`. */
export function isFile(path: string): boolean {
  try {
    return fileSystem().stat(path).isFile;
  } catch {
    return false;
  }
}

/** Size of a regular file in bytes; anything else is refused. */
export function fileSize(path: string, what: string): number {
  try {
    const st = fileSystem().stat(path);
    if (st.isDirectory) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    if (!st.isFile) throw Object.assign(new Error("not a regular file"), { code: "ENOTREG" });
    return st.size;
  } catch (e) {
    throw ioError(what, path, e);
  }
}

/** An artifact as read: its bytes, or (read as a stream) its digests. */
export type ReadArtifact =
  | { readonly kind: "bytes"; readonly bytes: Uint8Array }
  | { readonly kind: "digest"; readonly digests: Map<HashAlgorithm, Uint8Array> };

/** Which of an artifact's bytes a reader keeps: all, the first {@linkcode KEEP_ARTIFACT_BYTES}, or none. */
type Keep = "all" | "small" | "none";

/**
 * Hashes chunks with every algorithm in `algorithms`, keeping their bytes
 * as `keep` says; the chunks may reuse one buffer (kept bytes are copied).
 */
function artifactReader(algorithms: readonly HashAlgorithm[], keep: Keep) {
  const hashers = algorithms.map((a) => [a, createHasher(a)] as const);
  let kept: Uint8Array[] | undefined = keep === "none" ? undefined : [];
  let total = 0;
  return {
    add(chunk: Uint8Array): void {
      for (const [, h] of hashers) h.update(chunk);
      total += chunk.length;
      if (kept !== undefined && (keep === "all" || total <= KEEP_ARTIFACT_BYTES)) kept.push(chunk.slice());
      else kept = undefined;
    },
    result(): ReadArtifact {
      if (kept !== undefined) return { kind: "bytes", bytes: concatBytes(...kept) };
      return { kind: "digest", digests: new Map(hashers.map(([a, h]) => [a, h.digest()])) };
    },
  };
}

/**
 * Reads an artifact once, as a stream: keeps its bytes while it is small (or
 * always, with `needsBytes`: a key that signs the whole message), and
 * otherwise hashes it with every algorithm in `algorithms`, in memory that
 * does not grow with its size.
 */
export async function readArtifactStream(
  chunks: AsyncIterable<Uint8Array | string>,
  algorithms: readonly HashAlgorithm[],
  needsBytes = false,
): Promise<ReadArtifact> {
  const reader = artifactReader(algorithms, needsBytes ? "all" : "small");
  for await (const chunk of chunks) {
    reader.add(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);
  }
  return reader.result();
}

const ON_DENO = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

/**
 * True when a read ahead (off the main thread, into a second buffer) can
 * overlap the hashing of the current chunk: when this process may run on
 * more than one core (as `taskset` sets them; see `availableCores`), except
 * on Deno. Deno runs each asynchronous read on a thread of its own pool with
 * a buffer of its own, which took its peak memory for a 1 GiB artifact from
 * 60–66 to 65–70 MiB (over the 64 MiB the project keeps to); reading
 * synchronously, it hashed 81–88% as fast as `openssl speed` on two cores
 * instead of 90–98% (and 90–91% on one core either way).
 */
function readAheadPays(): boolean {
  return !ON_DENO && availableCores() > 1;
}

/**
 * Hashes an open file to its end with `reader`, through reused
 * {@linkcode ARTIFACT_CHUNK_BYTES} buffers: two where a read ahead pays
 * (the next chunk is read while this one is hashed), else one, read
 * synchronously (on one core the hand-off to a reading thread only costs:
 * under `taskset -c 0` Bun hashed about 4% faster so, Deno about 3%).
 */
async function hashOpenFile(open: OpenFile, reader: ReturnType<typeof artifactReader>): Promise<void> {
  let current = new Uint8Array(ARTIFACT_CHUNK_BYTES);
  if (!readAheadPays()) {
    for (let n = open.read(current); n > 0; n = open.read(current)) reader.add(current.subarray(0, n));
    return;
  }
  let next = new Uint8Array(ARTIFACT_CHUNK_BYTES);
  let reading = open.readAsync(current);
  for (let n = await reading; n > 0; n = await reading) {
    reading = open.readAsync(next); // read ahead into the other buffer ...
    reader.add(current.subarray(0, n)); // ... while this chunk is hashed
    [current, next] = [next, current];
  }
}

/**
 * Reads an artifact from a path: a regular file, a FIFO, a pipe or a
 * device, never a directory. A regular file of at most
 * {@linkcode KEEP_ARTIFACT_BYTES} (or any size, with `needsBytes`) is read
 * whole; anything else is hashed through one or two reused
 * {@linkcode ARTIFACT_CHUNK_BYTES} buffers (see `hashOpenFile`), so memory
 * stays flat at any size.
 */
export async function readArtifactFile(
  path: string,
  algorithms: readonly HashAlgorithm[],
  needsBytes = false,
): Promise<ReadArtifact> {
  const fs = fileSystem();
  let file: OpenFile | undefined;
  try {
    const st = fs.stat(path);
    if (st.isDirectory) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    if (st.isFile && (needsBytes || st.size <= KEEP_ARTIFACT_BYTES)) {
      const bytes = fs.readFile(path);
      if (needsBytes || bytes.length <= KEEP_ARTIFACT_BYTES) return { kind: "bytes", bytes };
      const reader = artifactReader(algorithms, "none"); // it grew since stat: hash what was read
      reader.add(bytes);
      return reader.result();
    }
    file = fs.open(path);
    // A regular file this large is not kept, not even its first chunks (up to
    // 8 MiB more at the peak), even if it shrank since stat: its digests serve,
    // as a key that needs the bytes was handled above.
    const keep = st.isFile ? "none" : needsBytes ? "all" : "small";
    const reader = artifactReader(algorithms, keep);
    await hashOpenFile(file, reader);
    return reader.result();
  } catch (e) {
    throw ioError("artifact", path, e);
  } finally {
    file?.close();
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
