/**
 * Embedded Signed Certificate Timestamps (RFC 6962 §3.2–3.3): the
 * precertificate TBS is rebuilt from the final certificate by removing the
 * SCT list extension, then each SCT's signature is checked with the CT log
 * key named by its log ID.
 *
 * @module
 */

import { bytesEqual, concatBytes, encodeBase64 } from "../encoding/mod.ts";
import { derChildren, encodeDer, parseDer, TAG } from "../der/mod.ts";
import { digest, type PublicKey, verifySignature } from "../crypto/mod.ts";
import { ConfigError, VerificationError } from "../errors/mod.ts";
import { type Certificate, findExtension } from "./certificate.ts";
import { OID } from "./extensions.ts";
import { decodeOid } from "../der/mod.ts";

/** One SCT from the certificate's list. */
export interface SignedCertificateTimestamp {
  readonly version: number;
  readonly logId: Uint8Array;
  /** Milliseconds since the Unix epoch. */
  readonly timestamp: bigint;
  readonly extensions: Uint8Array;
  readonly hashAlgorithm: number;
  readonly signatureAlgorithm: number;
  readonly signature: Uint8Array;
}

/** A CT log key the verifier trusts, with its validity check. */
export interface CtLogKey {
  readonly logId: Uint8Array;
  readonly publicKey: PublicKey | undefined;
  /** Why `publicKey` is `undefined` (with a leading ": "), for messages. */
  readonly unusableKeyReason?: string;
  /** True when the log key was valid at the given time. */
  readonly isValidAt: (time: Date) => boolean;
}

/** Parses the SCT list in a certificate; empty when the extension is absent. */
export function parseEmbeddedScts(cert: Certificate): SignedCertificateTimestamp[] {
  const ext = findExtension(cert, OID.sctList);
  if (ext === undefined) return [];
  const fail = (what: string): never => {
    throw new VerificationError("SCT", `Malformed SCT list in the certificate: ${what}`);
  };
  let list: Uint8Array;
  try {
    const inner = parseDer(ext.value);
    if (inner.tag !== TAG.OCTET_STRING) fail("not an OCTET STRING");
    list = inner.value;
  } catch (e) {
    if (e instanceof VerificationError) throw e;
    return fail((e as Error).message);
  }
  const view = new DataView(list.buffer, list.byteOffset, list.byteLength);
  if (list.length < 2 || view.getUint16(0) !== list.length - 2) fail("list length does not match");
  const out: SignedCertificateTimestamp[] = [];
  let pos = 2;
  while (pos < list.length) {
    if (pos + 2 > list.length) fail("truncated SCT length");
    const len = view.getUint16(pos);
    const start = pos + 2;
    const end = start + len;
    if (end > list.length) fail("SCT longer than the list");
    let p = start;
    const need = (n: number) => {
      if (p + n > end) fail("truncated SCT");
    };
    need(1 + 32 + 8 + 2);
    const version = list[p]!;
    const logId = list.subarray(p + 1, p + 33);
    const timestamp = view.getBigUint64(p + 33);
    const extLen = view.getUint16(p + 41);
    p += 43;
    need(extLen);
    const extensions = list.subarray(p, p + extLen);
    p += extLen;
    need(4);
    const hashAlgorithm = list[p]!;
    const signatureAlgorithm = list[p + 1]!;
    const sigLen = view.getUint16(p + 2);
    p += 4;
    need(sigLen);
    const signature = list.subarray(p, p + sigLen);
    p += sigLen;
    if (p !== end) fail("trailing bytes in SCT");
    out.push({ version, logId, timestamp, extensions, hashAlgorithm, signatureAlgorithm, signature });
    pos = end;
  }
  return out;
}

/** Rebuilds the precertificate TBSCertificate: the TBS without the SCT list extension. */
export function precertificateTbs(cert: Certificate): Uint8Array {
  const tbs = parseDer(cert.tbs);
  const parts = derChildren(tbs).map((field) => {
    if (field.tag !== 0xa3) return field.raw;
    const [extensions] = derChildren(field);
    const kept = derChildren(extensions!).filter((ext) => decodeOid(derChildren(ext)[0]!) !== OID.sctList);
    return encodeDer(0xa3, encodeDer(TAG.SEQUENCE, concatBytes(...kept.map((e) => e.raw))));
  });
  return encodeDer(TAG.SEQUENCE, concatBytes(...parts));
}

function u16(n: number): Uint8Array {
  return Uint8Array.of(n >> 8, n & 255);
}

/** The bytes a CT log signs for a precertificate SCT (RFC 6962 §3.2). */
export function sctSignedData(
  sct: SignedCertificateTimestamp,
  cert: Certificate,
  issuer: Certificate,
): Uint8Array {
  const tbs = precertificateTbs(cert);
  const ts = new Uint8Array(8);
  new DataView(ts.buffer).setBigUint64(0, sct.timestamp);
  return concatBytes(
    Uint8Array.of(sct.version, 0),
    ts,
    u16(1),
    digest("sha256", issuer.publicKeyInfo),
    Uint8Array.of((tbs.length >> 16) & 255, (tbs.length >> 8) & 255, tbs.length & 255),
    tbs,
    u16(sct.extensions.length),
    sct.extensions,
  );
}

/**
 * Verifies the certificate's embedded SCTs; at least `threshold` distinct
 * trusted CT logs must have a valid SCT. Throws `VerificationError` (`SCT`),
 * or `ConfigError` (`CONFIG`) for a threshold below 1.
 */
export async function verifyEmbeddedScts(
  cert: Certificate,
  issuer: Certificate,
  logs: readonly CtLogKey[],
  threshold = 1,
): Promise<number> {
  if (!Number.isSafeInteger(threshold) || threshold < 1) {
    throw new ConfigError(
      "CONFIG",
      `The CT log threshold must be a whole number of at least 1, not ${threshold}`,
    );
  }
  const scts = parseEmbeddedScts(cert);
  if (scts.length === 0) throw new VerificationError("SCT", "Certificate has no embedded SCT from a CT log");
  const verifiedLogs = new Set<string>();
  const problems: string[] = [];
  for (const sct of scts) {
    const id = encodeBase64(sct.logId);
    if (sct.version !== 0) {
      problems.push(`SCT from log ${id} has unsupported version ${sct.version}`);
      continue;
    }
    const log = logs.find((l) => bytesEqual(l.logId, sct.logId));
    if (log === undefined) {
      problems.push(`SCT is from an unknown CT log ${id}`);
      continue;
    }
    if (log.publicKey === undefined) {
      problems.push(`CT log ${id} has a key this client cannot use${log.unusableKeyReason ?? ""}`);
      continue;
    }
    const when = new Date(Number(sct.timestamp));
    if (!log.isValidAt(when)) {
      problems.push(`CT log ${id} key was not valid at the SCT time ${when.toISOString()}`);
      continue;
    }
    if (sct.hashAlgorithm !== 4) {
      problems.push(`SCT from log ${id} uses unsupported hash algorithm ${sct.hashAlgorithm}`);
      continue;
    }
    const ok = await verifySignature(log.publicKey, sctSignedData(sct, cert, issuer), sct.signature, {
      trustRootKey: true,
      hash: "sha256",
    });
    if (ok) verifiedLogs.add(id);
    else problems.push(`SCT signature from CT log ${id} does not verify`);
  }
  if (verifiedLogs.size < threshold) {
    throw new VerificationError(
      "SCT",
      `Certificate transparency check failed: ${verifiedLogs.size} of ${threshold} required SCTs verified (${
        problems.join("; ")
      })`,
    );
  }
  return verifiedLogs.size;
}
