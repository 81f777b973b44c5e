/**
 * Fulcio certificate extensions (OID arc 1.3.6.1.4.1.57264.1): issuer and
 * the CI claims. `.1`–`.6` hold raw UTF-8; `.8` onward hold a DER
 * UTF8String.
 *
 * @module
 */

import { parseDer, TAG } from "../der/mod.ts";
import { utf8Decode } from "../encoding/mod.ts";
import { type Certificate, findExtension } from "./certificate.ts";

/** Fulcio extension OIDs by name. */
export const FULCIO_OID = {
  issuerV1: "1.3.6.1.4.1.57264.1.1",
  githubWorkflowTrigger: "1.3.6.1.4.1.57264.1.2",
  githubWorkflowSha: "1.3.6.1.4.1.57264.1.3",
  githubWorkflowName: "1.3.6.1.4.1.57264.1.4",
  githubWorkflowRepository: "1.3.6.1.4.1.57264.1.5",
  githubWorkflowRef: "1.3.6.1.4.1.57264.1.6",
  issuerV2: "1.3.6.1.4.1.57264.1.8",
  buildSignerUri: "1.3.6.1.4.1.57264.1.9",
  buildSignerDigest: "1.3.6.1.4.1.57264.1.10",
  runnerEnvironment: "1.3.6.1.4.1.57264.1.11",
  sourceRepositoryUri: "1.3.6.1.4.1.57264.1.12",
  sourceRepositoryDigest: "1.3.6.1.4.1.57264.1.13",
  sourceRepositoryRef: "1.3.6.1.4.1.57264.1.14",
  sourceRepositoryIdentifier: "1.3.6.1.4.1.57264.1.15",
  sourceRepositoryOwnerUri: "1.3.6.1.4.1.57264.1.16",
  sourceRepositoryOwnerIdentifier: "1.3.6.1.4.1.57264.1.17",
  buildConfigUri: "1.3.6.1.4.1.57264.1.18",
  buildConfigDigest: "1.3.6.1.4.1.57264.1.19",
  buildTrigger: "1.3.6.1.4.1.57264.1.20",
  runInvocationUri: "1.3.6.1.4.1.57264.1.21",
  sourceRepositoryVisibilityAtSigning: "1.3.6.1.4.1.57264.1.22",
  deploymentEnvironment: "1.3.6.1.4.1.57264.1.23",
  tokenSubject: "1.3.6.1.4.1.57264.1.24",
} as const;

const LEGACY_RAW = new Set<string>([
  FULCIO_OID.issuerV1,
  FULCIO_OID.githubWorkflowTrigger,
  FULCIO_OID.githubWorkflowSha,
  FULCIO_OID.githubWorkflowName,
  FULCIO_OID.githubWorkflowRepository,
  FULCIO_OID.githubWorkflowRef,
]);

/**
 * The text of a Fulcio extension, decoding raw (`.1`–`.6`) or DER UTF8String
 * (`.8`+) values; `undefined` when absent or not valid text.
 */
export function readFulcioExtension(cert: Certificate, oid: string): string | undefined {
  const ext = findExtension(cert, oid);
  if (ext === undefined) return undefined;
  if (LEGACY_RAW.has(oid)) return utf8Decode(ext.value);
  try {
    const node = parseDer(ext.value);
    return node.tag === TAG.UTF8_STRING ? utf8Decode(node.value) : undefined;
  } catch {
    return undefined;
  }
}

/** The OIDC issuer of a Fulcio certificate: `.1.8` if present, else `.1.1`. */
export function readCertificateIssuer(cert: Certificate): string | undefined {
  return readFulcioExtension(cert, FULCIO_OID.issuerV2) ?? readFulcioExtension(cert, FULCIO_OID.issuerV1);
}
