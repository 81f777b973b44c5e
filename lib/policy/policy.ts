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
  | {
    /** Matched against the whole SAN: the pattern is wrapped in `^(?:…)$`, so `a|b` cannot match a prefix or suffix. */
    readonly regex: string;
    /** Compare without case (GitHub owner and repository names, as gh does). */
    readonly ignoreCase?: boolean;
  };

/** One required extension value; `anyOf` lists OIDs any of which may carry it. */
export interface ExtensionRequirement {
  /** Name for messages (`--trigger`, `repository`). */
  readonly name: string;
  /** The OIDs to read; every one present must match, and at least one must be present. */
  readonly oids: readonly string[];
  /** Expected value for each OID (same order as `oids`). */
  readonly values: readonly string[];
  /** Compare without case (GitHub owner and repository URLs, as gh does). */
  readonly ignoreCase?: boolean;
}

/** A certificate identity policy. */
export interface IdentityPolicy {
  /** Expected SAN; `undefined` only with `unsafeAnySubject`. */
  readonly subject: SanMatcher | undefined;
  /** Expected OIDC issuer (exact); `undefined` only with `issuerRegex` or `unsafeAnyIssuer`. */
  readonly issuer: string | undefined;
  /** Expected OIDC issuer as a pattern matched against the whole issuer (anchored like `SanMatcher.regex`). */
  readonly issuerRegex?: string;
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
    compileAnchored(policy.subject.regex, policy.subject.ignoreCase === true, "POLICY_IDENTITY", "identity");
  } else if (typeof policy.subject.exact !== "string" || policy.subject.exact === "") {
    throw new PolicyError("POLICY_IDENTITY", "The expected identity is empty");
  }
  if (policy.issuer !== undefined && policy.issuerRegex !== undefined) {
    throw new PolicyError("POLICY_ISSUER", "Give an expected OIDC issuer or an issuer pattern, not both");
  }
  if (policy.issuerRegex !== undefined) {
    compileAnchored(policy.issuerRegex, false, "POLICY_ISSUER", "OIDC issuer");
  } else if (policy.issuer === undefined || policy.issuer === "") {
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

/**
 * Compiles a pattern anchored at both ends (`^(?:…)$`, Unicode mode), so an
 * alternation or a partial pattern can only match a whole value;
 * `PolicyError` with `code` when it is not a valid regular expression.
 */
function compileAnchored(
  source: string,
  ignoreCase: boolean,
  code: "POLICY_IDENTITY" | "POLICY_ISSUER",
  what: string,
): RegExp {
  const key = `${ignoreCase ? "i" : "-"}${source}`;
  let re = regexCache.get(key);
  if (re === undefined) {
    if (typeof source !== "string" || source === "") {
      throw new PolicyError(code, `The expected ${what} pattern is empty`);
    }
    try {
      re = new RegExp(`^(?:${source})$`, ignoreCase ? "ui" : "u");
    } catch (e) {
      throw new PolicyError(
        code,
        `The expected ${what} pattern ${quote(source)} is not a valid regular expression: ${
          (e as Error).message
        }`,
      );
    }
    if (regexCache.size > 256) regexCache.clear();
    regexCache.set(key, re);
  }
  return re;
}

/** A pattern as messages show it, with its anchors and flags. */
function describePattern(source: string, ignoreCase: boolean): string {
  return `/^(?:${source.length > 120 ? `${source.slice(0, 120)}…` : source})$/${ignoreCase ? "i" : ""}`;
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
  return compileAnchored(matcher.regex, matcher.ignoreCase === true, "POLICY_IDENTITY", "identity").test(
    value,
  );
}

function sameValue(actual: string, expected: string, ignoreCase: boolean): boolean {
  return ignoreCase ? actual.toLowerCase() === expected.toLowerCase() : actual === expected;
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
      const expected = "exact" in subject
        ? quote(subject.exact)
        : describePattern(subject.regex, subject.ignoreCase === true);
      throw new PolicyError(
        "POLICY_IDENTITY",
        `Certificate identity does not match: expected ${expected}, found ${
          identities.length ? identities.map((i) => quote(i)).join(", ") : "no identity"
        }`,
      );
    }
  }
  if (policy.issuerRegex !== undefined) {
    const re = compileAnchored(policy.issuerRegex, false, "POLICY_ISSUER", "OIDC issuer");
    if (issuer === undefined || !re.test(issuer)) {
      throw new PolicyError(
        "POLICY_ISSUER",
        `Certificate OIDC issuer does not match: expected ${
          describePattern(policy.issuerRegex, false)
        }, found ${issuer === undefined ? "no issuer extension" : quote(issuer)}`,
      );
    }
  } else if (policy.issuer !== undefined && policy.issuer !== "") {
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
      if (!sameValue(actual, req.values[i] ?? "", req.ignoreCase === true)) {
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

/**
 * Checks a certificate against a list of accepted signers: it passes when
 * any one policy accepts it. Every policy is validated first, so a malformed
 * one is an error even when another would match. When none accepts it, the
 * `PolicyError` carries the first policy's code and names why each refused.
 *
 * @param cert The signing certificate.
 * @param policies The accepted signers (at least one).
 * @returns The index of the first policy that accepts the certificate.
 * @throws {PolicyError} When the list is empty, a policy is malformed, or none accepts the certificate.
 *
 * @example
 * ```ts
 * import { verifyAnyIdentityPolicy } from "./policy.ts";
 * // verifyAnyIdentityPolicy(cert, [{ subject: { exact: "a@example.com" }, issuer: "https://accounts.google.com", extensions: [] },
 * //                               { subject: { exact: "b@example.com" }, issuer: "https://accounts.google.com", extensions: [] }]);
 * ```
 */
export function verifyAnyIdentityPolicy(cert: Certificate, policies: readonly IdentityPolicy[]): number {
  if (policies.length === 0) {
    throw new PolicyError("POLICY_IDENTITY", "No accepted signer given: refusing to accept any signer");
  }
  for (const policy of policies) validateIdentityPolicy(policy);
  if (policies.length === 1) {
    verifyIdentityPolicy(cert, policies[0]!);
    return 0;
  }
  const refusals: PolicyError[] = [];
  for (const [i, policy] of policies.entries()) {
    try {
      verifyIdentityPolicy(cert, policy);
      return i;
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      refusals.push(e);
    }
  }
  throw new PolicyError(
    refusals[0]!.code,
    `Certificate matches none of the ${policies.length} accepted signers: ${
      refusals.map((e, i) => `(${i + 1}) ${e.message}`).join("; ")
    }`,
  );
}
