/**
 * Parses a DER RFC 3161 `TimeStampResp` (RFC 3161 §2.4.2): the PKIStatusInfo,
 * the CMS ContentInfo/SignedData token (RFC 5652 §5) and the TSTInfo it
 * encapsulates. Structure only: no hash or signature is checked here (see
 * `verifyRfc3161Timestamp`).
 *
 * @module
 */

import { quote } from "../encoding/mod.ts";
import {
  decodeBoolean,
  decodeInteger,
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
import { VerificationError } from "../errors/mod.ts";
import { type Certificate, parseCertificate } from "../x509/mod.ts";
import { TIMESTAMP_OID } from "./_algorithms.ts";
import type {
  MessageImprint,
  SignerIdentifier,
  TimestampAccuracy,
  TimestampResponse,
  TimestampSignerInfo,
  TstInfo,
} from "./types.ts";

const STATUS_NAMES = [
  "granted",
  "grantedWithMods",
  "rejection",
  "waiting",
  "revocationWarning",
  "revocationNotification",
] as const;

/** Most certificates a token may embed; real TSAs send one to three. */
const MAX_EMBEDDED_CERTIFICATES = 32;

function malformed(what: string, cause?: unknown): never {
  throw new VerificationError(
    "TIMESTAMP",
    `Cannot parse timestamp response: ${what}`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Parses a DER `TimeStampResp` whose status grants a token.
 *
 * The input is copied, so later changes to `der` do not affect the result.
 *
 * @param der The complete DER `TimeStampResp`, as a TSA returns it and as a
 * bundle stores it in `rfc3161Timestamps[].signedTimestamp`.
 * @returns The status, the TSTInfo fields, the embedded certificates and the
 * single SignerInfo.
 * @throws {VerificationError} `TIMESTAMP` when the DER is malformed, the
 * status is not granted (0) or grantedWithMods (1), the token is not a
 * signedData holding a TSTInfo, or it has other than exactly one SignerInfo.
 * @throws {TypeError} When `der` is not a `Uint8Array`.
 *
 * @example Rejecting a response that is not DER
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTimestampResponse } from "./mod.ts";
 *
 * assert.throws(() => parseTimestampResponse(new Uint8Array([0x30, 0x05, 0x02])), { code: "TIMESTAMP" });
 * ```
 */
export function parseTimestampResponse(der: Uint8Array): TimestampResponse {
  if (!(der instanceof Uint8Array)) throw new TypeError("parseTimestampResponse() expects a Uint8Array");
  try {
    return readResponse(der.slice());
  } catch (e) {
    if (e instanceof VerificationError) throw e;
    malformed((e as Error).message, e);
  }
}

function readResponse(der: Uint8Array): TimestampResponse {
  const [statusInfo, token, ...extra] = derSequence(parseDer(der), "TimeStampResp");
  if (extra.length > 0) malformed("TimeStampResp has extra fields");
  const status = readStatus(statusInfo);
  if (token === undefined) malformed("a granted response carries no timeStampToken");

  const [contentTypeNode, content, ...extraInfo] = derSequence(token, "ContentInfo");
  if (extraInfo.length > 0) malformed("ContentInfo has extra fields");
  const contentType = decodeOid(expectTag(contentTypeNode, TAG.OID, "ContentInfo.contentType"));
  if (contentType !== TIMESTAMP_OID.signedData) {
    malformed(`token content type is "${contentType}", expected signedData "${TIMESTAMP_OID.signedData}"`);
  }
  const wrapped = derChildren(expectTag(content, 0xa0, "ContentInfo.content"));
  if (wrapped.length !== 1) malformed("ContentInfo.content must hold exactly one SignedData");
  const fields = derSequence(wrapped[0], "SignedData");

  let i = 0;
  const signedDataVersion = decodeSmallInteger(expectTag(fields[i++], TAG.INTEGER, "SignedData.version"));
  // RFC 5652 §5.1: eContentType other than id-data forces version 3 or higher.
  if (signedDataVersion < 3 || signedDataVersion > 5) {
    malformed(`SignedData version is ${signedDataVersion}, expected 3, 4 or 5`);
  }
  const digestAlgorithms = derChildren(expectTag(fields[i++], TAG.SET, "SignedData.digestAlgorithms"))
    .map((node) => readDigestAlgorithm(node, "SignedData.digestAlgorithms"));

  const encap = derSequence(fields[i++], "encapContentInfo");
  if (encap.length !== 2) malformed("encapContentInfo must hold eContentType and eContent");
  const eContentType = decodeOid(expectTag(encap[0], TAG.OID, "eContentType"));
  // RFC 3161 §2.4.2: the encapsulated content is a TSTInfo.
  if (eContentType !== TIMESTAMP_OID.tstInfo) {
    malformed(`eContentType is "${eContentType}", expected id-ct-TSTInfo "${TIMESTAMP_OID.tstInfo}"`);
  }
  const eContentWrapper = derChildren(expectTag(encap[1], 0xa0, "eContent"));
  if (eContentWrapper.length !== 1) malformed("eContent must hold exactly one OCTET STRING");
  const eContent = expectTag(eContentWrapper[0], TAG.OCTET_STRING, "eContent");

  let certificates: Certificate[] = [];
  if (fields[i]?.tag === 0xa0) certificates = readCertificates(fields[i++]!);
  if (fields[i]?.tag === 0xa1) i++; // crls: not used for timestamps
  const signerInfos = derChildren(expectTag(fields[i++], TAG.SET, "SignedData.signerInfos"));
  if (i !== fields.length) malformed("SignedData has extra fields");
  if (signerInfos.length !== 1) malformed(`token has ${signerInfos.length} SignerInfos, expected exactly 1`);

  return {
    status,
    signedDataVersion,
    digestAlgorithms,
    contentType: eContentType,
    tstInfo: readTstInfo(eContent.value),
    certificates,
    signerInfo: readSignerInfo(signerInfos[0]!),
  };
}

function readStatus(node: DerNode | undefined): 0 | 1 {
  const [statusNode, ...rest] = derSequence(node, "PKIStatusInfo");
  const status = decodeInteger(expectTag(statusNode, TAG.INTEGER, "PKIStatusInfo.status"));
  if (status === 0n || status === 1n) return Number(status) as 0 | 1;
  const name = status >= 0n && status < BigInt(STATUS_NAMES.length)
    ? STATUS_NAMES[Number(status)]
    : "unknown";
  let text = "";
  const strings = rest[0]?.tag === TAG.SEQUENCE ? derChildren(rest[0]) : [];
  if (strings[0]?.tag === TAG.UTF8_STRING) {
    text = `: ${quote(new TextDecoder("utf-8", { fatal: false }).decode(strings[0].value))}`;
  }
  throw new VerificationError(
    "TIMESTAMP",
    `Timestamp response was not granted: status ${status} (${name}), expected 0 (granted) or 1 (grantedWithMods)${text}`,
  );
}

function readAlgorithm(
  node: DerNode | undefined,
  what: string,
): { oid: string; params: DerNode | undefined } {
  const [oidNode, params, ...extra] = derSequence(node, what);
  if (extra.length > 0) malformed(`${what} has extra fields`);
  return { oid: decodeOid(expectTag(oidNode, TAG.OID, what)), params };
}

/** A digest AlgorithmIdentifier: parameters absent or NULL (RFC 5754 §2). */
function readDigestAlgorithm(node: DerNode | undefined, what: string): string {
  const { oid, params } = readAlgorithm(node, what);
  if (params !== undefined && (params.tag !== TAG.NULL || params.value.length !== 0)) {
    malformed(`${what} ${oid} has parameters other than NULL`);
  }
  return oid;
}

function readCertificates(node: DerNode): Certificate[] {
  const choices = derChildren(node);
  if (choices.length > MAX_EMBEDDED_CERTIFICATES) {
    malformed(`token embeds ${choices.length} certificates, at most ${MAX_EMBEDDED_CERTIFICATES} allowed`);
  }
  const out: Certificate[] = [];
  choices.forEach((choice, n) => {
    // CertificateChoices: only plain certificates can sign; attribute and other certificates are skipped.
    if (choice.tag !== TAG.SEQUENCE) return;
    try {
      out.push(parseCertificate(choice.raw));
    } catch (e) {
      malformed(`embedded certificate ${n}: ${(e as Error).message}`, e);
    }
  });
  return out;
}

function readSignerInfo(node: DerNode): TimestampSignerInfo {
  const f = derSequence(node, "SignerInfo");
  let j = 0;
  const version = decodeSmallInteger(expectTag(f[j++], TAG.INTEGER, "SignerInfo.version"));
  const sidNode = f[j++];
  let sid: SignerIdentifier;
  if (sidNode?.tag === TAG.SEQUENCE) {
    const [issuer, serial, ...extra] = derChildren(sidNode);
    if (extra.length > 0) malformed("issuerAndSerialNumber has extra fields");
    expectTag(issuer, TAG.SEQUENCE, "SignerInfo.sid issuer");
    decodeInteger(expectTag(serial, TAG.INTEGER, "SignerInfo.sid serialNumber"));
    // RFC 5652 §5.3: version 1 goes with issuerAndSerialNumber, 3 with subjectKeyIdentifier.
    if (version !== 1) malformed(`SignerInfo version is ${version} with issuerAndSerialNumber, expected 1`);
    sid = { kind: "issuerAndSerialNumber", issuer: issuer!.raw, serialNumber: serial!.value };
  } else if (sidNode?.tag === 0x80) {
    if (version !== 3) malformed(`SignerInfo version is ${version} with subjectKeyIdentifier, expected 3`);
    sid = { kind: "subjectKeyIdentifier", keyIdentifier: sidNode.value };
  } else {
    malformed("SignerInfo.sid is neither issuerAndSerialNumber nor subjectKeyIdentifier");
  }
  const digestAlgorithm = readDigestAlgorithm(f[j++], "SignerInfo.digestAlgorithm");
  // RFC 5652 §5.3: signedAttrs are required when eContentType is not id-data.
  if (f[j]?.tag !== 0xa0) malformed("SignerInfo has no signed attributes");
  const attrsNode = f[j++]!;
  const { contentType, messageDigest } = readSignedAttributes(attrsNode);
  const signatureAlgorithm = readAlgorithm(f[j++], "SignerInfo.signatureAlgorithm").oid;
  const signature = expectTag(f[j++], TAG.OCTET_STRING, "SignerInfo.signature").value;
  if (f[j]?.tag === 0xa1) j++; // unsignedAttrs
  if (j !== f.length) malformed("SignerInfo has extra fields");

  // RFC 5652 §5.4: the signature covers the DER of signedAttrs with an explicit SET OF tag.
  const signedAttributes = attrsNode.raw.slice();
  signedAttributes[0] = TAG.SET;
  return {
    version,
    sid,
    digestAlgorithm,
    signedAttributes,
    contentType,
    messageDigest,
    signatureAlgorithm,
    signature,
  };
}

function readSignedAttributes(node: DerNode): { contentType: string; messageDigest: Uint8Array } {
  const values = new Map<string, DerNode[]>();
  for (const attr of derChildren(node)) {
    const [typeNode, valuesNode, ...extra] = derSequence(attr, "signed attribute");
    if (extra.length > 0) malformed("signed attribute has extra fields");
    const type = decodeOid(expectTag(typeNode, TAG.OID, "signed attribute type"));
    // RFC 5652 §5.3: at most one instance of contentType and messageDigest.
    if (values.has(type)) malformed(`signed attribute "${type}" appears twice`);
    values.set(type, derChildren(expectTag(valuesNode, TAG.SET, `values of signed attribute "${type}"`)));
  }
  const single = (oid: string, name: string, tag: number): DerNode => {
    const list = values.get(oid);
    if (list === undefined) malformed(`signed attribute ${name} is missing`);
    if (list.length !== 1) malformed(`signed attribute ${name} has ${list.length} values, expected 1`);
    return expectTag(list[0], tag, `signed attribute ${name}`);
  };
  return {
    contentType: decodeOid(single(TIMESTAMP_OID.contentType, "contentType", TAG.OID)),
    messageDigest: single(TIMESTAMP_OID.messageDigest, "messageDigest", TAG.OCTET_STRING).value,
  };
}

function readTstInfo(der: Uint8Array): TstInfo {
  const root = parseDer(der);
  const t = derSequence(root, "TSTInfo");
  let k = 0;
  const version = decodeSmallInteger(expectTag(t[k++], TAG.INTEGER, "TSTInfo.version"));
  if (version !== 1) malformed(`TSTInfo version is ${version}, expected 1`);
  const policy = decodeOid(expectTag(t[k++], TAG.OID, "TSTInfo.policy"));
  const [algNode, hashedNode, ...extra] = derSequence(t[k++], "TSTInfo.messageImprint");
  if (extra.length > 0) malformed("messageImprint has extra fields");
  const messageImprint: MessageImprint = {
    hashAlgorithm: readDigestAlgorithm(algNode, "messageImprint.hashAlgorithm"),
    hashedMessage: expectTag(hashedNode, TAG.OCTET_STRING, "messageImprint.hashedMessage").value,
  };
  const serial = expectTag(t[k++], TAG.INTEGER, "TSTInfo.serialNumber");
  decodeInteger(serial);
  const genTimeNode = expectTag(t[k++], TAG.GENERALIZED_TIME, "TSTInfo.genTime");
  // RFC 3161 §2.4.2: fractional seconds, if any, carry no trailing zeros.
  if (/\.(\d*0)?Z$/.test(String.fromCharCode(...genTimeNode.value))) {
    malformed("TSTInfo.genTime has a fraction with trailing zeros");
  }
  const genTime = decodeTime(genTimeNode);

  let accuracy: TimestampAccuracy | undefined;
  if (t[k]?.tag === TAG.SEQUENCE) accuracy = readAccuracy(t[k++]!);
  let ordering = false;
  if (t[k]?.tag === TAG.BOOLEAN) ordering = decodeBoolean(t[k++]!);
  let nonce: bigint | undefined;
  if (t[k]?.tag === TAG.INTEGER) nonce = decodeInteger(t[k++]!);
  let tsa: Uint8Array | undefined;
  if (t[k]?.tag === 0xa0) tsa = t[k++]!.raw;
  let extensions: Uint8Array | undefined;
  if (t[k]?.tag === 0xa1) extensions = t[k++]!.raw;
  if (k !== t.length) malformed(`TSTInfo has an unexpected field with tag 0x${t[k]!.tag.toString(16)}`);

  return {
    raw: root.raw,
    version,
    policy,
    messageImprint,
    serialNumber: serial.value,
    genTime,
    accuracy,
    ordering,
    nonce,
    tsa,
    extensions,
  };
}

function readAccuracy(node: DerNode): TimestampAccuracy {
  const parts = derChildren(node);
  let p = 0;
  const read = (tag: number): number | undefined => {
    const part = parts[p];
    if (part?.tag !== tag) return undefined;
    p++;
    return decodeSmallInteger({ tag: TAG.INTEGER, raw: part.raw, value: part.value });
  };
  const seconds = read(TAG.INTEGER);
  const millis = read(0x80);
  const micros = read(0x81);
  if (p !== parts.length) malformed("TSTInfo.accuracy has unexpected fields");
  for (const [name, v] of [["millis", millis], ["micros", micros]] as const) {
    if (v !== undefined && (v < 1 || v > 999)) {
      malformed(`TSTInfo.accuracy ${name} is ${v}, expected 1 to 999`);
    }
  }
  return { seconds, millis, micros };
}
