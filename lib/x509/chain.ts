/**
 * Certificate signatures and RFC 5280 path validation at a given time
 * ("hybrid model": the time is a verified signing time, not now).
 *
 * @module
 */

import { type HashAlgorithm, parsePublicKey, type RsaPadding, verifySignature } from "../crypto/mod.ts";
import { bytesEqual } from "../encoding/mod.ts";
import { VerificationError } from "../errors/mod.ts";
import type { Certificate } from "./certificate.ts";
import { OID, readBasicConstraints, readExtKeyUsage, readKeyUsage } from "./extensions.ts";

const SIGNATURE_ALGORITHMS: Record<string, { hash: HashAlgorithm; padding?: RsaPadding; ed25519?: true }> = {
  "1.2.840.10045.4.3.2": { hash: "sha256" },
  "1.2.840.10045.4.3.3": { hash: "sha384" },
  "1.2.840.10045.4.3.4": { hash: "sha512" },
  "1.2.840.113549.1.1.11": { hash: "sha256", padding: "pkcs1v15" },
  "1.2.840.113549.1.1.12": { hash: "sha384", padding: "pkcs1v15" },
  "1.2.840.113549.1.1.13": { hash: "sha512", padding: "pkcs1v15" },
  "1.3.101.112": { hash: "sha512", ed25519: true },
};

/** True when `issuer`'s key made `cert`'s signature (per `cert.signatureAlgorithm`). */
export async function verifyCertificateSignature(cert: Certificate, issuer: Certificate): Promise<boolean> {
  const alg = SIGNATURE_ALGORITHMS[cert.signatureAlgorithm];
  if (alg === undefined) return false;
  // No verdict is cached: every bundle's certificate is checked afresh (only the
  // trust-root issuer's imported key is kept, by verifySignature's trustRootKey).
  try {
    const key = parsePublicKey(issuer.publicKeyInfo);
    const matches = alg.ed25519
      ? key.kind === "ed25519"
      : alg.padding
      ? key.kind === "rsa"
      : key.kind === "ecdsa";
    return matches &&
      await verifySignature(key, cert.tbs, cert.signature, {
        hash: alg.hash,
        rsaPadding: alg.padding ?? "pkcs1v15",
        trustRootKey: true,
      });
  } catch {
    return false;
  }
}

/** True when `time` is within the certificate's notBefore..notAfter (inclusive). */
export function isCertificateValidAt(cert: Certificate, time: Date): boolean {
  const t = time.getTime();
  return cert.notBefore.getTime() <= t && t <= cert.notAfter.getTime();
}

/** Verdicts on signatures, by certificate and then by issuer (object identity). */
export type SignatureVerdicts = WeakMap<Certificate, WeakMap<Certificate, Promise<boolean>>>;

/** Options of {@linkcode verifyCertificateChain}. */
export interface ChainOptions {
  /** The EKU the leaf must carry (code signing for Fulcio, time stamping for TSAs). */
  readonly leafExtKeyUsage: string;
  /** Name of the chain for messages, such as "Fulcio" or "TSA". */
  readonly label: string;
  /**
   * The leaf's signature verdicts of this one verification, for a caller that
   * validates the same leaf at several times (a signature does not depend on
   * the time): pass the same new map to each call. Never shared between bundles.
   */
  readonly leafVerdicts?: SignatureVerdicts;
}

/**
 * Verdicts on the trusted chain's own signatures (a CA certificate of the
 * trust root signed by the next one). They are a property of the loaded trust
 * root, not of any bundle, so each is checked once per parsed trust root.
 */
const trustedChainVerdicts: SignatureVerdicts = new WeakMap();

/** `verifyCertificateSignature`, remembered in `verdicts`. */
function rememberedSignatureCheck(
  verdicts: SignatureVerdicts,
  cert: Certificate,
  issuer: Certificate,
): Promise<boolean> {
  let byIssuer = verdicts.get(cert);
  if (byIssuer === undefined) verdicts.set(cert, byIssuer = new WeakMap());
  let verdict = byIssuer.get(issuer);
  if (verdict === undefined) byIssuer.set(issuer, verdict = verifyCertificateSignature(cert, issuer));
  return verdict;
}

/**
 * Validates `leaf` up to the anchor (the last element of `trustedChain`),
 * using only the trusted chain's certificates as issuers. Every certificate
 * must be valid at `time`. Returns the path `[leaf, ..., anchor]`.
 * Throws `VerificationError` (`CERT_CHAIN` or `CERT_VALIDITY`).
 */
export async function verifyCertificateChain(
  leaf: Certificate,
  trustedChain: readonly Certificate[],
  time: Date,
  options: ChainOptions,
): Promise<Certificate[]> {
  const { label } = options;
  if (trustedChain.length === 0) throw new VerificationError("CERT_CHAIN", `${label} trust chain is empty`);
  const start = trustedChain.findIndex((c) => bytesEqual(c.subject, leaf.issuer));
  if (start < 0) {
    throw new VerificationError("CERT_CHAIN", `${label} certificate was not issued by a trusted ${label} CA`);
  }
  const path = [leaf, ...trustedChain.slice(start)];
  for (let i = 0; i < path.length; i++) {
    const cert = path[i]!;
    const what = i === 0 ? `${label} leaf certificate` : `${label} CA certificate ${i}`;
    if (!isCertificateValidAt(cert, time)) {
      throw new VerificationError(
        "CERT_VALIDITY",
        `${what} is not valid at ${time.toISOString()}: valid ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}`,
      );
    }
    const issuer = path[i + 1];
    if (issuer === undefined) break; // the anchor is trusted as configured
    if (!bytesEqual(issuer.subject, cert.issuer)) {
      throw new VerificationError(
        "CERT_CHAIN",
        `${what} issuer name does not match the next certificate in the ${label} chain`,
      );
    }
    const bc = readBasicConstraints(issuer);
    if (bc === undefined || !bc.ca) {
      throw new VerificationError("CERT_CHAIN", `${label} issuer certificate ${i + 1} is not a CA`);
    }
    // pathLenConstraint counts the non-self-issued intermediates below the issuer.
    const below = i; // certificates between issuer and leaf, excluding the leaf
    if (bc.pathLength !== undefined && below > bc.pathLength) {
      throw new VerificationError(
        "CERT_CHAIN",
        `${label} chain exceeds the path length constraint of CA certificate ${i + 1}`,
      );
    }
    const ku = readKeyUsage(issuer);
    if (ku !== undefined && !ku.has("keyCertSign")) {
      throw new VerificationError(
        "CERT_CHAIN",
        `${label} issuer certificate ${i + 1} may not sign certificates`,
      );
    }
    const issuerEku = readExtKeyUsage(issuer);
    if (
      issuerEku !== undefined && !issuerEku.includes(options.leafExtKeyUsage) &&
      !issuerEku.includes(OID.ekuAny)
    ) {
      throw new VerificationError(
        "CERT_CHAIN",
        `${label} issuer certificate ${i + 1} does not allow the leaf's key purpose`,
      );
    }
    try {
      parsePublicKey(issuer.publicKeyInfo);
    } catch (e) {
      throw new VerificationError(
        "CERT_CHAIN",
        `${label} issuer certificate ${i + 1} has a key that cannot be used: ${(e as Error).message}`,
        { cause: e },
      );
    }
    const verdict = i > 0
      ? rememberedSignatureCheck(trustedChainVerdicts, cert, issuer) // both from the trusted chain
      : options.leafVerdicts !== undefined
      ? rememberedSignatureCheck(options.leafVerdicts, cert, issuer)
      : verifyCertificateSignature(cert, issuer);
    if (!await verdict) {
      throw new VerificationError("CERT_CHAIN", `${what} signature does not verify with its issuer's key`);
    }
  }
  // RFC 5280 §4.2: a certificate with a critical extension that is not processed must be rejected.
  path.forEach((cert, i) => {
    for (const ext of cert.extensions) {
      if (ext.critical && !PROCESSED_CRITICAL.has(ext.oid)) {
        const what = i === 0 ? `${label} leaf certificate` : `${label} CA certificate ${i}`;
        const name = UNPROCESSED_NAMES[ext.oid];
        throw new VerificationError(
          "CERT_CHAIN",
          `${what} has a critical extension ${
            name === undefined ? ext.oid : `${name} (${ext.oid})`
          } that this verifier does not process`,
        );
      }
    }
  });
  const leafEku = readExtKeyUsage(leaf);
  if (leafEku === undefined || !leafEku.includes(options.leafExtKeyUsage)) {
    throw new VerificationError(
      "CERT_PROFILE",
      `${label} leaf certificate lacks the extended key usage ${options.leafExtKeyUsage}`,
    );
  }
  return path;
}

/**
 * The critical extensions path validation processes: basicConstraints, keyUsage
 * and extKeyUsage here, subjectAltName by the identity policy. Anything else
 * marked critical is refused, among them name constraints and certificate
 * policies (not processed here, so a CA that depends on them is not trusted
 * blindly) and the CT precertificate poison (a precertificate is not a
 * certificate, RFC 6962 §3.1).
 */
const PROCESSED_CRITICAL = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
]);

const UNPROCESSED_NAMES: Readonly<Record<string, string>> = {
  "2.5.29.30": "nameConstraints",
  "2.5.29.32": "certificatePolicies",
  "2.5.29.36": "policyConstraints",
  "2.5.29.54": "inhibitAnyPolicy",
  [OID.ctPoison]: "CT precertificate poison",
};
