/**
 * Verification policy documents (version 1): who may have signed (any of
 * several signers, each an identity or an anchored identity pattern, an
 * issuer or an anchored issuer pattern, and Fulcio claims), which in-toto
 * predicate types are accepted, and how many transparency log entries, CT
 * logs and RFC 3161 timestamps a bundle must carry, and how old the trust
 * (trusted root) in use may be. The same document is
 * read by the CLI (`--policy FILE`) and by the library, and its JSON Schema
 * is `lib/policy/policy.schema.json`.
 *
 * Validation is strict: an unknown key, a wrong type, an empty string or a
 * number out of range is a `ParseError` (`POLICY_PARSE`) naming its JSON
 * path (`signers[0].claims.buildTrigger`).
 *
 * @module
 */

import { ParseError, PolicyError } from "../errors/mod.ts";
import { FULCIO_OID } from "../x509/mod.ts";
import { type ExtensionRequirement, type IdentityPolicy, validateIdentityPolicy } from "./policy.ts";

/** The Fulcio claims a signer may require, each the exact value of one certificate extension. */
export const POLICY_CLAIMS = {
  /** The repository URL, e.g. `https://github.com/owner/repo` (1.3.6.1.4.1.57264.1.12). */
  sourceRepositoryUri: FULCIO_OID.sourceRepositoryUri,
  /** The commit the workflow ran on (1.3.6.1.4.1.57264.1.13). */
  sourceRepositoryDigest: FULCIO_OID.sourceRepositoryDigest,
  /** The git ref, e.g. `refs/heads/main` (1.3.6.1.4.1.57264.1.14). */
  sourceRepositoryRef: FULCIO_OID.sourceRepositoryRef,
  /** The owner's URL, e.g. `https://github.com/owner` (1.3.6.1.4.1.57264.1.16). */
  sourceRepositoryOwnerUri: FULCIO_OID.sourceRepositoryOwnerUri,
  /** The signing workflow, e.g. `https://github.com/o/r/.github/workflows/rel.yml@refs/tags/v1` (…1.9). */
  buildSignerUri: FULCIO_OID.buildSignerUri,
  /** The signing workflow's commit (1.3.6.1.4.1.57264.1.10). */
  buildSignerDigest: FULCIO_OID.buildSignerDigest,
  /** The top-level workflow (1.3.6.1.4.1.57264.1.18). */
  buildConfigUri: FULCIO_OID.buildConfigUri,
  /** The event that triggered the build, e.g. `push` (1.3.6.1.4.1.57264.1.20). */
  buildTrigger: FULCIO_OID.buildTrigger,
  /** `github-hosted` or `self-hosted` (1.3.6.1.4.1.57264.1.11). */
  runnerEnvironment: FULCIO_OID.runnerEnvironment,
} as const;

/** The name of a claim in {@linkcode POLICY_CLAIMS}. */
export type PolicyClaim = keyof typeof POLICY_CLAIMS;

/** One accepted signer: exactly one of `identity`/`identityRegex` and one of `issuer`/`issuerRegex`. */
export interface PolicySigner {
  /** The certificate identity (SAN), matched exactly. */
  readonly identity?: string;
  /** A pattern matched against the whole SAN (anchored: `^(?:…)$`). */
  readonly identityRegex?: string;
  /** The OIDC issuer, matched exactly. */
  readonly issuer?: string;
  /** A pattern matched against the whole OIDC issuer (anchored). */
  readonly issuerRegex?: string;
  /** Fulcio claims, each matched exactly; all must hold. */
  readonly claims?: Readonly<Partial<Record<PolicyClaim, string>>>;
}

/** How many independent witnesses a bundle must carry. */
export interface PolicyThresholds {
  /** Verified transparency log entries (at least 1; default 1). */
  readonly transparencyLogEntries?: number;
  /** Distinct CT logs with a verified SCT in the certificate (at least 1; default 1). */
  readonly certificateTransparencyLogs?: number;
  /** Verified RFC 3161 timestamps (at least 0; default 0). */
  readonly timestamps?: number;
}

/**
 * A verification policy document, version 1.
 *
 * @example
 * ```ts
 * import type { VerificationPolicy } from "./policy_file.ts";
 * const policy: VerificationPolicy = {
 *   version: 1,
 *   signers: [{
 *     identityRegex: "https://github\\.com/octo/app/\\.github/workflows/release\\.yml@refs/tags/v.*",
 *     issuer: "https://token.actions.githubusercontent.com",
 *     claims: { runnerEnvironment: "github-hosted" },
 *   }],
 *   predicateTypes: ["https://slsa.dev/provenance/v1"],
 *   thresholds: { transparencyLogEntries: 1, timestamps: 0 },
 * };
 * ```
 */
export interface VerificationPolicy {
  /** A JSON Schema reference for editors; not interpreted. */
  readonly $schema?: string;
  /** The document version: 1. */
  readonly version: 1;
  /** Accepted signers: the certificate must satisfy any one of them. */
  readonly signers: readonly PolicySigner[];
  /** Accepted in-toto predicate types; when given, the bundle must be an in-toto attestation of one. */
  readonly predicateTypes?: readonly string[];
  /** Required numbers of log entries, CT logs and timestamps. */
  readonly thresholds?: PolicyThresholds;
  /**
   * The oldest trust (trusted root) accepted, as a duration: a whole number
   * and a unit, `s`, `m`, `h`, `d` or `w` (`30d`, `12h`), the syntax of the
   * CLI's `--max-trust-age`. Checked against the trust in use, not the bundle:
   * {@linkcode policyMaxTrustAgeMs} gives it in milliseconds for `checkTrustAge`.
   */
  readonly maxTrustAge?: string;
}

/** The syntax of a trust age: 1 to 7 digits, no leading zero, and a unit. */
const DURATION = /^([1-9][0-9]{0,6})([smhdw])$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: 86400_000, w: 7 * 86400_000 };

/**
 * A policy's maximum trust age in milliseconds, or `undefined` when it sets none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { policyMaxTrustAgeMs } from "./policy_file.ts";
 * assert.equal(policyMaxTrustAgeMs({ version: 1, signers: [], maxTrustAge: "2d" }), 2 * 86400_000);
 * ```
 */
export function policyMaxTrustAgeMs(policy: VerificationPolicy): number | undefined {
  const m = policy.maxTrustAge === undefined ? null : policy.maxTrustAge.match(DURATION);
  return m === null ? undefined : Number(m[1]) * UNIT_MS[m[2]!]!;
}

type Json = unknown;

function fail(path: string, message: string): never {
  throw new ParseError("POLICY_PARSE", `Policy ${path === "" ? "document" : path}: ${message}`);
}

function describe(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function objectAt(value: Json, path: string, keys: readonly string[]): Record<string, Json> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(path, `expected an object, found ${describe(value)}`);
  }
  const record = value as Record<string, Json>;
  for (const key of Object.keys(record)) {
    if (!keys.includes(key)) {
      fail(join(path, key), `unknown key (expected one of: ${keys.join(", ")})`);
    }
  }
  return record;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function stringAt(value: Json, path: string): string {
  if (typeof value !== "string") fail(path, `expected a string, found ${describe(value)}`);
  if (value === "") fail(path, "must not be empty");
  return value;
}

function integerAt(value: Json, path: string, min: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    fail(path, `expected a whole number, found ${describe(value)}`);
  }
  if (value < min) fail(path, `must be at least ${min}, not ${value}`);
  return value;
}

function arrayAt(value: Json, path: string): Json[] {
  if (!Array.isArray(value)) fail(path, `expected an array, found ${describe(value)}`);
  if (value.length === 0) fail(path, "must list at least one item");
  return value;
}

function optional<T>(record: Record<string, Json>, key: string, read: (v: Json) => T): T | undefined {
  return Object.hasOwn(record, key) ? read(record[key]) : undefined;
}

function exactlyOne(record: Record<string, Json>, path: string, a: string, b: string): void {
  const has = [a, b].filter((k) => Object.hasOwn(record, k));
  if (has.length !== 1) {
    fail(path, has.length === 0 ? `needs ${a} or ${b}` : `give ${a} or ${b}, not both`);
  }
}

function readSigner(value: Json, path: string): PolicySigner {
  const record = objectAt(value, path, ["identity", "identityRegex", "issuer", "issuerRegex", "claims"]);
  exactlyOne(record, path, "identity", "identityRegex");
  exactlyOne(record, path, "issuer", "issuerRegex");
  const claims = optional(record, "claims", (v) => {
    const at = join(path, "claims");
    const raw = objectAt(v, at, Object.keys(POLICY_CLAIMS));
    const out: Partial<Record<PolicyClaim, string>> = {};
    for (const [k, claim] of Object.entries(raw)) out[k as PolicyClaim] = stringAt(claim, join(at, k));
    return out;
  });
  const signer: PolicySigner = {
    ...pick("identity", optional(record, "identity", (v) => stringAt(v, join(path, "identity")))),
    ...pick(
      "identityRegex",
      optional(record, "identityRegex", (v) => stringAt(v, join(path, "identityRegex"))),
    ),
    ...pick("issuer", optional(record, "issuer", (v) => stringAt(v, join(path, "issuer")))),
    ...pick("issuerRegex", optional(record, "issuerRegex", (v) => stringAt(v, join(path, "issuerRegex")))),
    ...pick("claims", claims),
  };
  try {
    validateIdentityPolicy(signerIdentityPolicy(signer));
  } catch (e) {
    if (e instanceof PolicyError) fail(path, e.message);
    throw e;
  }
  return signer;
}

function pick<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * Checks a parsed JSON value against the version 1 policy format and returns
 * it as a {@linkcode VerificationPolicy}. Regular expressions are compiled
 * here, so a bad pattern is refused when the policy is loaded.
 *
 * @param value The parsed JSON document.
 * @throws {ParseError} `POLICY_PARSE`, naming the JSON path of the first problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateVerificationPolicy } from "./policy_file.ts";
 *
 * const policy = validateVerificationPolicy({
 *   version: 1,
 *   signers: [{ identity: "me@example.com", issuer: "https://accounts.google.com" }],
 * });
 * assert.equal(policy.signers.length, 1);
 * assert.throws(
 *   () => validateVerificationPolicy({ version: 1, signers: [{ identity: "me@example.com", isuer: "x" }] }),
 *   /signers\[0\]\.isuer: unknown key/,
 * );
 * ```
 */
export function validateVerificationPolicy(value: unknown): VerificationPolicy {
  const root = objectAt(value, "", [
    "$schema",
    "version",
    "signers",
    "predicateTypes",
    "thresholds",
    "maxTrustAge",
  ]);
  if (!Object.hasOwn(root, "version")) fail("version", "missing (this format is version 1)");
  if (root.version !== 1) {
    fail("version", `unsupported version ${JSON.stringify(root.version)?.slice(0, 40)} (expected 1)`);
  }
  const schema = optional(root, "$schema", (v) => stringAt(v, "$schema"));
  if (!Object.hasOwn(root, "signers")) fail("signers", "missing: a policy must name who may sign");
  const signers = arrayAt(root.signers, "signers").map((s, i) => readSigner(s, `signers[${i}]`));
  const predicateTypes = optional(
    root,
    "predicateTypes",
    (v) => arrayAt(v, "predicateTypes").map((t, i) => stringAt(t, `predicateTypes[${i}]`)),
  );
  const thresholds = optional(root, "thresholds", (v): PolicyThresholds => {
    const t = objectAt(v, "thresholds", [
      "transparencyLogEntries",
      "certificateTransparencyLogs",
      "timestamps",
    ]);
    return {
      ...pick(
        "transparencyLogEntries",
        optional(t, "transparencyLogEntries", (n) => integerAt(n, "thresholds.transparencyLogEntries", 1)),
      ),
      ...pick(
        "certificateTransparencyLogs",
        optional(
          t,
          "certificateTransparencyLogs",
          (n) => integerAt(n, "thresholds.certificateTransparencyLogs", 1),
        ),
      ),
      ...pick("timestamps", optional(t, "timestamps", (n) => integerAt(n, "thresholds.timestamps", 0))),
    };
  });
  const maxTrustAge = optional(root, "maxTrustAge", (v) => {
    const text = stringAt(v, "maxTrustAge");
    if (!DURATION.test(text)) {
      fail(
        "maxTrustAge",
        `expected a duration such as 30d, 12h, 90m or 2w, not ${JSON.stringify(text).slice(0, 40)}`,
      );
    }
    return text;
  });
  return {
    ...pick("$schema", schema),
    version: 1,
    signers,
    ...pick("predicateTypes", predicateTypes),
    ...pick("thresholds", thresholds),
    ...pick("maxTrustAge", maxTrustAge),
  };
}

/**
 * The identity policy of one accepted signer: its SAN matcher, issuer (or
 * issuer pattern) and one exact extension requirement per claim.
 *
 * @example
 * ```ts
 * import { signerIdentityPolicy } from "./policy_file.ts";
 * const p = signerIdentityPolicy({ identity: "me@example.com", issuer: "https://accounts.google.com" });
 * ```
 */
export function signerIdentityPolicy(signer: PolicySigner): IdentityPolicy {
  const extensions: ExtensionRequirement[] = Object.entries(signer.claims ?? {}).map(([name, value]) => ({
    name,
    oids: [POLICY_CLAIMS[name as PolicyClaim]],
    values: [value as string],
  }));
  return {
    subject: signer.identityRegex !== undefined
      ? { regex: signer.identityRegex }
      : signer.identity !== undefined
      ? { exact: signer.identity }
      : undefined,
    issuer: signer.issuer,
    ...(signer.issuerRegex === undefined ? {} : { issuerRegex: signer.issuerRegex }),
    extensions,
  };
}
