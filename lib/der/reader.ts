/**
 * A strict DER (X.690) reader: definite, minimal lengths only; every node
 * keeps the exact bytes it was read from, so callers can hash or re-sign
 * them (TBSCertificate, signed attributes, TSTInfo).
 *
 * @module
 */

import { quote } from "../encoding/mod.ts";
import { ParseError } from "../errors/mod.ts";

/** One DER element. `raw` is the whole TLV, `value` its contents. */
export interface DerNode {
  /** Identifier octet (class, constructed bit and number for low tag numbers). */
  readonly tag: number;
  /** The complete encoding: identifier, length and contents. */
  readonly raw: Uint8Array;
  /** The contents octets. */
  readonly value: Uint8Array;
}

/** Universal tags used in this project. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

function fail(what: string): never {
  throw new ParseError("DER_PARSE", `Malformed DER: ${what}`);
}

/**
 * A node as the reader makes it: where it lies in the bytes it was read
 * from, with `value` and `raw` views made only when asked for. Children of
 * a constructed node are read straight from those bytes, so walking a
 * structure makes a view only of what a caller takes out of it.
 */
class ReadNode implements DerNode {
  readonly tag: number;
  readonly #source: Uint8Array;
  readonly #start: number;
  readonly #valueStart: number;
  readonly #end: number;
  #value: Uint8Array | undefined;
  #raw: Uint8Array | undefined;
  constructor(tag: number, source: Uint8Array, start: number, valueStart: number, end: number) {
    this.tag = tag;
    this.#source = source;
    this.#start = start;
    this.#valueStart = valueStart;
    this.#end = end;
  }
  /** The contents octets. */
  get value(): Uint8Array {
    return this.#value ??= this.#source.subarray(this.#valueStart, this.#end);
  }
  /** The complete encoding: identifier, length and contents. */
  get raw(): Uint8Array {
    return this.#raw ??= this.#source.subarray(this.#start, this.#end);
  }
  /** The contents as one character per byte, without making a view of them. */
  contentsLatin1(): string {
    return latin1(this.#source, this.#valueStart, this.#end);
  }
  /** The offset just after this node in the bytes it was read from. */
  get end(): number {
    return this.#end;
  }
  /** The elements in this node's contents. */
  children(): DerNode[] {
    return readElements(this.#source, this.#valueStart, this.#end);
  }
}

/** The elements from `start` to `end` of `bytes`, which must end exactly there. */
function readElements(bytes: Uint8Array, start: number, end: number): DerNode[] {
  const out: DerNode[] = [];
  for (let offset = start; offset < end;) {
    const node = readAt(bytes, offset, end);
    out.push(node);
    offset = node.end;
  }
  return out;
}

/** Reads one element at `offset` of `bytes`, which must end by `limit`. */
function readAt(bytes: Uint8Array, offset: number, limit: number): ReadNode {
  if (offset + 2 > limit) fail("truncated element header");
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) fail("high tag numbers are not supported");
  let pos = offset + 1;
  const first = bytes[pos++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    if (count === 0) fail("indefinite length");
    if (count > 4) fail("length too large");
    if (pos + count > limit) fail("truncated length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[pos++]!;
    if (length < 0x80 || (count > 1 && bytes[pos - count] === 0)) fail("non-minimal length");
  }
  const end = pos + length;
  if (end > limit) fail("element longer than its container");
  return new ReadNode(tag, bytes, offset, pos, end);
}

/** Reads one element at `offset`; returns it and the offset after it. */
export function readDerAt(bytes: Uint8Array, offset: number): { node: DerNode; next: number } {
  const node = readAt(bytes, offset, bytes.length);
  return { node, next: node.end };
}

/** Parses bytes that must hold exactly one DER element. */
export function parseDer(bytes: Uint8Array): DerNode {
  const node = readAt(bytes, 0, bytes.length);
  if (node.end !== bytes.length) fail("trailing bytes after element");
  return node;
}

/** The child elements of a constructed node. */
export function derChildren(node: DerNode): DerNode[] {
  if ((node.tag & 0x20) === 0) fail(`tag 0x${node.tag.toString(16)} is not constructed`);
  if (node instanceof ReadNode) return node.children();
  return readElements(node.value, 0, node.value.length);
}

/** Checks a node's tag, naming `what` in the error. */
export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (node === undefined) fail(`${what} is missing`);
  if (node.tag !== tag) {
    fail(`${what} has tag 0x${node.tag.toString(16)}, expected 0x${tag.toString(16)}`);
  }
  return node;
}

/** Children of a SEQUENCE node (checking the tag). */
export function derSequence(node: DerNode | undefined, what: string): DerNode[] {
  return derChildren(expectTag(node, TAG.SEQUENCE, what));
}

const oidCache = new Map<string, string>();
/**
 * Short bytes as a string of one character per byte (no spread call: OIDs
 * and times are read often; one-character strings come from the engine's own
 * cache, so no table of them is built at start-up).
 */
function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = "";
  for (let i = start; i < end; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

/** A node's contents as one character per byte (from the read bytes, without a view, where it can). */
function contentsLatin1(node: DerNode): string {
  return node instanceof ReadNode ? node.contentsLatin1() : latin1(node.value);
}

/** Decodes an OBJECT IDENTIFIER to dotted form. */
export function decodeOid(node: DerNode): string {
  expectTag(node, TAG.OID, "object identifier");
  const key = contentsLatin1(node);
  if (key.length === 0) fail("empty object identifier");
  const cached = oidCache.get(key);
  if (cached !== undefined) return cached;
  const v = node.value;
  const arcs: string[] = [];
  let acc = 0n;
  let first = true;
  for (let i = 0; i < v.length; i++) {
    const b = v[i]!;
    if (acc === 0n && b === 0x80) fail("non-minimal object identifier arc");
    acc = (acc << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      if (first) {
        const x = acc < 80n ? acc / 40n : 2n;
        arcs.push(String(x), String(acc - x * 40n));
        first = false;
      } else {
        arcs.push(String(acc));
      }
      acc = 0n;
    } else if (i === v.length - 1) {
      fail("truncated object identifier");
    }
  }
  const oid = arcs.join(".");
  if (oidCache.size < 10_000) oidCache.set(key, oid);
  return oid;
}

/** Decodes an INTEGER as a bigint (two's complement). */
export function decodeInteger(node: DerNode): bigint {
  expectTag(node, TAG.INTEGER, "integer");
  const v = node.value;
  if (v.length === 0) fail("empty integer");
  if (v.length > 1 && ((v[0] === 0 && (v[1]! & 0x80) === 0) || (v[0] === 0xff && (v[1]! & 0x80) !== 0))) {
    fail("non-minimal integer");
  }
  let n = 0n;
  for (const b of v) n = (n << 8n) | BigInt(b);
  if ((v[0]! & 0x80) !== 0) n -= 1n << BigInt(8 * v.length);
  return n;
}

/** Decodes a small non-negative INTEGER as a number. */
export function decodeSmallInteger(node: DerNode): number {
  const n = decodeInteger(node);
  if (n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) fail("integer out of range");
  return Number(n);
}

/** Decodes a BOOLEAN. */
export function decodeBoolean(node: DerNode): boolean {
  expectTag(node, TAG.BOOLEAN, "boolean");
  if (node.value.length !== 1) fail("boolean of wrong length");
  const b = node.value[0]!;
  if (b !== 0 && b !== 0xff) fail("boolean not DER (0x00 or 0xff)");
  return b === 0xff;
}

/** The bytes of a BIT STRING, which must have no unused bits. */
export function decodeBitStringBytes(node: DerNode): Uint8Array {
  expectTag(node, TAG.BIT_STRING, "bit string");
  if (node.value.length === 0) fail("empty bit string");
  if (node.value[0] !== 0) fail("bit string with unused bits");
  return node.value.subarray(1);
}

/** Decodes UTCTime or GeneralizedTime (UTC, `Z` suffix) to a Date. */
export function decodeTime(node: DerNode): Date {
  const text = contentsLatin1(node);
  let m: RegExpMatchArray | null;
  let year: number;
  if (node.tag === TAG.UTC_TIME) {
    m = text.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/);
    if (!m) fail(`bad UTCTime ${quote(text)}`);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (node.tag === TAG.GENERALIZED_TIME) {
    m = text.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/);
    if (!m) fail(`bad GeneralizedTime ${quote(text)}`);
    year = Number(m[1]);
  } else {
    fail(`tag 0x${node.tag.toString(16)} is not a time`);
  }
  const frac = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const ms = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), frac);
  const d = new Date(ms);
  if (
    Number.isNaN(ms) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3]) ||
    d.getUTCHours() !== Number(m[4]) || d.getUTCMinutes() !== Number(m[5]) ||
    d.getUTCSeconds() !== Number(m[6])
  ) {
    fail(`bad time ${quote(text)}`);
  }
  return new Date(ms);
}

/** Encodes a DER length prefix. */
export function encodeDerLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** Encodes one TLV from a tag and contents. */
export function encodeDer(tag: number, contents: Uint8Array): Uint8Array {
  const len = encodeDerLength(contents.length);
  const out = new Uint8Array(1 + len.length + contents.length);
  out[0] = tag;
  out.set(len, 1);
  out.set(contents, 1 + len.length);
  return out;
}
