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

import { encodeBase64 } from "./base64.ts";
import { encodeHex } from "./hex.ts";

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

/** How many bytes of a byte value a message shows by default (a SHA-512 digest). */
export const BYTES_MAX_LENGTH = 64;

/**
 * Shows untrusted bytes (a digest, a hash, a key ID) in a message as hex or
 * base64, at most `maxBytes` of them followed by the full length.
 *
 * @param bytes The bytes to show.
 * @param encoding `"hex"` (default) or `"base64"`.
 * @param maxBytes Most bytes to show (default 64).
 * @returns The encoded text, never longer than the encoding of `maxBytes` bytes plus a short note.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeBytes } from "./quote.ts";
 *
 * assert.equal(describeBytes(Uint8Array.of(0xab, 0xcd)), "abcd");
 * assert.equal(describeBytes(new Uint8Array(100), "hex", 2), "0000… (100 bytes)");
 * assert.equal(describeBytes(Uint8Array.of(1, 2, 3), "base64"), "AQID");
 * ```
 */
export function describeBytes(
  bytes: Uint8Array,
  encoding: "hex" | "base64" = "hex",
  maxBytes: number = BYTES_MAX_LENGTH,
): string {
  const shown = bytes.length > maxBytes ? bytes.subarray(0, maxBytes) : bytes;
  const text = encoding === "hex" ? encodeHex(shown) : encodeBase64(shown);
  return bytes.length > maxBytes ? `${text}… (${bytes.length} bytes)` : text;
}
