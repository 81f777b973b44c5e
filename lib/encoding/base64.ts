/**
 * Base64 as protobuf JSON uses it: standard alphabet with padding when
 * writing; standard or URL-safe, padded or not, when reading.
 *
 * @module
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DECODE_TABLE: Int16Array = (() => {
  const table = new Int16Array(256).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  table["-".charCodeAt(0)] = 62;
  table["_".charCodeAt(0)] = 63;
  return table;
})();

/** `Uint8Array.prototype.toBase64` (standard alphabet, padded) where the runtime has it (Deno, Bun). */
const nativeToBase64 = (Uint8Array.prototype as { toBase64?: (this: Uint8Array) => string }).toBase64;

/** Encodes bytes as standard, padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  if (nativeToBase64 !== undefined) return nativeToBase64.call(bytes);
  return encodeBase64Js(bytes);
}

/** The portable encoder (Node 20, older browsers). */
export function encodeBase64Js(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! +
      ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + "==";
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + "=";
  }
  return out;
}

/** Encodes bytes as URL-safe base64 without padding (JWT, PKCE). */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** `Uint8Array.fromBase64` where the runtime has it (Deno, Bun). */
const nativeFromBase64 = (Uint8Array as {
  fromBase64?: (text: string, options: { lastChunkHandling: "strict" }) => Uint8Array;
}).fromBase64;
const STRICT = { lastChunkHandling: "strict" } as const;

/**
 * Decodes standard or URL-safe base64, with or without padding. Line
 * breaks (`\r`, `\n`) are skipped, as Go's and Python's decoders do, so
 * MIME-wrapped values read the same in every client. Returns `undefined`
 * for anything else that is not base64 (bad characters, misplaced padding,
 * an impossible length, non-zero trailing bits).
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  // The native decoder, strict, accepts padded standard base64 with zero
  // trailing bits, and skips white space. When the text is exactly as long
  // as the canonical encoding of what it decoded to, it held no white space,
  // and this function would accept it too, with the same bytes; whatever else
  // there is (URL-safe, unpadded, wrapped, not base64), the portable decoder judges.
  if (nativeFromBase64 !== undefined) {
    try {
      const bytes = nativeFromBase64(text, STRICT);
      if (text.length === 4 * Math.ceil(bytes.length / 3)) return bytes;
    } catch {
      // not strict standard base64
    }
  }
  return decodeBase64Js(text);
}

/** The portable decoder of {@linkcode decodeBase64} (Node 20, older browsers, and what the native one refuses). */
export function decodeBase64Js(text: string): Uint8Array | undefined {
  if (text.includes("\n") || text.includes("\r")) text = text.replace(/[\r\n]/g, "");
  let end = text.length;
  let pad = 0;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) {
    end--;
    pad++;
  }
  if (pad > 2) return undefined;
  if (pad > 0 && text.length % 4 !== 0) return undefined;
  const rem = end % 4;
  if (rem === 1) return undefined;
  const outLength = Math.floor(end / 4) * 3 + (rem === 0 ? 0 : rem - 1);
  const out = new Uint8Array(outLength);
  let o = 0;
  let i = 0;
  for (; i + 4 <= end; i += 4) {
    const a = DECODE_TABLE[text.charCodeAt(i)]!;
    const b = DECODE_TABLE[text.charCodeAt(i + 1)]!;
    const c = DECODE_TABLE[text.charCodeAt(i + 2)]!;
    const d = DECODE_TABLE[text.charCodeAt(i + 3)]!;
    if ((a | b | c | d) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  if (rem === 2) {
    const a = DECODE_TABLE[text.charCodeAt(i)]!;
    const b = DECODE_TABLE[text.charCodeAt(i + 1)]!;
    if ((a | b) < 0 || (b & 15) !== 0) return undefined;
    out[o++] = (a << 2) | (b >> 4);
  } else if (rem === 3) {
    const a = DECODE_TABLE[text.charCodeAt(i)]!;
    const b = DECODE_TABLE[text.charCodeAt(i + 1)]!;
    const c = DECODE_TABLE[text.charCodeAt(i + 2)]!;
    if ((a | b | c) < 0 || (c & 3) !== 0) return undefined;
    const n = (a << 10) | (b << 4) | (c >> 2);
    out[o++] = n >> 8;
    out[o++] = n & 255;
  }
  return out;
}
