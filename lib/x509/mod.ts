/**
 * X.509: certificates from DER, standard extensions, path validation at a
 * given time, embedded SCTs and Fulcio's identity extensions.
 *
 * @module
 */

export { findExtension, parseCertificate } from "./certificate.ts";
export type { Certificate, Extension } from "./certificate.ts";
export {
  OID,
  readBasicConstraints,
  readExtKeyUsage,
  readKeyUsage,
  readSubjectAltNames,
  readSubjectKeyIdentifier,
} from "./extensions.ts";
export type { BasicConstraints, KeyUsage, SubjectAltName } from "./extensions.ts";
export { isCertificateValidAt, verifyCertificateChain, verifyCertificateSignature } from "./chain.ts";
export type { ChainOptions, SignatureVerdicts } from "./chain.ts";
export { parseEmbeddedScts, precertificateTbs, sctSignedData, verifyEmbeddedScts } from "./sct.ts";
export type { CtLogKey, SignedCertificateTimestamp } from "./sct.ts";
export { FULCIO_OID, readCertificateIssuer, readFulcioExtension } from "./fulcio.ts";
