/**
 * X.509 certificates (RFC 5280) read straight from DER, keeping the exact
 * bytes of the TBSCertificate, names and public key for hashing and
 * signature checks.
 *
 * @module
 */

import {
  decodeBitStringBytes,
  decodeBoolean,
  decodeOid,
  decodeSmallInteger,
  decodeTime,
  derChildren,
  type DerNode,
  derSequence,
  expectTag,
  parseDer,
  TAG,
} from "../der/mod.ts";
import { ParseError } from "../errors/mod.ts";

/** One certificate extension. `value` is the contents of `extnValue`. */
export interface Extension {
  /** The extension's OID in dotted form */
  readonly oid: string;
  /** Whether the extension is marked critical */
  readonly critical: boolean;
  /** The contents of `extnValue` */
  readonly value: Uint8Array;
}

/** A parsed certificate. */
export interface Certificate {
  /** The whole certificate DER. */
  readonly raw: Uint8Array;
  /** The DER of TBSCertificate, the bytes the issuer signed. */
  readonly tbs: Uint8Array;
  /** 1, 2 or 3. */
  readonly version: number;
  /** Serial number contents (big-endian two's complement). */
  readonly serialNumber: Uint8Array;
  /** Signature algorithm OID of the issuer's signature. */
  readonly signatureAlgorithm: string;
  /** The issuer's signature bytes. */
  readonly signature: Uint8Array;
  /** DER of the issuer Name. */
  readonly issuer: Uint8Array;
  /** DER of the subject Name. */
  readonly subject: Uint8Array;
  /** Start of the validity period */
  readonly notBefore: Date;
  /** End of the validity period */
  readonly notAfter: Date;
  /** DER of SubjectPublicKeyInfo. */
  readonly publicKeyInfo: Uint8Array;
  /** The extensions, in certificate order; empty for v1/v2 */
  readonly extensions: readonly Extension[];
}

/** Parses one DER certificate. */
export function parseCertificate(der: Uint8Array): Certificate {
  try {
    const [tbsNode, sigAlg, sigValue, ...rest] = derSequence(parseDer(der), "Certificate");
    if (rest.length > 0) throw new Error("Certificate has extra fields");
    const fields = derSequence(tbsNode, "TBSCertificate");
    let i = 0;
    let version = 1;
    if (fields[0]?.tag === 0xa0) {
      const [v] = derChildren(fields[0]);
      version = decodeSmallInteger(v!) + 1;
      i++;
    }
    const serial = expectTag(fields[i++], TAG.INTEGER, "serialNumber");
    const innerAlg = derSequence(fields[i++], "signature AlgorithmIdentifier");
    const issuer = expectTag(fields[i++], TAG.SEQUENCE, "issuer");
    const [notBefore, notAfter] = derSequence(fields[i++], "validity");
    const subject = expectTag(fields[i++], TAG.SEQUENCE, "subject");
    const spki = expectTag(fields[i++], TAG.SEQUENCE, "subjectPublicKeyInfo");
    const extensions: Extension[] = [];
    for (; i < fields.length; i++) {
      const f = fields[i]!;
      if (f.tag === 0xa3) {
        if (version !== 3) throw new Error("extensions in a certificate that is not v3");
        const [list] = derChildren(f);
        for (const ext of derSequence(list, "Extensions")) extensions.push(readExtension(ext));
      } else if (f.tag !== 0x81 && f.tag !== 0x82) {
        throw new Error(`unexpected TBSCertificate field with tag 0x${f.tag.toString(16)}`);
      }
    }
    const seen = new Set<string>();
    for (const e of extensions) {
      if (seen.has(e.oid)) throw new Error(`duplicate extension ${e.oid}`);
      seen.add(e.oid);
    }
    const outerAlgOid = decodeOid(derSequence(sigAlg, "signatureAlgorithm")[0]!);
    if (decodeOid(innerAlg[0]!) !== outerAlgOid) {
      throw new Error("inner and outer signature algorithms differ");
    }
    return {
      raw: der,
      tbs: tbsNode!.raw,
      version,
      serialNumber: serial.value,
      signatureAlgorithm: outerAlgOid,
      signature: decodeBitStringBytes(sigValue!),
      issuer: issuer.raw,
      subject: subject.raw,
      notBefore: decodeTime(notBefore!),
      notAfter: decodeTime(notAfter!),
      publicKeyInfo: spki.raw,
      extensions,
    };
  } catch (e) {
    throw new ParseError("CERT_PARSE", `Cannot parse certificate: ${(e as Error).message}`, { cause: e });
  }
}

function readExtension(node: DerNode): Extension {
  const parts = derSequence(node, "Extension");
  const oid = decodeOid(parts[0]!);
  let critical = false;
  let valueNode = parts[1];
  if (parts.length === 3) {
    critical = decodeBoolean(parts[1]!);
    if (!critical) throw new Error(`extension ${oid} encodes the default critical=false`);
    valueNode = parts[2];
  } else if (parts.length !== 2) {
    throw new Error(`extension ${oid} has ${parts.length} fields`);
  }
  return { oid, critical, value: expectTag(valueNode, TAG.OCTET_STRING, `extnValue of ${oid}`).value };
}

/** The extension with `oid`, if present. */
export function findExtension(cert: Certificate, oid: string): Extension | undefined {
  for (const e of cert.extensions) if (e.oid === oid) return e; // a loop: this runs often, and cold
  return undefined;
}
