/**
 * Seeded mutations of bundle JSON for the fuzzer: bytes inside base64
 * fields, DER headers, JSON structure (types, deletion, duplication, deep
 * nesting, huge values), the JSON inside `canonicalizedBody` and the DSSE
 * payload, parts swapped in from another bundle, times and indices, and raw
 * text damage. Every choice comes from one seeded generator, so a seed and
 * an iteration number replay the same mutant.
 *
 * @module
 */

import { Buffer } from "node:buffer";

/** A seeded pseudo-random generator (splitmix32): numbers in [0, 1). */
export type Random = () => number;

/** The generator for iteration `iteration` of run `seed`. */
export function seededRandom(seed: number, iteration = 0): Random {
  let s = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(iteration + 1, 0x85ebca77)) >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 2 ** 32;
  };
}

function int(rnd: Random, n: number): number {
  return Math.floor(rnd() * n);
}

function pick<T>(rnd: Random, items: readonly T[]): T {
  return items[int(rnd, items.length)]!;
}

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** Where a value sits: object keys and array indices from the root. */
export type JsonPath = (string | number)[];

/** Every path in `value`, the root excluded, parents before children. */
export function allPaths(value: Json, prefix: JsonPath = []): JsonPath[] {
  const out: JsonPath[] = [];
  const stack: [Json, JsonPath][] = [[value, prefix]];
  while (stack.length > 0) {
    const [v, p] = stack.pop()!;
    if (p.length > 0) out.push(p);
    if (Array.isArray(v)) v.forEach((c, i) => stack.push([c, [...p, i]]));
    else if (v !== null && typeof v === "object") {
      for (const [k, c] of Object.entries(v)) stack.push([c, [...p, k]]);
    }
  }
  return out;
}

/** The value at `path`, or `undefined`. */
export function getPath(value: Json, path: JsonPath): Json | undefined {
  let v: Json | undefined = value;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, Json>)[k];
    if (v === undefined) return undefined;
  }
  return v;
}

function parentOf(root: Json, path: JsonPath): Json[] | Record<string, Json> {
  return getPath(root, path.slice(0, -1)) as Json[] | Record<string, Json>;
}

function setPath(root: Json, path: JsonPath, value: Json): void {
  (parentOf(root, path) as Record<string | number, Json>)[path[path.length - 1]!] = value;
}

/** Decodes standard or URL-safe base64, with or without padding; `undefined` if it is not base64. */
export function decodeAnyBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text) || text.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
}

function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

/** Field names that hold base64 bytes in a bundle or in a Rekor body. */
const BASE64_KEYS = new Set([
  "signature",
  "sig",
  "payload",
  "rawBytes",
  "canonicalizedBody",
  "signedEntryTimestamp",
  "keyId",
  "rootHash",
  "signedTimestamp",
  "digest",
  "hint",
  "content",
  "value",
]);

function isBase64Leaf(root: Json, path: JsonPath): boolean {
  const v = getPath(root, path);
  if (typeof v !== "string" || v.length < 4) return false;
  const key = path[path.length - 1];
  const named = typeof key === "string" ? BASE64_KEYS.has(key) : path[path.length - 2] === "hashes";
  return named && decodeAnyBase64(v) !== undefined;
}

/** What a mutator did, for the report, and whether the signed-field oracle applies to it. */
interface Change {
  readonly description: string;
  /** False when indices shift (an array element removed), so paths cannot be compared. */
  readonly comparable: boolean;
  /** The list an element from another bundle was appended to. */
  readonly appendedTo?: JsonPath;
  /** The bundle (one of `others`) a part was taken from. */
  readonly source?: Json;
}

function mutateBytes(rnd: Random, bytes: Uint8Array): [Uint8Array, string] {
  const b = new Uint8Array(bytes);
  const at = int(rnd, Math.max(1, b.length));
  switch (int(rnd, 6)) {
    case 0:
      if (b.length > 0) b[at] = b[at]! ^ (1 << int(rnd, 8));
      return [b, `flip a bit of byte ${at}`];
    case 1:
      if (b.length > 0) b[at] = int(rnd, 256);
      return [b, `set byte ${at}`];
    case 2:
      return [b.slice(0, at), `truncate to ${at} bytes`];
    case 3: {
      const extra = new Uint8Array(1 + int(rnd, 16)).map(() => int(rnd, 256));
      return [new Uint8Array([...b, ...extra]), `append ${extra.length} bytes`];
    }
    case 4:
      return [new Uint8Array([...b.slice(0, at), ...b.slice(at + 1)]), `delete byte ${at}`];
    default:
      return [new Uint8Array([...b.slice(0, at), int(rnd, 256), ...b.slice(at)]), `insert a byte at ${at}`];
  }
}

/** Offsets of the DER headers (tag byte) in `der`, walking constructed values. */
function derHeaders(der: Uint8Array): number[] {
  const out: number[] = [];
  const walk = (start: number, end: number, depth: number) => {
    let i = start;
    while (i + 2 <= end && out.length < 2000 && depth < 40) {
      out.push(i);
      const tag = der[i]!;
      let len = der[i + 1]!;
      let head = 2;
      if (len & 0x80) {
        const n = len & 0x7f;
        if (n === 0 || n > 4 || i + 2 + n > end) return;
        len = 0;
        for (let k = 0; k < n; k++) len = len * 256 + der[i + 2 + k]!;
        head += n;
      }
      const body = i + head;
      if (body + len > end) return;
      if (tag & 0x20) walk(body, body + len, depth + 1);
      i = body + len;
    }
  };
  walk(0, der.length, 0);
  return out;
}

function mutateDer(rnd: Random, der: Uint8Array): [Uint8Array, string] {
  const headers = derHeaders(der);
  const at = headers.length > 0 ? pick(rnd, headers) : 0;
  const b = new Uint8Array(der);
  switch (int(rnd, 5)) {
    case 0:
      b[at] = b[at]! ^ pick(rnd, [0x01, 0x02, 0x04, 0x20, 0x80, 0xff]);
      return [b, `change the DER tag at ${at}`];
    case 1:
      if (at + 1 < b.length) b[at + 1] = (b[at + 1]! + pick(rnd, [1, -1, 0x7f])) & 0xff;
      return [b, `change the DER length at ${at}`];
    case 2:
      if (at + 1 < b.length) b[at + 1] = 0x80;
      return [b, `indefinite DER length at ${at}`];
    case 3:
      return [b.slice(0, at + 1 + int(rnd, 3)), `truncate the DER inside the header at ${at}`];
    default:
      return [new Uint8Array([...b, 0x00, 0x00]), "append trailing bytes after the DER"];
  }
}

/** A value nested `depth` levels deep in arrays, serialized without recursion by {@link serialize}. */
class Nested {
  constructor(readonly depth: number, readonly inner: Json, readonly open: "[" | "{") {}
}

/** A key written twice: `extra` before or after the real value (JSON.parse keeps the last one). */
class DuplicateKey {
  constructor(readonly key: string, readonly extra: Json, readonly extraFirst: boolean) {}
}

type Tree = Json | Nested;
const duplicates = new WeakMap<object, DuplicateKey>();

/** JSON text of a tree with its {@link Nested} and {@link DuplicateKey} marks. */
function serialize(value: Tree): string {
  if (value instanceof Nested) {
    const inner = serialize(value.inner);
    return value.open === "["
      ? "[".repeat(value.depth) + inner + "]".repeat(value.depth)
      : '{"a":'.repeat(value.depth) + inner + "}".repeat(value.depth);
  }
  if (Array.isArray(value)) return `[${value.map((v) => serialize(v as Tree)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const dup = duplicates.get(value);
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      const pair = `${JSON.stringify(k)}:${serialize(v as Tree)}`;
      if (dup?.key === k) {
        const extra = `${JSON.stringify(k)}:${serialize(dup.extra)}`;
        parts.push(...(dup.extraFirst ? [extra, pair] : [pair, extra]));
      } else parts.push(pair);
    }
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Numbers and strings for integer fields (times, indices, tree sizes). */
const INTEGERS: readonly Json[] = [
  "0",
  "-1",
  "1",
  "9007199254740993",
  "9223372036854775807",
  "9223372036854775808",
  "18446744073709551616",
  "99999999999999999999999",
  "8640000000001",
  "8640000000000001",
  "1e3",
  "1.5",
  " 1",
  "0x10",
  "",
  0,
  -1,
  1e300,
  1.5,
];

const TIME_KEYS = new Set(["integratedTime", "logIndex", "treeSize"]);

function otherValue(rnd: Random, old: Json): Json {
  const options: Json[] = [null, true, 0, -1, 1.5, "", "x", [], {}, [old], { value: old }];
  if (typeof old === "string") {
    options.push(
      old + old,
      old.slice(1),
      old.toUpperCase(),
      "\u0000",
      "x".repeat(1 << 20),
      `${old}\n OK: forged`,
    );
  }
  if (typeof old === "number") options.push(old + 1, -old, String(old));
  return pick(rnd, options);
}

/** The parts of a bundle worth swapping whole. */
const PARTS = new Set([
  "messageSignature",
  "dsseEnvelope",
  "signatures",
  "verificationMaterial",
  "certificate",
  "x509CertificateChain",
  "certificates",
  "tlogEntries",
  "inclusionProof",
  "inclusionPromise",
  "checkpoint",
  "hashes",
  "timestampVerificationData",
  "rfc3161Timestamps",
  "messageDigest",
  "kindVersion",
  "logId",
]);

/** Replaces `path` with the same part of another bundle, or inserts one of its elements. */
function swapPart(rnd: Random, root: Json, path: JsonPath, others: readonly Json[]): Change & { root: Tree } {
  const old = getPath(root, path)!;
  const where = path.join(".");
  const other = others.length > 0 ? pick(rnd, others) : undefined;
  const theirs = other === undefined ? undefined : getPath(other, path);
  if (Array.isArray(old) && Array.isArray(theirs) && theirs.length > 0 && rnd() < 0.5) {
    const element = pick(rnd, theirs);
    old.push(structuredClone(element));
    return {
      root,
      description: `append to ${where} an element from another bundle`,
      comparable: true,
      appendedTo: path,
      source: other!,
    };
  }
  if (theirs !== undefined) {
    setPath(root, path, structuredClone(theirs));
    return { root, description: `swap in ${where} from another bundle`, comparable: true, source: other! };
  }
  (parentOf(root, path) as Record<string, Json>)["unknownField"] = old;
  return { root, description: `add an unknown field beside ${where}`, comparable: true };
}

function mutateTree(rnd: Random, root: Json, others: readonly Json[]): Change & { root: Tree } {
  const paths = allPaths(root);
  const leafPaths = paths.filter((p) => isBase64Leaf(root, p));
  const kind = int(rnd, 10);
  if ((kind <= 1) && leafPaths.length > 0) {
    const path = pick(rnd, leafPaths);
    const bytes = decodeAnyBase64(getPath(root, path) as string)!;
    const der = bytes[0] === 0x30 && kind === 1;
    const [changed, what] = der ? mutateDer(rnd, bytes) : mutateBytes(rnd, bytes);
    setPath(root, path, encodeBase64(changed));
    return { root, description: `${what} of ${path.join(".")}`, comparable: true };
  }
  if (kind === 2) {
    const entries = getPath(root, ["verificationMaterial", "tlogEntries"]);
    if (Array.isArray(entries) && entries.length > 0 && rnd() < 0.25) {
      // Rekor v2 entries carry no integrated time; give one (nothing signs it).
      const i = int(rnd, entries.length);
      const value = pick(rnd, INTEGERS);
      setPath(root, ["verificationMaterial", "tlogEntries", i, "integratedTime"], value);
      return {
        root,
        description: `set verificationMaterial.tlogEntries.${i}.integratedTime to ${JSON.stringify(value)}`,
        comparable: true,
      };
    }
    const timePaths = paths.filter((p) => TIME_KEYS.has(String(p[p.length - 1])));
    if (timePaths.length > 0) {
      const path = pick(rnd, timePaths);
      const old = getPath(root, path);
      const value = rnd() < 0.5 || typeof old !== "string" || !/^\d+$/.test(old)
        ? pick(rnd, INTEGERS)
        : String(BigInt(old) + BigInt(pick(rnd, [1, -1, 1000, 86400, -86400, 2 ** 32])));
      setPath(root, path, value);
      return { root, description: `set ${path.join(".")} to ${JSON.stringify(value)}`, comparable: true };
    }
  }
  if (paths.length === 0) return { root: [root], description: "wrap the root in an array", comparable: true };
  const path = pick(rnd, paths);
  const old = getPath(root, path)!;
  const where = path.join(".");
  switch (kind) {
    case 3: {
      const value = otherValue(rnd, old);
      setPath(root, path, value);
      return {
        root,
        description: `replace ${where} with ${JSON.stringify(value).slice(0, 40)}`,
        comparable: true,
      };
    }
    case 4: {
      const parent = parentOf(root, path);
      const key = path[path.length - 1]!;
      if (Array.isArray(parent)) {
        parent.splice(key as number, 1);
        return { root, description: `delete element ${where}`, comparable: false };
      }
      delete parent[key as string];
      return { root, description: `delete ${where}`, comparable: true };
    }
    case 5: {
      const parent = parentOf(root, path);
      const key = path[path.length - 1]!;
      if (Array.isArray(parent)) {
        parent.push(structuredClone(old));
        return { root, description: `duplicate element ${where} at the end`, comparable: true };
      }
      const extraFirst = rnd() < 0.5;
      const extra = otherValue(rnd, old);
      duplicates.set(parent, new DuplicateKey(key as string, extra, extraFirst));
      return {
        root,
        description: `write key ${where} twice, the copy ${extraFirst ? "before" : "after"} the value`,
        comparable: true,
      };
    }
    case 6: {
      const depth = pick(rnd, [2, 64, 5000, 100_000]);
      const open = rnd() < 0.7 ? "[" : "{";
      setPath(root, path, new Nested(depth, old, open) as unknown as Json);
      return { root, description: `nest ${where} ${depth} deep in ${open}`, comparable: true };
    }
    case 7: {
      const containers = paths.filter((p) =>
        getPath(root, p) !== null && typeof getPath(root, p) === "object"
      );
      if (containers.length > 0 && rnd() < 0.5) return swapPart(rnd, root, pick(rnd, containers), others);
      return swapPart(rnd, root, path, others);
    }
    default: {
      // The JSON inside base64: a Rekor body or a DSSE payload.
      const inner = leafPaths.flatMap((p): [JsonPath, Json][] => {
        try {
          const json = JSON.parse(Buffer.from(decodeAnyBase64(getPath(root, p) as string)!).toString("utf8"));
          return json !== null && typeof json === "object" ? [[p, json]] : [];
        } catch {
          return [];
        }
      });
      if (inner.length === 0) return { root, description: "no change", comparable: true };
      const [at, decoded] = pick(rnd, inner);
      const changed = mutateTree(rnd, decoded, []);
      setPath(root, at, Buffer.from(serialize(changed.root)).toString("base64"));
      return { root, description: `inside ${at.join(".")}: ${changed.description}`, comparable: true };
    }
  }
}

/**
 * Appends to a list of the bundle (timestamps, log entries, signatures,
 * certificates) an element that a relative has in the same list and the
 * bundle has not; returns what it did, or `undefined` when there is none.
 */
function appendFromRelative(rnd: Random, root: Json, relatives: readonly Json[]): Change | undefined {
  const candidates: [JsonPath, Json, Json][] = [];
  for (const path of allPaths(root)) {
    const ours = getPath(root, path);
    if (!Array.isArray(ours) || !PARTS.has(String(path[path.length - 1]))) continue;
    const have = new Set(ours.map((e) => JSON.stringify(e)));
    for (const relative of relatives) {
      const theirs = getPath(relative, path);
      if (!Array.isArray(theirs)) continue;
      for (const e of theirs) if (!have.has(JSON.stringify(e))) candidates.push([path, e, relative]);
    }
  }
  if (candidates.length === 0) return undefined;
  const [path, element, relative] = pick(rnd, candidates);
  (getPath(root, path) as Json[]).push(structuredClone(element));
  return {
    description: `append to ${path.join(".")} an element of a bundle by the same signer`,
    comparable: true,
    appendedTo: path,
    source: relative,
  };
}

/** One mutant: the bundle text to verify and what was done to it. */
export interface Mutant {
  readonly text: string;
  readonly description: string;
  /** Whether signed fields can be compared path by path with the original. */
  readonly comparable: boolean;
  /** The list an element from another bundle was appended to (the last element). */
  readonly appendedTo?: JsonPath;
  /** The bundle (one of `others` or `relatives`) a part was taken from. */
  readonly source?: Json;
}

/**
 * Mutates one bundle (its JSON text). Parts are swapped in from `others`,
 * half the time from `relatives` (bundles made with the same certificate or
 * key, whose parts are the likeliest to fit).
 */
export function mutateBundle(
  rnd: Random,
  text: string,
  others: readonly Json[],
  relatives: readonly Json[] = [],
): Mutant {
  if (rnd() < 0.08) {
    const at = int(rnd, text.length);
    const damage = pick(rnd, ["", "\u0000", '"', "}", "\n\nOK: forged\n", "\uFFFD", "\\u0000", "0"]);
    return {
      text: text.slice(0, at) + damage + text.slice(at + (rnd() < 0.5 ? 1 : 0)),
      description: `raw text: put ${JSON.stringify(damage)} at ${at}`,
      comparable: false,
    };
  }
  const root = JSON.parse(text) as Json;
  if (relatives.length > 0 && rnd() < 0.15) {
    const appended = appendFromRelative(rnd, root, relatives);
    if (appended !== undefined) return { text: serialize(root), ...appended };
  }
  const change = mutateTree(rnd, root, relatives.length > 0 && rnd() < 0.5 ? relatives : others);
  return { ...change, text: serialize(change.root) };
}
