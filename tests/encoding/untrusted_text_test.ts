/**
 * quote() and parseJsonText(): the shared helpers that keep input out of
 * messages' control (bounded, escaped) and bound JSON nesting before parsing.
 *
 * @module
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  JsonShapeError,
  MAX_JSON_DEPTH,
  parseJsonText,
  quote,
  QUOTE_MAX_LENGTH,
} from "../../lib/encoding/mod.ts";

describe("quote()", () => {
  it("keeps printable text, including non-ASCII letters, as it is", () => {
    assert.equal(quote("me@exämple.com"), '"me@exämple.com"');
  });
  it("escapes everything that could end, hide or reorder a line", () => {
    const cases: [string, string][] = [
      ["a\nb", '"a\\nb"'],
      ["a\rb", '"a\\rb"'],
      ["a\tb", '"a\\tb"'],
      ["\u001b[31m", '"\\u001b[31m"'],
      ["\u007f\u0085", '"\\u007f\\u0085"'],
      ["\u2028\u2029", '"\\u2028\\u2029"'],
      ["\u202egnp.exe", '"\\u202egnp.exe"'],
      ["\ufeff\u200b", '"\\ufeff\\u200b"'],
      ["\ud800", '"\\ud800"'],
      ['say "hi" \\', '"say \\"hi\\" \\\\"'],
    ];
    for (const [input, expected] of cases) assert.equal(quote(input), expected, JSON.stringify(input));
  });
  it("bounds long values and says how much it left out", () => {
    const q = quote("x".repeat(1 << 20));
    assert.equal(q, `"${"x".repeat(QUOTE_MAX_LENGTH)}"… (${(1 << 20) - QUOTE_MAX_LENGTH} more characters)`);
  });
  it("never cuts a surrogate pair in two", () => {
    assert.equal(quote("ab😀c", 3), '"ab"… (3 more characters)');
  });
});

describe("parseJsonText()", () => {
  it("parses documents up to the depth limit and refuses one level more", () => {
    const nest = (n: number) => "[".repeat(n) + "]".repeat(n);
    assert.doesNotThrow(() => parseJsonText(nest(MAX_JSON_DEPTH)));
    assert.throws(() => parseJsonText(nest(MAX_JSON_DEPTH + 1)), JsonShapeError);
    assert.throws(() => parseJsonText(nest(3), { maxDepth: 2 }), /nested more than 2 deep/);
  });
  it("does not count brackets inside strings, escaped quotes included", () => {
    const text = JSON.stringify({ a: '[[[[\\"{{{{'.repeat(100) });
    assert.deepEqual(parseJsonText(text, { maxDepth: 1 }), JSON.parse(text));
  });
  it("ends a string at a quote after an even run of backslashes, and only there", () => {
    // JSON text with 2, 4, 2 and 6 backslashes before the closing quote: 1, 2, 1 and 3 in the value.
    for (const inner of [String.raw`\\`, String.raw`\\\\`, String.raw`a\\`, String.raw`\\\\\\`]) {
      const text = `["${inner}", [[1]]]`;
      assert.deepEqual(parseJsonText(text, { maxDepth: 3 }), JSON.parse(text), text);
      assert.throws(() => parseJsonText(text, { maxDepth: 2 }), /nested more than 2 deep/, text);
    }
    const escaped = String.raw`["\\\"[[[[", 1]`; // three backslashes: the quote is escaped, the value is \"[[[[
    assert.deepEqual(parseJsonText(escaped, { maxDepth: 1 }), JSON.parse(escaped));
    assert.throws(() => parseJsonText('["unterminated [[['), /is not valid JSON/);
  });
  it("reports a syntax error without any of the text", () => {
    for (const text of ["\nOK: forged", '{"a": "\u001b[2K', "{,}", "[1,]"]) {
      assert.throws(
        () => parseJsonText(text),
        (e: unknown) =>
          e instanceof JsonShapeError && /^is not valid JSON( at line \d+, column \d+)?$/.test(e.problem),
        JSON.stringify(text),
      );
    }
  });
  it("refuses a million-deep array in well under a second", () => {
    const text = "[".repeat(1_000_000) + "]".repeat(1_000_000);
    const start = performance.now();
    assert.throws(() => parseJsonText(text), /nested more than 64 deep \(at line 1, column 65\)/);
    assert.ok(performance.now() - start < 1000);
  });
});
