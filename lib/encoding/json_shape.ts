/**
 * Shape checks for untrusted protobuf-JSON documents (bundles, trust roots,
 * signing configs). Each reader names the JSON path of the field it rejects,
 * so a malformed document gives an error like
 * `verificationMaterial.tlogEntries[0].logIndex: expected an int64 string`.
 *
 * @module
 */

import { decodeBase64 } from "./base64.ts";
import { quote } from "./quote.ts";

/** A shape error at a JSON path; the parse layers rethrow it as their own typed error. */
export class JsonShapeError extends Error {
  /** JSON path of the offending field, such as `tlogEntries[0].logIndex`. */
  readonly path: string;
  /** What is wrong with it, such as `expected an int64 string, found an array`. */
  readonly problem: string;
  /** Creates the error for `path`. */
  constructor(path: string, problem: string) {
    super(`${path || "(document)"}: ${problem}`);
    this.path = path;
    this.problem = problem;
    this.name = "JsonShapeError";
  }
}

/** Joins a path and a key. */
export function jsonPath(path: string, key: string | number): string {
  return typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

function typeName(v: unknown): string {
  if (v === undefined) return "nothing (the field is missing)";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** Names a found value for a message without echoing more than a short, escaped part of it. */
function describeFound(v: unknown): string {
  if (typeof v === "string") return quote(v, 40);
  if (typeof v === "number" || typeof v === "boolean") return quote(String(v), 40).slice(1, -1);
  return typeName(v);
}

/** Requires a JSON object. */
export function readObject(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new JsonShapeError(path, `expected an object, found ${typeName(v)}`);
  }
  return v as Record<string, unknown>;
}

/** Requires a string (empty allowed only when `allowEmpty`). */
export function readString(v: unknown, path: string, allowEmpty = false): string {
  if (typeof v !== "string") throw new JsonShapeError(path, `expected a string, found ${typeName(v)}`);
  if (!allowEmpty && v.length === 0) throw new JsonShapeError(path, "must not be empty");
  return v;
}

/** An optional string: `undefined` when absent or null. */
export function readOptionalString(v: unknown, path: string): string | undefined {
  return v === undefined || v === null ? undefined : readString(v, path, true);
}

/** Requires a JSON array (absent or null count as empty when `optional`). */
export function readArray(v: unknown, path: string, optional = false): unknown[] {
  if (optional && (v === undefined || v === null)) return [];
  if (!Array.isArray(v)) throw new JsonShapeError(path, `expected an array, found ${typeName(v)}`);
  return v;
}

/** Requires base64 bytes (standard or URL-safe, padded or not). */
export function readBytes(v: unknown, path: string, allowEmpty = false): Uint8Array {
  const text = readString(v, path, allowEmpty);
  const bytes = decodeBase64(text);
  if (bytes === undefined) throw new JsonShapeError(path, "is not valid base64");
  return bytes;
}

/** Reads a protobuf int64 (decimal string or JSON integer); absent means 0. Rejects negatives. */
export function readUint64(v: unknown, path: string): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new JsonShapeError(path, `expected a non-negative integer, found ${describeFound(v)}`);
    }
    return BigInt(v);
  }
  if (typeof v === "string" && /^(0|[1-9][0-9]{0,19})$/.test(v)) {
    const n = BigInt(v);
    if (n < 2n ** 63n) return n;
  }
  throw new JsonShapeError(path, `expected a non-negative int64, found ${describeFound(v)}`);
}

/** Reads a google.protobuf.Timestamp (RFC 3339, UTC `Z` or offset). */
export function readTimestamp(v: unknown, path: string): Date {
  const text = readString(v, path);
  const m = text.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/);
  const ms = m ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    throw new JsonShapeError(path, `expected an RFC 3339 timestamp, found ${describeFound(text)}`);
  }
  return new Date(ms);
}
