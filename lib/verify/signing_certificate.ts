/**
 * The Fulcio signing certificate's checks: path validation to a trusted
 * Fulcio CA at every verified time (the "hybrid model": each time must fall
 * in a CA's trust-root window and in every certificate's lifetime), then the
 * embedded SCTs against the trusted CT logs. Used by the verifier and, with
 * the current time, by the signer on the certificate Fulcio returns.
 *
 * @module
 */

import { VerificationError } from "../errors/mod.ts";
import { describePeriod, isValidAt, type TrustedRoot } from "../trust/mod.ts";
import {
  type Certificate,
  OID,
  type SignatureVerdicts,
  verifyCertificateChain,
  verifyEmbeddedScts,
} from "../x509/mod.ts";

/**
 * Validates `leaf` at each of `times` and checks its SCTs (at least
 * `ctLogThreshold` distinct CT logs). Returns the issuer of the leaf.
 * Throws `VerificationError` (`CERT_CHAIN`, `CERT_VALIDITY`, `CERT_PROFILE`, `SCT`).
 */
export async function verifySigningCertificate(
  leaf: Certificate,
  times: readonly Date[],
  root: TrustedRoot,
  ctLogThreshold = 1,
): Promise<Certificate> {
  let issuer: Certificate | undefined;
  const leafVerdicts: SignatureVerdicts = new WeakMap(); // this verification's only: the leaf at each time
  for (const time of times) {
    const candidates = root.certificateAuthorities.filter((ca) => isValidAt(ca.validFor, time));
    if (candidates.length === 0) {
      const windows = root.certificateAuthorities.map((ca) => describePeriod(ca.validFor)).join("; ");
      throw new VerificationError(
        "CERT_CHAIN",
        `No certificate authority in the trusted root is valid at the signing time ${time.toISOString()} (CA windows: ${
          windows || "none"
        })`,
      );
    }
    let lastError: unknown;
    let path: Certificate[] | undefined;
    for (const ca of candidates) {
      try {
        path = await verifyCertificateChain(leaf, ca.certChain, time, {
          leafExtKeyUsage: OID.ekuCodeSigning,
          label: "Fulcio",
          leafVerdicts,
        });
        break;
      } catch (e) {
        lastError = e;
      }
    }
    if (path === undefined) throw lastError;
    issuer = path[1];
  }
  if (issuer === undefined) {
    throw new VerificationError("CERT_CHAIN", "Signing certificate has no issuer in the chain");
  }
  await verifyEmbeddedScts(
    leaf,
    issuer,
    root.ctlogs.map((log) => ({
      logId: log.logId,
      publicKey: log.publicKey,
      ...(log.unusableKeyReason === undefined ? {} : { unusableKeyReason: `: ${log.unusableKeyReason}` }),
      isValidAt: (t: Date) => isValidAt(log.validFor, t),
    })),
    ctLogThreshold,
  );
  return issuer;
}
