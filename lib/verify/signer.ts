/**
 * Resolves who signed a bundle: the Fulcio leaf certificate (checked for a
 * code-signing profile) or the managed key the caller supplied.
 *
 * @module
 */

import type { Bundle } from "../bundle/mod.ts";
import { parsePublicKey, type PublicKey } from "../crypto/mod.ts";
import { VerificationError } from "../errors/mod.ts";
import { type Certificate, parseCertificate, readBasicConstraints, readKeyUsage } from "../x509/mod.ts";
import type { SignerPolicy } from "./types.ts";

/** The signer of a bundle. */
export type BundleSigner =
  | {
    readonly kind: "certificate";
    readonly leaf: Certificate;
    readonly key: PublicKey;
    readonly der: Uint8Array;
  }
  | { readonly kind: "key"; readonly key: PublicKey; readonly der: Uint8Array };

/**
 * Returns the bundle's signer. In a v0.1/v0.2 `x509CertificateChain` only
 * the first certificate, the leaf, is used: the bundle spec says verifiers
 * SHOULD ignore the others (intermediates, even the root) or treat them as
 * untrusted, and the path is built only from the trusted root, so they are
 * never used as anchors. They must still be certificates: a chain element
 * that does not parse makes the bundle malformed (`CERT_PARSE`), as in
 * sigstore-go and sigstore-python.
 */
export function resolveSigner(bundle: Bundle, policy: SignerPolicy): BundleSigner {
  const content = bundle.verificationContent;
  if (content.kind === "publicKey") {
    if (policy.kind !== "key") {
      throw new VerificationError(
        "KEY_MISMATCH",
        "Bundle is signed with a managed key, not a certificate: verify it with the signer's public key (--key)",
      );
    }
    return { kind: "key", key: policy.key, der: policy.key.spki };
  }
  if (policy.kind === "key") {
    throw new VerificationError(
      "KEY_MISMATCH",
      "Bundle carries a signing certificate, not a managed key: verify it with an identity and issuer, not --key",
    );
  }
  const [leaf] = (content.kind === "certificate" ? [content.certificate] : content.certificates).map((der) =>
    parseCertificate(der)
  );
  if (leaf === undefined) {
    throw new VerificationError("BUNDLE_INVALID", "Bundle carries no signing certificate");
  }
  const bc = readBasicConstraints(leaf);
  if (bc?.ca === true) throw new VerificationError("CERT_PROFILE", "Signing certificate is a CA certificate");
  const ku = readKeyUsage(leaf);
  if (ku === undefined || !ku.has("digitalSignature")) {
    throw new VerificationError(
      "CERT_PROFILE",
      "Signing certificate's key usage does not allow digital signatures",
    );
  }
  return { kind: "certificate", leaf, key: parsePublicKey(leaf.publicKeyInfo), der: leaf.raw };
}
