/**
 * Makes input-derived text safe to print on one terminal line: control
 * characters (C0, DEL, C1), line and paragraph separators and bidirectional
 * overrides are shown as escapes, and long text is cut with a note of how
 * much was left out. A crafted file name or message therefore cannot start
 * a new line (and forge an `OK:` line) or reorder what the terminal shows.
 *
 * @example
 * ```ts
 * import { oneLine, quote } from "./safe_text.ts";
 * oneLine("bad\nOK: forged"); // "bad\\nOK: forged"
 * quote("a\u0000b"); // "\"a\\u0000b\""
 * ```
 *
 * @module
 */

/** The longest input-derived text printed as is; longer text is cut. */
export const MAX_PRINTED_CHARS = 300;

// C0 controls, DEL, C1 controls, LS/PS, bidi embeddings/overrides/isolates, BOM.
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff]/g;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeChar(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** Cuts `text` to `max` characters (never inside a surrogate pair), noting what was cut. */
export function bounded(text: string, max = MAX_PRINTED_CHARS): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // keep a surrogate pair whole
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}

/** `text` with every unsafe character escaped and at most `max` characters kept. */
export function oneLine(text: string, max = MAX_PRINTED_CHARS): string {
  return bounded(text, max).replace(UNSAFE, escapeChar);
}

/**
 * `text` in double quotes, escaped as {@linkcode oneLine} does plus `"` and
 * `\`, so the quotes always balance.
 */
export function quote(text: string, max = MAX_PRINTED_CHARS): string {
  const cut = bounded(text, max);
  return `"${cut.replace(/["\\]/g, (c) => `\\${c}`).replace(UNSAFE, escapeChar)}"`;
}

/**
 * Multi-line text we compose around input-derived parts (sign-in prompts
 * quoting the identity provider's URLs and codes): every unsafe character
 * but our own line breaks and tabs is escaped, and nothing is cut (a
 * sign-in URL must stay whole).
 */
export function safeProse(text: string): string {
  return text.replace(UNSAFE, (c) => (c === "\n" || c === "\t" ? c : escapeChar(c)));
}
