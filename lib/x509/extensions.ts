/**
 * Decoders for the standard extensions path validation needs (RFC 5280
 * §4.2): basicConstraints, keyUsage, extKeyUsage, subjectAltName.
 *
 * @module
 */

import {
  decodeBoolean,
  decodeOid,
  decodeSmallInteger,
  derChildren,
  derSequence,
  parseDer,
  TAG,
} from "../der/mod.ts";
import { utf8Decode } from "../encoding/mod.ts";
import { ParseError } from "../errors/mod.ts";
import { type Certificate, findExtension } from "./certificate.ts";

/** OIDs of the extensions and key purposes used here. */
export const OID = {
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  subjectKeyIdentifier: "2.5.29.14",
  authorityKeyIdentifier: "2.5.29.35",
  sctList: "1.3.6.1.4.1.11129.2.4.2",
  ctPoison: "1.3.6.1.4.1.11129.2.4.3",
  ekuCodeSigning: "1.3.6.1.5.5.7.3.3",
  ekuTimeStamping: "1.3.6.1.5.5.7.3.8",
  ekuAny: "2.5.29.37.0",
  otherNameSigstore: "1.3.6.1.4.1.57264.1.7",
} as const;

/** `basicConstraints`: CA flag and optional path length. */
export interface BasicConstraints {
  readonly ca: boolean;
  readonly pathLength: number | undefined;
}

function wrap<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new ParseError("CERT_PARSE", `Cannot parse ${what} extension: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** Reads basicConstraints; `undefined` when the extension is absent. */
export function readBasicConstraints(cert: Certificate): BasicConstraints | undefined {
  const ext = findExtension(cert, OID.basicConstraints);
  if (ext === undefined) return undefined;
  return wrap("basicConstraints", () => {
    const parts = derSequence(parseDer(ext.value), "BasicConstraints");
    let ca = false;
    let pathLength: number | undefined;
    for (const p of parts) {
      if (p.tag === TAG.BOOLEAN) ca = decodeBoolean(p);
      else if (p.tag === TAG.INTEGER) pathLength = decodeSmallInteger(p);
      else throw new Error("unexpected field");
    }
    return { ca, pathLength };
  });
}

/** Key usage bit names in RFC 5280 order. */
const KEY_USAGE_BITS = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
] as const;

/** A key usage bit name. */
export type KeyUsage = typeof KEY_USAGE_BITS[number];

/** Reads keyUsage; `undefined` when absent. */
export function readKeyUsage(cert: Certificate): Set<KeyUsage> | undefined {
  const ext = findExtension(cert, OID.keyUsage);
  if (ext === undefined) return undefined;
  return wrap("keyUsage", () => {
    const node = parseDer(ext.value);
    if (node.tag !== TAG.BIT_STRING || node.value.length === 0) throw new Error("not a bit string");
    const bytes = node.value.subarray(1);
    const out = new Set<KeyUsage>();
    KEY_USAGE_BITS.forEach((name, bit) => {
      const byte = bytes[bit >> 3];
      if (byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0) out.add(name);
    });
    return out;
  });
}

/** Reads extKeyUsage OIDs; `undefined` when absent. */
export function readExtKeyUsage(cert: Certificate): string[] | undefined {
  const ext = findExtension(cert, OID.extKeyUsage);
  if (ext === undefined) return undefined;
  return wrap("extKeyUsage", () => derSequence(parseDer(ext.value), "ExtKeyUsageSyntax").map(decodeOid));
}

/** One subjectAltName entry this client understands. */
export type SubjectAltName =
  | { readonly type: "email"; readonly value: string }
  | { readonly type: "uri"; readonly value: string }
  | { readonly type: "dns"; readonly value: string }
  | { readonly type: "otherName"; readonly typeId: string; readonly value: string | undefined }
  | { readonly type: "other"; readonly tag: number };

/** Reads subjectAltName entries; empty when absent. */
export function readSubjectAltNames(cert: Certificate): SubjectAltName[] {
  const ext = findExtension(cert, OID.subjectAltName);
  if (ext === undefined) return [];
  return wrap(
    "subjectAltName",
    () =>
      derSequence(parseDer(ext.value), "GeneralNames").map((gn): SubjectAltName => {
        const text = () => {
          const s = utf8Decode(gn.value);
          if (s === undefined) throw new Error("name is not valid text");
          return s;
        };
        switch (gn.tag) {
          case 0x81:
            return { type: "email", value: text() };
          case 0x82:
            return { type: "dns", value: text() };
          case 0x86:
            return { type: "uri", value: text() };
          case 0xa0: {
            const [typeId, wrapped] = derChildren(gn);
            const oid = decodeOid(typeId!);
            let value: string | undefined;
            if (wrapped?.tag === 0xa0) {
              const [inner] = derChildren(wrapped);
              if (inner?.tag === TAG.UTF8_STRING) value = utf8Decode(inner.value);
            }
            return { type: "otherName", typeId: oid, value };
          }
          default:
            return { type: "other", tag: gn.tag };
        }
      }),
  );
}

/** Reads a BIT STRING-free helper: the subjectKeyIdentifier bytes, if present. */
export function readSubjectKeyIdentifier(cert: Certificate): Uint8Array | undefined {
  const ext = findExtension(cert, OID.subjectKeyIdentifier);
  if (ext === undefined) return undefined;
  return wrap("subjectKeyIdentifier", () => {
    const n = parseDer(ext.value);
    if (n.tag !== TAG.OCTET_STRING) throw new Error("not an octet string");
    return n.value;
  });
}
