/**
 * Parsing untrusted JSON text for the document loaders (bundle, trusted
 * root, ClientTrustConfig, SigningConfig): nesting depth is bounded before
 * the parser runs, so a deeply nested value can neither exhaust the stack of
 * a later step (nor of the runtime's own parser) nor take long, and a
 * syntax error is reported without echoing the text.
 *
 * @module
 */

import { JsonShapeError } from "./json_shape.ts";

/** The deepest nesting a Sigstore document needs is about 8; 64 leaves room. */
export const MAX_JSON_DEPTH = 64;

/** Options of {@linkcode parseJsonText}. */
export interface ParseJsonTextOptions {
  /** Most nested arrays and objects (default {@linkcode MAX_JSON_DEPTH}). */
  readonly maxDepth?: number;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The first position where nesting exceeds `maxDepth`, or -1. Strings are skipped. */
function tooDeepAt(text: string, maxDepth: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // To the closing quote: the next quote not escaped by an odd run of backslashes
      // (indexOf, not a loop: most of a Sigstore document is long base64 strings).
      for (;;) {
        const close = text.indexOf('"', i + 1);
        if (close < 0) return -1; // unterminated: JSON.parse reports it
        let backslashes = 0;
        while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
        i = close;
        if (backslashes % 2 === 0) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return i;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return -1;
}

/** Where in the text a syntax error is: line and column of a character offset. */
function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return `line ${line}, column ${offset - start + 1}`;
}

/** The offset a runtime's JSON syntax error names, if it names one. */
function errorOffset(text: string, e: unknown): number | undefined {
  const message = e instanceof Error ? e.message : "";
  const position = message.match(/position (\d+)/)?.[1];
  if (position !== undefined) return Math.min(Number(position), text.length);
  const lineCol = message.match(/line (\d+) column (\d+)/);
  if (lineCol !== null) {
    let offset = 0;
    for (let line = 1; line < Number(lineCol[1]) && offset < text.length; line++) {
      const next = text.indexOf("\n", offset);
      if (next < 0) break;
      offset = next + 1;
    }
    return Math.min(offset + Number(lineCol[2]) - 1, text.length);
  }
  return undefined;
}

/**
 * Parses JSON text, refusing nesting deeper than `maxDepth` before parsing.
 * Error messages say where the problem is, never what the text holds.
 *
 * @param text The document text.
 * @param options The nesting limit.
 * @returns The parsed value.
 * @throws {JsonShapeError} When the text is not JSON (the message names the
 *   line and column when the runtime reports one) or nests too deeply; the
 *   loaders rethrow it as their own `ParseError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJsonText } from "./json_text.ts";
 *
 * assert.deepEqual(parseJsonText('{"a": [1]}'), { a: [1] });
 * assert.throws(() => parseJsonText("[".repeat(100) + "]".repeat(100)), /nested more than 64 deep/);
 * assert.throws(() => parseJsonText("\nOK: forged"), (e: Error) => !e.message.includes("OK"));
 * ```
 */
export function parseJsonText(text: string, options: ParseJsonTextOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const deep = tooDeepAt(text, maxDepth);
  if (deep >= 0) {
    throw new JsonShapeError("", `is nested more than ${maxDepth} deep (at ${lineAndColumn(text, deep)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const offset = errorOffset(text, e);
    const where = offset === undefined ? "" : ` at ${lineAndColumn(text, offset)}`;
    throw new JsonShapeError("", `is not valid JSON${where}`);
  }
}
