/**
 * ASN.1 DER reading and writing for the structures no library here exposes
 * byte-exactly: certificates' TBS parts, RFC 3161 tokens, CMS, SCT lists.
 *
 * @module
 */

export {
  decodeBitStringBytes,
  decodeBoolean,
  decodeInteger,
  decodeOid,
  decodeSmallInteger,
  decodeTime,
  derChildren,
  derSequence,
  encodeDer,
  encodeDerLength,
  expectTag,
  parseDer,
  readDerAt,
  TAG,
} from "./reader.ts";
export type { DerNode } from "./reader.ts";
