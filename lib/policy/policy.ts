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
  /** Expected OIDC issuer (exact); `undefined` only with `unsafeAnyIssuer`. */
  readonly issuer: string | undefined;
  /** Further claims from Fulcio extensions. */
  readonly extensions: readonly ExtensionRequirement[];
  /** Accept any SAN; must be asked for by name. */
  readonly unsafeAnySubject?: boolean;
  /** Accept any OIDC issuer; must be asked for by name. */
  readonly unsafeAnyIssuer?: boolean;
}

/**
 * Checks that a policy pins a signer: an expected SAN (or
 * `unsafeAnySubject: true`), an expected issuer (or `unsafeAnyIssuer: true`),
 * a regular expression that compiles, and well-formed extension
 * requirements. `verifyBundle` runs it before any other step.
 *
 * @param policy The policy to check.
 * @throws {PolicyError} `POLICY_IDENTITY` (subject or regex), `POLICY_ISSUER`
 *   (issuer) or `POLICY_EXTENSION` (a requirement without values).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateIdentityPolicy } from "./policy.ts";
 *
 * validateIdentityPolicy({ subject: { exact: "me@example.com" }, issuer: "https://accounts.google.com", extensions: [] });
 * assert.throws(
 *   () => validateIdentityPolicy({ subject: { exact: "me@example.com" }, issuer: undefined, extensions: [] }),
 *   { code: "POLICY_ISSUER" },
 * );
 * ```
 */
export function validateIdentityPolicy(policy: IdentityPolicy): void {
  if (policy.subject === undefined) {
    if (policy.unsafeAnySubject !== true) {
      throw new PolicyError(
        "POLICY_IDENTITY",
        "No expected identity given: refusing to accept any signer (unsafeAnySubject opts out)",
      );
    }
  } else if ("regex" in policy.subject) {
    compileSubjectRegex(policy.subject.regex);
  } else if (typeof policy.subject.exact !== "string" || policy.subject.exact === "") {
    throw new PolicyError("POLICY_IDENTITY", "The expected identity is empty");
  }
  if (policy.issuer === undefined || policy.issuer === "") {
    if (policy.unsafeAnyIssuer !== true) {
      throw new PolicyError(
        "POLICY_ISSUER",
        "No expected OIDC issuer given: refusing to accept any issuer (unsafeAnyIssuer opts out)",
      );
    }
  }
  for (const req of policy.extensions) {
    if (req.oids.length === 0 || req.oids.length !== req.values.length) {
      throw new PolicyError(
        "POLICY_EXTENSION",
        `Policy requirement ${quote(req.name)} needs one expected value per extension OID`,
      );
    }
  }
}

/**
 * Quotes a value from a certificate or a policy for a message, at most 120
 * characters of it, with JSON escapes (so no line break). `policy/` may not
 * import `encoding/` (style.md §2), whose `quote` also escapes Unicode
 * separators; the CLI escapes every message again when it prints it.
 */
function quote(value: string): string {
  return value.length > 120
    ? `${JSON.stringify(value.slice(0, 120))}… (${value.length - 120} more characters)`
    : JSON.stringify(value);
}

const regexCache = new Map<string, RegExp>();

/** Compiles an anchored SAN pattern; `PolicyError` when it is not a valid regular expression. */
function compileSubjectRegex(source: string): RegExp {
  let re = regexCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${source})$`, "u");
    } catch (e) {
      throw new PolicyError(
        "POLICY_IDENTITY",
        `The expected identity pattern ${quote(source)} is not a valid regular expression: ${
          (e as Error).message
        }`,
      );
    }
    if (regexCache.size > 256) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
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
      `Certificate issuer extensions disagree: ${quote(v1)} (1.3.6.1.4.1.57264.1.1) vs ${
        quote(v2)
      } (1.3.6.1.4.1.57264.1.8)`,
    );
  }
  return v2 ?? v1;
}

function matchesSubject(matcher: SanMatcher, value: string): boolean {
  if ("exact" in matcher) return value === matcher.exact;
  return compileSubjectRegex(matcher.regex).test(value);
}

/**
 * Checks a certificate against a policy. Throws `PolicyError` with code
 * `POLICY_IDENTITY`, `POLICY_ISSUER` or `POLICY_EXTENSION`.
 */
export function verifyIdentityPolicy(cert: Certificate, policy: IdentityPolicy): void {
  validateIdentityPolicy(policy);
  const identities = certificateIdentities(cert);
  // The issuer extensions must agree even when the policy accepts any issuer.
  const issuer = certificateIssuer(cert);
  if (policy.subject !== undefined) {
    const subject = policy.subject;
    if (!identities.some((id) => matchesSubject(subject, id))) {
      const expected = "exact" in subject ? quote(subject.exact) : `/^${subject.regex}$/`;
      throw new PolicyError(
        "POLICY_IDENTITY",
        `Certificate identity does not match: expected ${expected}, found ${
          identities.length ? identities.map((i) => quote(i)).join(", ") : "no identity"
        }`,
      );
    }
  }
  if (policy.issuer !== undefined && policy.issuer !== "") {
    if (issuer !== policy.issuer) {
      throw new PolicyError(
        "POLICY_ISSUER",
        `Certificate OIDC issuer does not match: expected ${quote(policy.issuer)}, found ${
          issuer === undefined ? "no issuer extension" : quote(issuer)
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
          `Certificate ${req.name} does not match: expected ${quote(req.values[i] ?? "")}, found ${
            quote(actual)
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
