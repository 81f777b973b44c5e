/**
 * Parses and shape-checks bundle JSON v0.1, v0.2 and v0.3 (both media-type
 * spellings). Rules per version follow the protobuf-specs comments:
 * v0.1 needs an inclusion promise, v0.2+ an inclusion proof with a
 * checkpoint, and v0.3 carries a single leaf certificate, not a chain.
 *
 * @module
 */

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
  readUint64,
} from "../encoding/mod.ts";
import { ParseError } from "../errors/mod.ts";
import type {
  Bundle,
  BundleVersion,
  DsseEnvelope,
  InclusionProof,
  MessageSignature,
  TransparencyLogEntry,
  VerificationContent,
} from "./types.ts";

const MEDIA_TYPES: Record<string, BundleVersion> = {
  "application/vnd.dev.sigstore.bundle+json;version=0.1": "0.1",
  "application/vnd.dev.sigstore.bundle+json;version=0.2": "0.2",
  "application/vnd.dev.sigstore.bundle+json;version=0.3": "0.3",
  "application/vnd.dev.sigstore.bundle.v0.3+json": "0.3",
};

/** Most tlog entries or timestamps one bundle may carry (as sigstore-go). */
export const MAX_BUNDLE_LIST = 32;

/** Parses bundle JSON text. */
export function parseBundleJson(text: string): Bundle {
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (e) {
    if (!(e instanceof JsonShapeError)) throw e;
    throw new ParseError("BUNDLE_PARSE", `Bundle ${e.problem}`, { cause: e });
  }
  return parseBundle(json);
}

/** Parses a bundle from a JSON value. */
export function parseBundle(json: unknown): Bundle {
  try {
    return readBundle(json);
  } catch (e) {
    if (e instanceof JsonShapeError) {
      throw new ParseError("BUNDLE_PARSE", `Malformed bundle at ${e.message}`, { cause: e });
    }
    throw e;
  }
}

function readBundle(json: unknown): Bundle {
  const root = readObject(json, "");
  const mediaType = readString(root.mediaType, "mediaType");
  const version = MEDIA_TYPES[mediaType];
  if (version === undefined) {
    throw new ParseError(
      "BUNDLE_UNSUPPORTED_VERSION",
      `Unsupported bundle media type ${quote(mediaType)}: expected a bundle of version 0.1, 0.2 or 0.3`,
    );
  }
  const vm = readObject(root.verificationMaterial, "verificationMaterial");
  const verificationContent = readVerificationContent(vm, version);
  const entries = readArray(vm.tlogEntries, "verificationMaterial.tlogEntries", true);
  if (entries.length > MAX_BUNDLE_LIST) {
    throw new JsonShapeError("verificationMaterial.tlogEntries", `more than ${MAX_BUNDLE_LIST} entries`);
  }
  const tlogEntries = entries.map((e, i) =>
    readTlogEntry(e, jsonPath("verificationMaterial.tlogEntries", i), version)
  );
  const rfc3161Timestamps = readTimestamps(vm.timestampVerificationData);

  const hasMessage = root.messageSignature !== undefined && root.messageSignature !== null;
  const hasDsse = root.dsseEnvelope !== undefined && root.dsseEnvelope !== null;
  if (hasMessage === hasDsse) {
    throw new JsonShapeError("", "exactly one of messageSignature and dsseEnvelope is required");
  }
  const content = hasMessage ? readMessageSignature(root.messageSignature) : readDsse(root.dsseEnvelope);
  if (content.kind === "dsseEnvelope" && verificationContent.kind === "publicKey") {
    // protobuf-specs: with a key hint, the envelope's keyid (if any) must equal it.
    if (content.keyid !== "" && content.keyid !== verificationContent.hint) {
      throw new JsonShapeError(
        "dsseEnvelope.signatures[0].keyid",
        "does not match verificationMaterial.publicKey.hint",
      );
    }
  }
  return { mediaType, version, verificationContent, tlogEntries, rfc3161Timestamps, content };
}

function readVerificationContent(vm: Record<string, unknown>, version: BundleVersion): VerificationContent {
  const present = ["x509CertificateChain", "certificate", "publicKey"].filter((k) =>
    vm[k] !== undefined && vm[k] !== null
  );
  if (present.length !== 1) {
    throw new JsonShapeError(
      "verificationMaterial",
      "exactly one of x509CertificateChain, certificate and publicKey is required",
    );
  }
  const kind = present[0]!;
  if (kind === "x509CertificateChain") {
    if (version === "0.3") {
      throw new JsonShapeError(
        "verificationMaterial.x509CertificateChain",
        "is not allowed in a v0.3 bundle",
      );
    }
    const path = "verificationMaterial.x509CertificateChain.certificates";
    const chain = readObject(vm.x509CertificateChain, "verificationMaterial.x509CertificateChain");
    const certs = readArray(chain.certificates, path);
    if (certs.length === 0) throw new JsonShapeError(path, "must hold at least the leaf certificate");
    return {
      kind,
      certificates: certs.map((c, i) =>
        readBytes(readObject(c, jsonPath(path, i)).rawBytes, `${jsonPath(path, i)}.rawBytes`)
      ),
    };
  }
  if (kind === "certificate") {
    if (version !== "0.3") {
      throw new JsonShapeError(
        "verificationMaterial.certificate",
        `is only allowed in v0.3 bundles, not ${version}`,
      );
    }
    const cert = readObject(vm.certificate, "verificationMaterial.certificate");
    return { kind, certificate: readBytes(cert.rawBytes, "verificationMaterial.certificate.rawBytes") };
  }
  const key = readObject(vm.publicKey, "verificationMaterial.publicKey");
  return {
    kind: "publicKey",
    hint: readOptionalString(key.hint, "verificationMaterial.publicKey.hint") ?? "",
  };
}

function readTlogEntry(value: unknown, path: string, version: BundleVersion): TransparencyLogEntry {
  const e = readObject(value, path);
  const kv = readObject(e.kindVersion, `${path}.kindVersion`);
  const logId = readObject(e.logId, `${path}.logId`);
  const promise = e.inclusionPromise === undefined || e.inclusionPromise === null ? undefined : readBytes(
    readObject(e.inclusionPromise, `${path}.inclusionPromise`).signedEntryTimestamp,
    `${path}.inclusionPromise.signedEntryTimestamp`,
  );
  const proof = e.inclusionProof === undefined || e.inclusionProof === null
    ? undefined
    : readInclusionProof(e.inclusionProof, `${path}.inclusionProof`);
  if (version === "0.1" && promise === undefined) {
    throw new JsonShapeError(`${path}.inclusionPromise`, "is required in a v0.1 bundle");
  }
  if (version !== "0.1") {
    if (proof === undefined) {
      throw new JsonShapeError(`${path}.inclusionProof`, `is required in a v${version} bundle`);
    }
    if (proof.checkpoint === undefined) {
      throw new JsonShapeError(`${path}.inclusionProof.checkpoint`, `is required in a v${version} bundle`);
    }
  }
  if (e.canonicalizedBody === undefined || e.canonicalizedBody === null) {
    throw new JsonShapeError(
      `${path}.canonicalizedBody`,
      "is required to check the entry against the bundle",
    );
  }
  return {
    logIndex: readUint64(e.logIndex, `${path}.logIndex`),
    logId: readBytes(logId.keyId, `${path}.logId.keyId`),
    kind: readString(kv.kind, `${path}.kindVersion.kind`),
    kindVersion: readString(kv.version, `${path}.kindVersion.version`),
    integratedTime: readUint64(e.integratedTime, `${path}.integratedTime`),
    signedEntryTimestamp: promise,
    inclusionProof: proof,
    canonicalizedBody: readBytes(e.canonicalizedBody, `${path}.canonicalizedBody`),
  };
}

function readInclusionProof(value: unknown, path: string): InclusionProof {
  const p = readObject(value, path);
  const checkpoint = p.checkpoint === undefined || p.checkpoint === null
    ? undefined
    : readString(readObject(p.checkpoint, `${path}.checkpoint`).envelope, `${path}.checkpoint.envelope`);
  const hashesPath = `${path}.hashes`;
  return {
    logIndex: readUint64(p.logIndex, `${path}.logIndex`),
    rootHash: readBytes(p.rootHash, `${path}.rootHash`),
    treeSize: readUint64(p.treeSize, `${path}.treeSize`),
    hashes: readArray(p.hashes, hashesPath, true).map((h, i) => readBytes(h, jsonPath(hashesPath, i))),
    checkpoint,
  };
}

function readTimestamps(value: unknown): Uint8Array[] {
  if (value === undefined || value === null) return [];
  const path = "verificationMaterial.timestampVerificationData";
  const tvd = readObject(value, path);
  const list = readArray(tvd.rfc3161Timestamps, `${path}.rfc3161Timestamps`, true);
  if (list.length > MAX_BUNDLE_LIST) {
    throw new JsonShapeError(`${path}.rfc3161Timestamps`, `more than ${MAX_BUNDLE_LIST} timestamps`);
  }
  return list.map((t, i) => {
    const p = jsonPath(`${path}.rfc3161Timestamps`, i);
    return readBytes(readObject(t, p).signedTimestamp, `${p}.signedTimestamp`);
  });
}

function readMessageSignature(value: unknown): MessageSignature {
  const m = readObject(value, "messageSignature");
  let messageDigest: MessageSignature["messageDigest"];
  if (m.messageDigest !== undefined && m.messageDigest !== null) {
    const d = readObject(m.messageDigest, "messageSignature.messageDigest");
    messageDigest = {
      algorithm: readString(d.algorithm, "messageSignature.messageDigest.algorithm"),
      digest: readBytes(d.digest, "messageSignature.messageDigest.digest"),
    };
  }
  return {
    kind: "messageSignature",
    messageDigest,
    signature: readBytes(m.signature, "messageSignature.signature"),
  };
}

function readDsse(value: unknown): DsseEnvelope {
  const d = readObject(value, "dsseEnvelope");
  const sigs = readArray(d.signatures, "dsseEnvelope.signatures");
  if (sigs.length !== 1) {
    throw new JsonShapeError(
      "dsseEnvelope.signatures",
      `must hold exactly one signature, found ${sigs.length}`,
    );
  }
  const s = readObject(sigs[0], "dsseEnvelope.signatures[0]");
  return {
    kind: "dsseEnvelope",
    payload: readBytes(d.payload, "dsseEnvelope.payload"),
    payloadType: readString(d.payloadType, "dsseEnvelope.payloadType"),
    signature: readBytes(s.sig, "dsseEnvelope.signatures[0].sig"),
    keyid: readOptionalString(s.keyid, "dsseEnvelope.signatures[0].keyid") ?? "",
  };
}
