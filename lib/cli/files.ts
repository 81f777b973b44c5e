/**
 * File access for the CLI: reading bundles, keys and trust files with
 * one-line errors, and hashing artifacts as a stream.
 *
 * @module
 */

import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { digestStreamMany, type HashAlgorithm } from "../crypto/mod.ts";
import { SigstoreError } from "../errors/mod.ts";

/** Reads a whole file as UTF-8 text; failures name the file and the reason. */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new SigstoreError("IO", `Cannot read ${what} ${JSON.stringify(path)}: ${describeIoError(e)}`);
  }
}

/** Reads a whole file as bytes. */
export function readBinaryFile(path: string, what: string): Uint8Array {
  try {
    const buffer = readFileSync(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength); // a view, not a copy
  } catch (e) {
    throw new SigstoreError("IO", `Cannot read ${what} ${JSON.stringify(path)}: ${describeIoError(e)}`);
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

/** Size of a file in bytes. */
export function fileSize(path: string, what: string): number {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw Object.assign(new Error("not a regular file"), { code: "EISDIR" });
    return st.size;
  } catch (e) {
    throw new SigstoreError("IO", `Cannot read ${what} ${JSON.stringify(path)}: ${describeIoError(e)}`);
  }
}

/** Hashes a file with several algorithms in one streamed pass (constant memory). */
export async function hashFile(
  path: string,
  algorithms: readonly HashAlgorithm[],
): Promise<Map<HashAlgorithm, Uint8Array>> {
  try {
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    return await digestStreamMany(algorithms, stream as AsyncIterable<Uint8Array>);
  } catch (e) {
    throw new SigstoreError("IO", `Cannot read artifact ${JSON.stringify(path)}: ${describeIoError(e)}`);
  }
}

function describeIoError(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory, not a file";
    default:
      return (e as Error).message ?? String(e);
  }
}
