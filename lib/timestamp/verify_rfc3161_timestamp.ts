/**
 * Verifies an RFC 3161 timestamp over a bundle's signature bytes and finds
 * the trusted timestamp authority that vouches for it (Sigstore client spec
 * "Establish signing time", RFC 3161 §2.4.2, RFC 5652 §5.4 and §5.6).
 *
 * Security notes: the returned time is only as trustworthy as the trust
 * root's `timestampAuthorities`; the request nonce is not compared (callers
 * that sent one compare it with `parseTimestampResponse(...).tstInfo.nonce`);
 * the ESS signingCertificate attribute is not checked, since the signer
 * certificate must chain to a trusted anchor anyway.
 *
 * @module
 */

import { digest, type HashAlgorithm, parsePublicKey, verifySignature } from "../crypto/mod.ts";
import { bytesEqual, describeBytes, encodeHex, quote } from "../encoding/mod.ts";
import { SigstoreError, VerificationError } from "../errors/mod.ts";
import { type CertificateAuthority, describePeriod, isValidAt } from "../trust/mod.ts";
import {
  type Certificate,
  findExtension,
  OID,
  readExtKeyUsage,
  readSubjectKeyIdentifier,
  verifyCertificateChain,
} from "../x509/mod.ts";
import {
  DIGEST_ALGORITHMS,
  SIGNATURE_ALGORITHMS,
  type SignatureFamily,
  TIMESTAMP_OID,
} from "./_algorithms.ts";
import { parseTimestampResponse } from "./parse_timestamp_response.ts";
import type { SignerIdentifier, TimestampResponse } from "./types.ts";

/** The outcome of {@linkcode verifyRfc3161Timestamp}: a verified time and who vouches for it. */
export interface Rfc3161TimestampResult {
  /** `TSTInfo.genTime`, verified. */
  readonly time: Date;
  /** The trust root's timestamp authority whose chain and validity window accepted the token. */
  readonly authority: CertificateAuthority;
}

/** How far one authority's checks got; a failure's stage ranks its reason. */
const Stage = { SignerIdentifier: 0, Signature: 1, Validity: 2, Chain: 3, ExtKeyUsage: 4 } as const;

interface Rejection {
  readonly stage: typeof Stage[keyof typeof Stage];
  readonly reason: string;
}

interface Context {
  readonly response: TimestampResponse;
  readonly hash: HashAlgorithm;
  readonly family: SignatureFamily;
}

function invalid(message: string): never {
  throw new VerificationError("TIMESTAMP", message);
}

/**
 * Verifies an RFC 3161 `TimeStampResp` over `signedBytes` and returns its
 * time with the trusted timestamp authority that vouches for it.
 *
 * Checks, in order (Sigstore client spec §"Establish signing time"):
 * 1. status is granted (0) or grantedWithMods (1), and the token is a CMS
 *    signedData holding a TSTInfo with exactly one SignerInfo;
 * 2. `messageImprint` uses SHA-256, SHA-384 or SHA-512 and equals the hash of
 *    `signedBytes`;
 * 3. the signed attributes hold contentType id-ct-TSTInfo and a
 *    messageDigest equal to the hash (by the SignerInfo's SHA-2
 *    `digestAlgorithm`) of the DER TSTInfo;
 * 4. the SignerInfo signature verifies over the signed attributes (as a SET)
 *    with the key of the signer certificate: the embedded certificate the
 *    SignerInfo names, or else the authority's `certChain[0]` if the
 *    SignerInfo names it;
 * 5. for some authority: `genTime` lies in its `validFor` (closed interval),
 *    the signer certificate chains to its anchor at `genTime` (RFC 5280,
 *    timeStamping allowed along the chain), and the signer's extended key
 *    usage is critical and holds exactly timeStamping (1.3.6.1.5.5.7.3.8).
 *
 * @param timestampResponse The DER `TimeStampResp` (a bundle's
 * `rfc3161Timestamps[].signedTimestamp`).
 * @param signedBytes The timestamped bytes: the bundle's signature
 * (`messageSignature.signature` or the DSSE envelope's signature).
 * @param authorities The trust root's `timestampAuthorities`, tried in order.
 * @returns The verified `genTime` and the first authority that accepts it.
 * @throws {VerificationError} `TIMESTAMP` when the response is malformed or
 * not granted, the imprint or messageDigest do not match, an algorithm is
 * not allowed, or the signature is invalid; `TIMESTAMP_UNTRUSTED` when no
 * authority in `authorities` vouches for the token.
 * @throws {TypeError} When an argument has the wrong type.
 *
 * @example Rejecting a malformed timestamp response
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyRfc3161Timestamp } from "./mod.ts";
 *
 * await assert.rejects(
 *   verifyRfc3161Timestamp(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x02]), new Uint8Array(), []),
 *   { name: "VerificationError", code: "TIMESTAMP" },
 * );
 * ```
 */
export async function verifyRfc3161Timestamp(
  timestampResponse: Uint8Array,
  signedBytes: Uint8Array,
  authorities: readonly CertificateAuthority[],
): Promise<Rfc3161TimestampResult> {
  if (!(timestampResponse instanceof Uint8Array)) {
    throw new TypeError("verifyRfc3161Timestamp() expects the timestamp response as a Uint8Array");
  }
  if (!(signedBytes instanceof Uint8Array)) {
    throw new TypeError("verifyRfc3161Timestamp() expects the signed bytes as a Uint8Array");
  }
  if (!Array.isArray(authorities)) {
    throw new TypeError("verifyRfc3161Timestamp() expects an array of authorities");
  }

  // Spec step 1–2: status granted, signedData with a TSTInfo, one SignerInfo.
  const response = parseTimestampResponse(timestampResponse);
  const { tstInfo, signerInfo } = response;

  // Spec step 3: the imprint uses SHA-2 and covers the signature bytes.
  const imprint = tstInfo.messageImprint;
  const imprintHash = DIGEST_ALGORITHMS[imprint.hashAlgorithm];
  if (imprintHash === undefined) {
    invalid(
      `Timestamp message imprint uses hash algorithm "${imprint.hashAlgorithm}": expected SHA-256, SHA-384 or SHA-512`,
    );
  }
  const expectedImprint = digest(imprintHash, signedBytes);
  if (!bytesEqual(imprint.hashedMessage, expectedImprint)) {
    invalid(
      `Timestamp does not cover the signature: message imprint is ${
        describeBytes(imprint.hashedMessage)
      }, expected ${imprintHash} ${encodeHex(expectedImprint)}`,
    );
  }

  // Spec step 4: signed attributes bind the TSTInfo (RFC 5652 §5.4, §11.1, §11.2).
  if (signerInfo.contentType !== TIMESTAMP_OID.tstInfo) {
    invalid(
      `Timestamp signed attribute contentType is "${signerInfo.contentType}": expected id-ct-TSTInfo "${TIMESTAMP_OID.tstInfo}"`,
    );
  }
  const hash = DIGEST_ALGORITHMS[signerInfo.digestAlgorithm];
  if (hash === undefined) {
    invalid(
      `Timestamp SignerInfo uses digest algorithm "${signerInfo.digestAlgorithm}": expected SHA-256, SHA-384 or SHA-512`,
    );
  }
  const expectedDigest = digest(hash, tstInfo.raw);
  if (!bytesEqual(signerInfo.messageDigest, expectedDigest)) {
    invalid(
      `Timestamp signed attribute messageDigest does not match the TSTInfo: got ${
        describeBytes(signerInfo.messageDigest)
      }, expected ${hash} ${encodeHex(expectedDigest)}`,
    );
  }
  const family = SIGNATURE_ALGORITHMS[signerInfo.signatureAlgorithm];
  if (family === undefined) {
    invalid(`Timestamp SignerInfo uses unsupported signature algorithm "${signerInfo.signatureAlgorithm}"`);
  }
  const context: Context = { response, hash, family };

  // Spec step 4 (signature): an embedded signer certificate is checked before any trust decision.
  const embedded = response.certificates.find((c) => matchesSignerIdentifier(c, signerInfo.sid));
  if (embedded !== undefined) {
    const why = await checkSignature(context, embedded);
    if (why !== undefined) {
      invalid(`Timestamp signature does not verify with the embedded TSA certificate: ${why}`);
    }
  }

  if (authorities.length === 0) {
    throw new VerificationError(
      "TIMESTAMP_UNTRUSTED",
      "No trusted TSA vouches for the timestamp: the trust root has no timestamp authorities",
    );
  }
  // Spec step 5–6: pick the authorities whose chain and validity accept the signer at genTime.
  let best: Rejection | undefined;
  for (const authority of authorities) {
    const rejection = await checkAuthority(context, authority, embedded);
    if (rejection === undefined) return { time: tstInfo.genTime, authority };
    if (best === undefined || rejection.stage >= best.stage) best = rejection;
  }
  if (best!.stage === Stage.Signature) invalid(`Timestamp signature does not verify: ${best!.reason}`);
  throw new VerificationError(
    "TIMESTAMP_UNTRUSTED",
    `No trusted TSA vouches for the timestamp: ${best!.reason}`,
  );
}

/** Tries one authority; `undefined` means it vouches for the token. */
async function checkAuthority(
  context: Context,
  authority: CertificateAuthority,
  embedded: Certificate | undefined,
): Promise<Rejection | undefined> {
  const { tstInfo, signerInfo } = context.response;
  const name = quote(authority.uri);
  let signer: Certificate;
  if (embedded !== undefined) {
    signer = embedded; // already checked; its trust comes from the chain check below
  } else {
    const first = authority.certChain[0];
    if (first === undefined || !matchesSignerIdentifier(first, signerInfo.sid)) {
      return {
        stage: Stage.SignerIdentifier,
        reason:
          `the token names a signer that is not the certificate of TSA ${name} and embeds no certificate for it`,
      };
    }
    const why = await checkSignature(context, first);
    if (why !== undefined) {
      return { stage: Stage.Signature, reason: `with the certificate of TSA ${name}: ${why}` };
    }
    signer = first;
  }

  const time = tstInfo.genTime;
  // Spec step 6: genTime within the authority's validFor (closed interval).
  if (!isValidAt(authority.validFor, time)) {
    return {
      stage: Stage.Validity,
      reason: `genTime ${time.toISOString()} is outside the validity of TSA ${name}: ${
        describePeriod(authority.validFor)
      }`,
    };
  }
  // Spec step 5: the signer chains to the authority's anchor at genTime.
  try {
    await verifyCertificateChain(signer, authority.certChain, time, {
      leafExtKeyUsage: OID.ekuTimeStamping,
      label: "TSA",
    });
  } catch (e) {
    const message = e instanceof SigstoreError ? e.message : String(e);
    return { stage: Stage.Chain, reason: `certificate chain of TSA ${name} rejected at genTime: ${message}` };
  }
  // Spec step 5: EKU exactly timeStamping and critical (RFC 3161 §2.3).
  const ext = findExtension(signer, OID.extKeyUsage);
  let usages: string[] | undefined;
  try {
    usages = readExtKeyUsage(signer);
  } catch (e) {
    return {
      stage: Stage.ExtKeyUsage,
      reason: `TSA certificate extended key usage: ${(e as Error).message}`,
    };
  }
  if (ext === undefined || !ext.critical) {
    return { stage: Stage.ExtKeyUsage, reason: "TSA certificate extended key usage is not marked critical" };
  }
  if (usages === undefined || usages.length !== 1 || usages[0] !== OID.ekuTimeStamping) {
    return {
      stage: Stage.ExtKeyUsage,
      reason: `TSA certificate extended key usage is ${
        JSON.stringify(usages ?? [])
      }: expected exactly ["${OID.ekuTimeStamping}"]`,
    };
  }
  return undefined;
}

/** True when `cert` is the certificate the SignerInfo names. */
function matchesSignerIdentifier(cert: Certificate, sid: SignerIdentifier): boolean {
  if (sid.kind === "issuerAndSerialNumber") {
    return bytesEqual(cert.issuer, sid.issuer) && bytesEqual(cert.serialNumber, sid.serialNumber);
  }
  try {
    const ski = readSubjectKeyIdentifier(cert);
    return ski !== undefined && bytesEqual(ski, sid.keyIdentifier);
  } catch {
    return false;
  }
}

/** Verifies the SignerInfo signature with `cert`'s key; returns why it fails, or `undefined`. */
async function checkSignature(context: Context, cert: Certificate): Promise<string | undefined> {
  const { signerInfo } = context.response;
  let key;
  try {
    key = parsePublicKey(cert.publicKeyInfo);
  } catch (e) {
    return `cannot read its public key: ${(e as Error).message}`;
  }
  const fits = context.family === "ecdsa"
    ? key.kind === "ecdsa"
    : context.family === "ed25519"
    ? key.kind === "ed25519"
    : key.kind === "rsa";
  if (!fits) {
    return `signature algorithm "${signerInfo.signatureAlgorithm}" does not fit its ${key.kind} key`;
  }
  const ok = await verifySignature(key, signerInfo.signedAttributes, signerInfo.signature, {
    hash: context.hash,
    rsaPadding: "pkcs1v15",
    trustRootKey: true,
  });
  return ok ? undefined : "the signature over the signed attributes is invalid";
}
