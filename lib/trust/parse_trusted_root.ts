/**
 * Parses TrustedRoot JSON (`application/vnd.dev.sigstore.trustedroot+json;version=0.1`,
 * `…trustedroot.v0.1+json`, `…trustedroot.v0.2+json`) into typed values with
 * parsed keys and certificates.
 *
 * @module
 */

import { parsePublicKey, type PublicKey } from "../crypto/mod.ts";
import { concatBytes } from "../encoding/mod.ts";
import { encodeDer, TAG } from "../der/mod.ts";
import {
  jsonPath,
  JsonShapeError,
  parseJsonText,
  quote,
  readArray,
  readBytes,
  readObject,
  readOptionalString,
  readString,
  readTimestamp,
} from "../encoding/mod.ts";
import { ParseError, SigstoreError } from "../errors/mod.ts";
import { parseCertificate } from "../x509/mod.ts";
import type { CertificateAuthority, TransparencyLogInstance, TrustedRoot, ValidityPeriod } from "./types.ts";

const TRUSTED_ROOT_MEDIA_TYPES = new Set([
  "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
  "application/vnd.dev.sigstore.trustedroot.v0.1+json",
  "application/vnd.dev.sigstore.trustedroot.v0.2+json",
]);

/** Parses TrustedRoot JSON text. */
export function parseTrustedRootJson(text: string): TrustedRoot {
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (e) {
    if (!(e instanceof JsonShapeError)) throw e;
    throw new ParseError("TRUST_ROOT_PARSE", `Trusted root ${e.problem}`, { cause: e });
  }
  return parseTrustedRoot(json);
}

/** Parses a TrustedRoot from a JSON value. */
export function parseTrustedRoot(json: unknown, basePath = ""): TrustedRoot {
  try {
    const root = readObject(json, basePath);
    const mediaType = readString(root.mediaType, jsonPath(basePath, "mediaType"));
    if (!TRUSTED_ROOT_MEDIA_TYPES.has(mediaType)) {
      throw new JsonShapeError(
        jsonPath(basePath, "mediaType"),
        `unsupported trusted root media type ${quote(mediaType)}`,
      );
    }
    const list = <T>(key: string, read: (v: unknown, p: string) => T): T[] => {
      const p = jsonPath(basePath, key);
      return readArray(root[key], p, true).map((v, i) => read(v, jsonPath(p, i)));
    };
    return {
      mediaType,
      tlogs: list("tlogs", readLog),
      certificateAuthorities: list("certificateAuthorities", readAuthority),
      ctlogs: list("ctlogs", readLog),
      timestampAuthorities: list("timestampAuthorities", readAuthority),
    };
  } catch (e) {
    if (e instanceof JsonShapeError) {
      throw new ParseError("TRUST_ROOT_PARSE", `Malformed trusted root at ${e.message}`, { cause: e });
    }
    throw e;
  }
}

function readValidity(value: unknown, path: string): ValidityPeriod {
  if (value === undefined || value === null) return { start: undefined, end: undefined };
  const v = readObject(value, path);
  return {
    start: v.start === undefined || v.start === null
      ? undefined
      : readTimestamp(v.start, jsonPath(path, "start")),
    end: v.end === undefined || v.end === null ? undefined : readTimestamp(v.end, jsonPath(path, "end")),
  };
}

/** Wraps a bare PKCS#1 RSAPublicKey in a SubjectPublicKeyInfo. */
function wrapPkcs1RsaKey(raw: Uint8Array): Uint8Array {
  const rsaAlgorithm = Uint8Array.of(
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    0x86,
    0x48,
    0x86,
    0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00,
  );
  return encodeDer(
    TAG.SEQUENCE,
    concatBytes(rsaAlgorithm, encodeDer(TAG.BIT_STRING, concatBytes(Uint8Array.of(0), raw))),
  );
}

function readLog(value: unknown, path: string): TransparencyLogInstance {
  const log = readObject(value, path);
  const keyPath = jsonPath(path, "publicKey");
  const key = readObject(log.publicKey, keyPath);
  const publicKeyBytes = readBytes(key.rawBytes, jsonPath(keyPath, "rawBytes"));
  const keyDetails = readOptionalString(key.keyDetails, jsonPath(keyPath, "keyDetails")) ??
    "PUBLIC_KEY_DETAILS_UNSPECIFIED";
  let publicKey: PublicKey | undefined;
  let unusableKeyReason: string | undefined;
  try {
    const spki = keyDetails === "PKCS1_RSA_PKCS1V5" ? wrapPkcs1RsaKey(publicKeyBytes) : publicKeyBytes;
    publicKey = parsePublicKey(spki);
  } catch (e) {
    if (!(e instanceof SigstoreError)) throw e;
    // Unusable keys (a newer algorithm, a weak RSA key) never verify anything; the reason is kept.
    publicKey = undefined;
    unusableKeyReason = e.message;
  }
  const checkpoint = log.checkpointKeyId === undefined || log.checkpointKeyId === null
    ? undefined
    : readBytes(
      readObject(log.checkpointKeyId, jsonPath(path, "checkpointKeyId")).keyId,
      jsonPath(path, "checkpointKeyId.keyId"),
    );
  return {
    baseUrl: readString(log.baseUrl, jsonPath(path, "baseUrl")),
    hashAlgorithm: readOptionalString(log.hashAlgorithm, jsonPath(path, "hashAlgorithm")) ?? "SHA2_256",
    keyDetails,
    publicKey,
    ...(unusableKeyReason === undefined ? {} : { unusableKeyReason }),
    publicKeyBytes,
    validFor: readValidity(key.validFor, jsonPath(keyPath, "validFor")),
    logId: readBytes(readObject(log.logId, jsonPath(path, "logId")).keyId, jsonPath(path, "logId.keyId")),
    checkpointKeyId: checkpoint,
  };
}

function readAuthority(value: unknown, path: string): CertificateAuthority {
  const ca = readObject(value, path);
  const chainPath = jsonPath(path, "certChain.certificates");
  const chain = readObject(ca.certChain, jsonPath(path, "certChain"));
  const certs = readArray(chain.certificates, chainPath).map((c, i) => {
    const p = jsonPath(chainPath, i);
    const der = readBytes(readObject(c, p).rawBytes, jsonPath(p, "rawBytes"));
    try {
      return parseCertificate(der);
    } catch (e) {
      throw new JsonShapeError(p, (e as Error).message);
    }
  });
  if (certs.length === 0) throw new JsonShapeError(chainPath, "must hold at least one certificate");
  return {
    uri: readOptionalString(ca.uri, jsonPath(path, "uri")) ?? "",
    certChain: certs,
    validFor: readValidity(ca.validFor, jsonPath(path, "validFor")),
  };
}
