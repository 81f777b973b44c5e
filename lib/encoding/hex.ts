/**
 * Lower-case hexadecimal, as the Rekor v1 API and digests use it.
 *
 * @module
 */

/** Each byte's two hex digits, for runtimes without `toHex` (built at first use). */
let hexDigits: string[] | undefined;

/** `Uint8Array.prototype.toHex` (lower case) where the runtime has it (Deno, Bun). */
const nativeToHex = (Uint8Array.prototype as { toHex?: (this: Uint8Array) => string }).toHex;
/** `Uint8Array.fromHex` (either case, whole bytes, nothing else) where the runtime has it. */
const nativeFromHex = (Uint8Array as { fromHex?: (text: string) => Uint8Array }).fromHex;

/** Encodes bytes as lower-case hex. */
export function encodeHex(bytes: Uint8Array): string {
  if (nativeToHex !== undefined) return nativeToHex.call(bytes);
  const digits = hexDigits ??= Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += digits[bytes[i]!]!;
  return out;
}

/** Decodes hex (either case); `undefined` if the text is not whole bytes of hex. */
export function decodeHex(text: string): Uint8Array | undefined {
  if (nativeFromHex !== undefined) {
    try {
      return nativeFromHex(text);
    } catch {
      return undefined;
    }
  }
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}
