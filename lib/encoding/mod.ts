/**
 * Encodings: base64, hex, PEM, UTF-8 and byte helpers, RFC 8785 JSON.
 *
 * @module
 */

export { decodeBase64, encodeBase64, encodeBase64Url } from "./base64.ts";
export { decodeHex, encodeHex } from "./hex.ts";
export { bytesEqual, concatBytes, utf8Decode, utf8Encode } from "./bytes.ts";
export { decodePem, encodePem } from "./pem.ts";
export type { PemBlock } from "./pem.ts";
export { canonicalJson } from "./canonical_json.ts";
export { BYTES_MAX_LENGTH, describeBytes, quote, QUOTE_MAX_LENGTH } from "./quote.ts";
export { MAX_JSON_DEPTH, parseJsonText } from "./json_text.ts";
export type { ParseJsonTextOptions } from "./json_text.ts";
export {
  jsonPath,
  JsonShapeError,
  readArray,
  readBytes,
  readObject,
  readOptionalString,
  readString,
  readTimestamp,
  readUint64,
} from "./json_shape.ts";
