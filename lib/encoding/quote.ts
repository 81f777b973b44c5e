/**
 * Quoting untrusted text for error messages. A message may quote a value
 * from a bundle, a trust root, a certificate or a service, so the value is
 * bounded in length and escaped: it can never end the line (no line break,
 * no control character, no Unicode line or paragraph separator), change the
 * terminal (no escape sequence) or reorder the text (no bidirectional
 * control), and a 1 MiB value gives a short message.
 *
 * @module
 */

/** How many characters of a value a message quotes by default. */
export const QUOTE_MAX_LENGTH = 120;

// Controls (C0, DEL, C1), format characters (bidi controls, BOM, zero-width
// joiners), private use, unassigned code points, lone surrogates, and the
// line and paragraph separators. Quote and backslash are escaped as in JSON.
const UNSAFE = /[\p{C}\p{Zl}\p{Zp}"\\]/gu;

function escapeCharacter(c: string): string {
  if (c === '"') return '\\"';
  if (c === "\\") return "\\\\";
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  if (c === "\t") return "\\t";
  let out = "";
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`;
  return out;
}

/**
 * Quotes `value` for a one-line message: double quotes, JSON-style escapes
 * for every character that could break or disguise the line, and at most
 * `maxLength` characters of the value followed by a note of how many more
 * there were.
 *
 * @param value The untrusted text (anything else is first turned into text).
 * @param maxLength Most characters of `value` to keep (default 120).
 * @returns The quoted text, safe to put on one line of a terminal or log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quote } from "./quote.ts";
 *
 * assert.equal(quote("a.txt"), '"a.txt"');
 * assert.equal(quote("x\nOK: forged"), '"x\\nOK: forged"');
 * assert.equal(quote("\u001b[2K\u202e"), '"\\u001b[2K\\u202e"');
 * assert.equal(quote("abcdef", 3), '"abc"… (3 more characters)');
 * ```
 */
export function quote(value: unknown, maxLength: number = QUOTE_MAX_LENGTH): string {
  const text = typeof value === "string" ? value : String(value);
  let kept = text;
  let note = "";
  if (text.length > maxLength) {
    let end = maxLength;
    // Do not cut a surrogate pair in two.
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--;
    kept = text.slice(0, end);
    note = `… (${text.length - end} more characters)`;
  }
  return `"${kept.replace(UNSAFE, escapeCharacter)}"${note}`;
}
