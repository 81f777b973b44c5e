/**
 * Identity policies: who must have signed. Matching is exact by default; a
 * regular expression is opt-in and always anchored. The checks read the
 * Fulcio certificate's SAN and its OIDC-issuer and CI-claim extensions.
 *
 * @module
 */

import { PolicyError } from "../errors/mod.ts";
import {
  type Certificate,
  FULCIO_OID,
  readFulcioExtension,
  readSubjectAltNames,
  type SubjectAltName,
} from "../x509/mod.ts";

/** How to match the certificate's subject alternative name. */
export type SanMatcher =
  | { readonly exact: string }
  | { readonly regex: string };

/** One required extension value; `anyOf` lists OIDs any of which may carry it. */
export interface ExtensionRequirement {
  /** Name for messages (`--trigger`, `repository`). */
  readonly name: string;
  /** The OIDs to read; every one present must match, and at least one must be present. */
  readonly oids: readonly string[];
  /** Expected value for each OID (same order as `oids`). */
  readonly values: readonly string[];
}

/** A certificate identity policy. */
export interface IdentityPolicy {
  /** Expected SAN; `undefined` only with `unsafeAnySubject`. */
  readonly subject: SanMatcher | undefined;
  /** Expected OIDC issuer (exact). */
  readonly issuer: string | undefined;
  /** Further claims from Fulcio extensions. */
  readonly extensions: readonly ExtensionRequirement[];
  /** Accept any SAN; must be asked for by name. */
  readonly unsafeAnySubject?: boolean;
}

/** The SAN values of a certificate as strings (email, URI, otherName UTF8String). */
export function certificateIdentities(cert: Certificate): string[] {
  return readSubjectAltNames(cert).flatMap((san: SubjectAltName) => {
    if (san.type === "email" || san.type === "uri" || san.type === "dns") return [san.value];
    if (san.type === "otherName" && san.typeId === "1.3.6.1.4.1.57264.1.7" && san.value !== undefined) {
      return [san.value];
    }
    return [];
  });
}

/** The OIDC issuer in a Fulcio certificate; if both `.1.1` and `.1.8` exist they must agree. */
export function certificateIssuer(cert: Certificate): string | undefined {
  const v1 = readFulcioExtension(cert, FULCIO_OID.issuerV1);
  const v2 = readFulcioExtension(cert, FULCIO_OID.issuerV2);
  if (v1 !== undefined && v2 !== undefined && v1 !== v2) {
    throw new PolicyError(
      "POLICY_ISSUER",
      `Certificate issuer extensions disagree: ${JSON.stringify(v1)} (1.3.6.1.4.1.57264.1.1) vs ${
        JSON.stringify(v2)
      } (1.3.6.1.4.1.57264.1.8)`,
    );
  }
  return v2 ?? v1;
}

function matchesSubject(matcher: SanMatcher, value: string): boolean {
  if ("exact" in matcher) return value === matcher.exact;
  return new RegExp(`^(?:${matcher.regex})$`, "u").test(value);
}

/**
 * Checks a certificate against a policy. Throws `PolicyError` with code
 * `POLICY_IDENTITY`, `POLICY_ISSUER` or `POLICY_EXTENSION`.
 */
export function verifyIdentityPolicy(cert: Certificate, policy: IdentityPolicy): void {
  const identities = certificateIdentities(cert);
  if (policy.subject === undefined) {
    if (policy.unsafeAnySubject !== true) {
      throw new PolicyError("POLICY_IDENTITY", "No expected identity given: refusing to accept any signer");
    }
  } else {
    const subject = policy.subject;
    if (!identities.some((id) => matchesSubject(subject, id))) {
      const expected = "exact" in subject ? JSON.stringify(subject.exact) : `/^${subject.regex}$/`;
      throw new PolicyError(
        "POLICY_IDENTITY",
        `Certificate identity does not match: expected ${expected}, found ${
          identities.length ? identities.map((i) => JSON.stringify(i)).join(", ") : "no identity"
        }`,
      );
    }
  }
  if (policy.issuer !== undefined) {
    const issuer = certificateIssuer(cert);
    if (issuer !== policy.issuer) {
      throw new PolicyError(
        "POLICY_ISSUER",
        `Certificate OIDC issuer does not match: expected ${JSON.stringify(policy.issuer)}, found ${
          issuer === undefined ? "no issuer extension" : JSON.stringify(issuer)
        }`,
      );
    }
  }
  for (const req of policy.extensions) {
    let present = 0;
    req.oids.forEach((oid, i) => {
      const actual = readFulcioExtension(cert, oid);
      if (actual === undefined) return;
      present++;
      if (actual !== req.values[i]) {
        throw new PolicyError(
          "POLICY_EXTENSION",
          `Certificate ${req.name} does not match: expected ${JSON.stringify(req.values[i])}, found ${
            JSON.stringify(actual)
          } (extension ${oid})`,
        );
      }
    });
    if (present === 0) {
      throw new PolicyError(
        "POLICY_EXTENSION",
        `Certificate has no ${req.name} claim (extensions ${req.oids.join(", ")})`,
      );
    }
  }
}
