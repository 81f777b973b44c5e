/**
 * A tiny in-memory timestamp authority for tests: an ECDSA P-256 root, a TSA
 * leaf with configurable extensions, and DER `TimeStampResp`s signed the way
 * RFC 3161 and RFC 5652 describe. Only what the negative tests need.
 *
 * @module
 */

import { digest } from "../../lib/crypto/mod.ts";
import { encodeDer, TAG } from "../../lib/der/mod.ts";
import { concatBytes, utf8Encode } from "../../lib/encoding/mod.ts";
import type { CertificateAuthority } from "../../lib/trust/mod.ts";
import { type Certificate, parseCertificate } from "../../lib/x509/mod.ts";

const seq = (...parts: Uint8Array[]): Uint8Array => encodeDer(TAG.SEQUENCE, concatBytes(...parts));
const set = (...parts: Uint8Array[]): Uint8Array => encodeDer(TAG.SET, concatBytes(...parts));
const octets = (b: Uint8Array): Uint8Array => encodeDer(TAG.OCTET_STRING, b);
const ctx = (n: number, ...parts: Uint8Array[]): Uint8Array => encodeDer(0xa0 + n, concatBytes(...parts));

/** Encodes a dotted OID. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map(BigInt);
  const body: number[] = [];
  const push = (v: bigint) => {
    const chunk = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    body.push(...chunk);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return encodeDer(TAG.OID, Uint8Array.from(body));
}

/** Encodes a non-negative INTEGER. */
export function integer(n: bigint | number): Uint8Array {
  let v = BigInt(n);
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return encodeDer(TAG.INTEGER, Uint8Array.from(bytes));
}

function name(cn: string): Uint8Array {
  return seq(set(seq(oid("2.5.4.3"), encodeDer(TAG.UTF8_STRING, utf8Encode(cn)))));
}

function time(tag: number, d: Date): Uint8Array {
  const iso = d.toISOString().replace(/[-:T]/g, "").replace(/\.\d+Z$/, "Z");
  return encodeDer(tag, utf8Encode(tag === TAG.UTC_TIME ? iso.slice(2) : iso));
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return seq(oid(id), ...(critical ? [Uint8Array.of(0x01, 0x01, 0xff)] : []), octets(value));
}

function rawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    return encodeDer(TAG.INTEGER, v[0]! & 0x80 ? concatBytes(Uint8Array.of(0), v) : v);
  };
  return seq(int(raw.subarray(0, half)), int(raw.subarray(half)));
}

async function sign(key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  if (key.algorithm.name === "RSASSA-PKCS1-v1_5") {
    return new Uint8Array(await crypto.subtle.sign({ name: "RSASSA-PKCS1-v1_5" }, key, data as BufferSource));
  }
  const raw = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, data as BufferSource);
  return rawToDer(new Uint8Array(raw));
}

const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));
const RSA_SHA256 = seq(oid("1.2.840.113549.1.1.11"), Uint8Array.of(0x05, 0x00));
const SHA256 = seq(oid("2.16.840.1.101.3.4.2.1"));

/** An ECDSA key pair with its SPKI. */
export interface TestKey {
  readonly privateKey: CryptoKey;
  readonly spki: Uint8Array;
}

/** Generates an RSA PKCS#1 v1.5 SHA-256 key pair of `bits` bits. */
export async function generateRsaKey(bits: number): Promise<TestKey> {
  const pair = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: bits,
      publicExponent: Uint8Array.of(1, 0, 1),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  ) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
  return { privateKey: pair.privateKey, spki };
}

/** Generates an ECDSA P-256 key pair. */
export async function generateKey(): Promise<TestKey> {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ]);
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
  return { privateKey: pair.privateKey, spki };
}

/** What to put in a test certificate. */
export interface CertificateSpec {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: number;
  readonly key: TestKey;
  readonly issuerKey: TestKey;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly ca?: boolean;
  /** Extended key usages; `undefined` leaves the extension out. */
  readonly ekus?: readonly string[];
  readonly ekuCritical?: boolean;
  readonly subjectKeyId?: Uint8Array;
  /** basicConstraints pathLenConstraint (CA certificates only). */
  readonly pathLength?: number;
  /** The keyUsage BIT STRING contents (unused-bits byte first); default by `ca`. `null` leaves it out. */
  readonly keyUsage?: Uint8Array | null;
  /** Leave basicConstraints out even for a CA. */
  readonly omitBasicConstraints?: boolean;
  /** More extensions, as given. */
  readonly extraExtensions?: readonly { oid: string; critical: boolean; value: Uint8Array }[];
}

/** Issues a v3 certificate. */
export async function issueCertificate(spec: CertificateSpec): Promise<Certificate> {
  const exts: Uint8Array[] = [];
  if (spec.ca && spec.omitBasicConstraints !== true) {
    const pathLength = spec.pathLength === undefined ? [] : [integer(spec.pathLength)];
    exts.push(extension("2.5.29.19", true, seq(Uint8Array.of(0x01, 0x01, 0xff), ...pathLength)));
  }
  const keyUsage = spec.keyUsage === undefined
    ? (spec.ca ? Uint8Array.of(0x01, 0x06) : Uint8Array.of(0x07, 0x80)) // keyCertSign+cRLSign, or digitalSignature
    : spec.keyUsage;
  if (keyUsage !== null) exts.push(extension("2.5.29.15", true, encodeDer(TAG.BIT_STRING, keyUsage)));
  if (spec.ekus !== undefined) {
    exts.push(extension("2.5.29.37", spec.ekuCritical ?? true, seq(...spec.ekus.map(oid))));
  }
  if (spec.subjectKeyId !== undefined) exts.push(extension("2.5.29.14", false, octets(spec.subjectKeyId)));
  for (const e of spec.extraExtensions ?? []) exts.push(extension(e.oid, e.critical, e.value));
  const algorithm = spec.issuerKey.privateKey.algorithm.name === "RSASSA-PKCS1-v1_5"
    ? RSA_SHA256
    : ECDSA_SHA256;
  const tbs = seq(
    ctx(0, integer(2)),
    integer(spec.serial),
    algorithm,
    name(spec.issuer),
    seq(time(TAG.UTC_TIME, spec.notBefore), time(TAG.UTC_TIME, spec.notAfter)),
    name(spec.subject),
    spec.key.spki,
    ctx(3, seq(...exts)),
  );
  const signature = await sign(spec.issuerKey.privateKey, tbs);
  return parseCertificate(
    seq(tbs, algorithm, encodeDer(TAG.BIT_STRING, concatBytes(Uint8Array.of(0), signature))),
  );
}

/** What to put in a test timestamp. */
export interface TokenSpec {
  readonly signedBytes: Uint8Array;
  readonly genTime: Date;
  readonly signer: Certificate;
  readonly signerKey: TestKey;
  /** Certificates to embed; none when empty. */
  readonly embed?: readonly Certificate[];
  /** Name the signer by subjectKeyIdentifier instead of issuer and serial. */
  readonly sidKeyId?: Uint8Array;
  /** Message imprint hash OID and value (default: SHA-256 of `signedBytes`). */
  readonly imprint?: { readonly oid: string; readonly hash: Uint8Array };
  /** The contentType signed attribute (default id-ct-TSTInfo). */
  readonly contentType?: string;
  /** How many copies of the SignerInfo to put in the token (default 1). */
  readonly signerInfoCount?: number;
}

/** Builds and signs a DER `TimeStampResp` with status granted. */
export async function makeTimestamp(spec: TokenSpec): Promise<Uint8Array> {
  const imprint = spec.imprint ?? { oid: "2.16.840.1.101.3.4.2.1", hash: digest("sha256", spec.signedBytes) };
  const tstInfo = seq(
    integer(1),
    oid("1.3.6.1.4.1.57264.2"),
    seq(seq(oid(imprint.oid), Uint8Array.of(0x05, 0x00)), octets(imprint.hash)),
    integer(0x1234),
    time(TAG.GENERALIZED_TIME, spec.genTime),
    integer(42n),
  );
  const attrs = concatBytes(
    seq(oid("1.2.840.113549.1.9.3"), set(oid(spec.contentType ?? "1.2.840.113549.1.9.16.1.4"))),
    seq(oid("1.2.840.113549.1.9.4"), set(octets(digest("sha256", tstInfo)))),
  );
  const signature = await sign(spec.signerKey.privateKey, encodeDer(TAG.SET, attrs));
  const sid = spec.sidKeyId === undefined
    ? [integer(1), seq(spec.signer.issuer, encodeDer(TAG.INTEGER, spec.signer.serialNumber))]
    : [integer(3), encodeDer(0x80, spec.sidKeyId)];
  const signerInfo = seq(...sid, SHA256, encodeDer(0xa0, attrs), ECDSA_SHA256, octets(signature));
  const embed = spec.embed ?? [];
  const signedData = seq(
    integer(3),
    set(SHA256),
    seq(oid("1.2.840.113549.1.9.16.1.4"), ctx(0, octets(tstInfo))),
    ...(embed.length > 0 ? [ctx(0, ...embed.map((c) => c.raw))] : []),
    set(...Array.from({ length: spec.signerInfoCount ?? 1 }, () => signerInfo)),
  );
  return seq(seq(integer(0)), seq(oid("1.2.840.113549.1.7.2"), ctx(0, signedData)));
}

/** A root, a TSA leaf and the authority that trusts them. */
export interface FakeTsa {
  readonly rootKey: TestKey;
  readonly leafKey: TestKey;
  readonly root: Certificate;
  readonly leaf: Certificate;
  readonly authority: CertificateAuthority;
}

/** Leaf validity used by {@linkcode makeFakeTsa}. */
export const LEAF_NOT_BEFORE = new Date("2025-01-01T00:00:00Z");
/** Leaf validity end used by {@linkcode makeFakeTsa}. */
export const LEAF_NOT_AFTER = new Date("2026-01-01T00:00:00Z");

/** Builds a TSA whose leaf has the given EKU settings (default: critical, exactly timeStamping). */
export async function makeFakeTsa(
  leaf: { ekus?: readonly string[]; ekuCritical?: boolean; subjectKeyId?: Uint8Array } = {},
): Promise<FakeTsa> {
  const rootKey = await generateKey();
  const leafKey = await generateKey();
  const root = await issueCertificate({
    subject: "Test TSA Root",
    issuer: "Test TSA Root",
    serial: 1,
    key: rootKey,
    issuerKey: rootKey,
    notBefore: new Date("2024-01-01T00:00:00Z"),
    notAfter: new Date("2030-01-01T00:00:00Z"),
    ca: true,
  });
  const leafCert = await issueCertificate({
    subject: "Test TSA",
    issuer: "Test TSA Root",
    serial: 2,
    key: leafKey,
    issuerKey: rootKey,
    notBefore: LEAF_NOT_BEFORE,
    notAfter: LEAF_NOT_AFTER,
    ekus: leaf.ekus ?? ["1.3.6.1.5.5.7.3.8"],
    ekuCritical: leaf.ekuCritical ?? true,
    ...(leaf.subjectKeyId === undefined ? {} : { subjectKeyId: leaf.subjectKeyId }),
  });
  return {
    rootKey,
    leafKey,
    root,
    leaf: leafCert,
    authority: {
      uri: "https://tsa.test/api/v1/timestamp",
      certChain: [leafCert, root],
      validFor: { start: new Date("2025-01-01T00:00:00Z"), end: undefined },
    },
  };
}
