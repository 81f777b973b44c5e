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
  it("finds the same first too-deep position as a character-by-character scan, on random texts", () => {
    // The reference: walk every character, skip strings (a backslash escapes the next character), count brackets.
    const reference = (text: string, maxDepth: number): number => {
      let depth = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '"') {
          for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
        } else if (c === "[" || c === "{") {
          if (++depth > maxDepth) return i;
        } else if (c === "]" || c === "}") depth--;
      }
      return -1;
    };
    const position = (text: string, maxDepth: number): number => {
      try {
        parseJsonText(text, { maxDepth });
        return -1;
      } catch (e) {
        const at = (e as JsonShapeError).problem.match(/deep \(at line (\d+), column (\d+)\)/);
        if (at === null) return -1; // not JSON: refused after the depth scan found nothing
        const lines = text.split("\n").slice(0, Number(at[1]) - 1);
        return lines.reduce((n, l) => n + l.length + 1, 0) + Number(at[2]) - 1;
      }
    };
    const alphabet = ['"', "\\", "[", "]", "{", "}", "a", "\n", ":"];
    let seed = 1;
    const next = (n: number) => (seed = (seed * 48271) % 0x7fffffff) % n;
    for (let k = 0; k < 20_000; k++) {
      const text = Array.from({ length: next(32) }, () => alphabet[next(alphabet.length)]).join("");
      const maxDepth = next(4);
      assert.equal(
        position(text, maxDepth),
        reference(text, maxDepth),
        `${JSON.stringify(text)}, depth ${maxDepth}`,
      );
    }
  });
  it("scans long strings, long runs of escapes and many brackets in linear time", () => {
    for (
      const text of [
        JSON.stringify({ a: "x".repeat(8 << 20) }),
        `{"a":"${'\\"'.repeat(1 << 20)}"}`,
        `{"a":"${"\\\\".repeat(1 << 20)}"}`,
        `[${"[],".repeat(1 << 18)}[]]`,
      ]
    ) {
      const start = performance.now();
      assert.doesNotThrow(() => parseJsonText(text));
      assert.ok(
        performance.now() - start < 2000,
        `${text.length} characters took ${performance.now() - start} ms`,
      );
    }
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
