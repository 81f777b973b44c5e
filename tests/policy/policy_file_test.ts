/**
 * Policy documents (version 1): the validator and the published JSON Schema
 * (`lib/policy/policy.schema.json`, checked here with Ajv, an independent
 * JSON Schema implementation) agree on a set of valid and invalid
 * documents; the validator's messages name the JSON path; and the options a
 * policy stands for.
 *
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { policyMaxTrustAgeMs, validateVerificationPolicy } from "../../lib/policy/mod.ts";
import { policyVerifyOptions } from "../../lib/verify/mod.ts";
import { REPO_ROOT } from "../_support/paths.ts";

const SCHEMA = JSON.parse(readFileSync(`${REPO_ROOT}/lib/policy/policy.schema.json`, "utf8"));
const GH = "https://token.actions.githubusercontent.com";
const SIGNER = { identity: "me@example.com", issuer: "https://accounts.google.com" };

/** Valid documents. */
const VALID: Record<string, unknown> = {
  "minimal": { version: 1, signers: [SIGNER] },
  "with $schema": { $schema: "./policy.schema.json", version: 1, signers: [SIGNER] },
  "regex identity and issuer": {
    version: 1,
    signers: [{ identityRegex: "https://github\\.com/o/.*", issuerRegex: "https://token\\.actions\\..*" }],
  },
  "every claim": {
    version: 1,
    signers: [{
      identityRegex: ".*",
      issuer: GH,
      claims: {
        sourceRepositoryUri: "https://github.com/o/r",
        sourceRepositoryDigest: "abc",
        sourceRepositoryRef: "refs/heads/main",
        sourceRepositoryOwnerUri: "https://github.com/o",
        buildSignerUri: "https://github.com/o/r/.github/workflows/w.yml@refs/heads/main",
        buildSignerDigest: "abc",
        buildConfigUri: "https://github.com/o/r/.github/workflows/w.yml@refs/heads/main",
        buildTrigger: "push",
        runnerEnvironment: "github-hosted",
      },
    }],
  },
  "several signers, predicate types and thresholds": {
    version: 1,
    signers: [SIGNER, { identity: "you@example.com", issuer: "https://github.com/login/oauth" }],
    predicateTypes: ["https://slsa.dev/provenance/v1", "https://spdx.dev/Document"],
    thresholds: { transparencyLogEntries: 2, certificateTransparencyLogs: 1, timestamps: 0 },
  },
  "maximum trust age": { version: 1, signers: [SIGNER], maxTrustAge: "30d" },
  "empty thresholds and claims": { version: 1, signers: [{ ...SIGNER, claims: {} }], thresholds: {} },
  "the README's example (testdata/policies/aa-test.policy.json)": JSON.parse(
    readFileSync(`${REPO_ROOT}/testdata/policies/aa-test.policy.json`, "utf8"),
  ),
};

/** Invalid documents, each with the JSON path the validator must name. */
const INVALID: Record<string, [unknown, RegExp]> = {
  "not an object": [[SIGNER], /^Policy document: expected an object, found an array/],
  "no version": [{ signers: [SIGNER] }, /^Policy version: missing/],
  "version 2": [{ version: 2, signers: [SIGNER] }, /^Policy version: unsupported version 2/],
  "version as a string": [{ version: "1", signers: [SIGNER] }, /^Policy version: unsupported version "1"/],
  "unknown top-level key": [{ version: 1, signers: [SIGNER], maxAge: 3 }, /^Policy maxAge: unknown key/],
  "no signers": [{ version: 1 }, /^Policy signers: missing/],
  "empty signers": [{ version: 1, signers: [] }, /^Policy signers: must list at least one item/],
  "signers not an array": [
    { version: 1, signers: SIGNER },
    /^Policy signers: expected an array, found an object/,
  ],
  "signer without identity": [
    { version: 1, signers: [{ issuer: GH }] },
    /^Policy signers\[0\]: needs identity or identityRegex/,
  ],
  "signer with both identities": [
    { version: 1, signers: [{ ...SIGNER, identityRegex: ".*" }] },
    /^Policy signers\[0\]: give identity or identityRegex, not both/,
  ],
  "signer without issuer": [
    { version: 1, signers: [{ identity: "x" }] },
    /^Policy signers\[0\]: needs issuer or issuerRegex/,
  ],
  "signer with both issuers": [
    { version: 1, signers: [{ ...SIGNER, issuerRegex: ".*" }] },
    /^Policy signers\[0\]: give issuer or issuerRegex, not both/,
  ],
  "unknown signer key": [
    { version: 1, signers: [SIGNER, { ...SIGNER, isuer: GH }] },
    /^Policy signers\[1\]\.isuer: unknown key/,
  ],
  "identity a number": [
    { version: 1, signers: [{ ...SIGNER, identity: 7 }] },
    /^Policy signers\[0\]\.identity: expected a string, found a number/,
  ],
  "empty identity": [
    { version: 1, signers: [{ ...SIGNER, identity: "" }] },
    /^Policy signers\[0\]\.identity: must not be empty/,
  ],
  "unknown claim": [
    { version: 1, signers: [{ ...SIGNER, claims: { branch: "main" } }] },
    /^Policy signers\[0\]\.claims\.branch: unknown key/,
  ],
  "claim not a string": [
    { version: 1, signers: [{ ...SIGNER, claims: { buildTrigger: ["push"] } }] },
    /^Policy signers\[0\]\.claims\.buildTrigger: expected a string, found an array/,
  ],
  "claims not an object": [
    { version: 1, signers: [{ ...SIGNER, claims: "x" }] },
    /^Policy signers\[0\]\.claims: expected an object/,
  ],
  "predicateTypes empty": [
    { version: 1, signers: [SIGNER], predicateTypes: [] },
    /^Policy predicateTypes: must list at least one/,
  ],
  "predicateTypes item": [
    { version: 1, signers: [SIGNER], predicateTypes: ["a", null] },
    /^Policy predicateTypes\[1\]: expected a string, found null/,
  ],
  "thresholds unknown key": [
    { version: 1, signers: [SIGNER], thresholds: { tsa: 1 } },
    /^Policy thresholds\.tsa: unknown key/,
  ],
  "tlog threshold 0": [
    { version: 1, signers: [SIGNER], thresholds: { transparencyLogEntries: 0 } },
    /^Policy thresholds\.transparencyLogEntries: must be at least 1, not 0/,
  ],
  "ct threshold fractional": [
    { version: 1, signers: [SIGNER], thresholds: { certificateTransparencyLogs: 1.5 } },
    /^Policy thresholds\.certificateTransparencyLogs: expected a whole number/,
  ],
  "maxTrustAge without a unit": [
    { version: 1, signers: [SIGNER], maxTrustAge: "30" },
    /^Policy maxTrustAge: expected a duration such as 30d/,
  ],
  "maxTrustAge zero": [
    { version: 1, signers: [SIGNER], maxTrustAge: "0d" },
    /^Policy maxTrustAge: expected a duration/,
  ],
  "maxTrustAge in years": [
    { version: 1, signers: [SIGNER], maxTrustAge: "1y" },
    /^Policy maxTrustAge: expected a duration/,
  ],
  "maxTrustAge a number": [
    { version: 1, signers: [SIGNER], maxTrustAge: 30 },
    /^Policy maxTrustAge: expected a string, found a number/,
  ],
  "timestamps negative": [
    { version: 1, signers: [SIGNER], thresholds: { timestamps: -1 } },
    /^Policy thresholds\.timestamps: must be at least 0/,
  ],
  "timestamps a string": [
    { version: 1, signers: [SIGNER], thresholds: { timestamps: "1" } },
    /^Policy thresholds\.timestamps: expected a whole number, found a string/,
  ],
};

describe("policy documents", () => {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, validateFormats: false });
  const schemaAccepts = ajv.compile(SCHEMA);

  for (const [name, doc] of Object.entries(VALID)) {
    it(`valid: ${name} (validator and schema)`, () => {
      assert.deepEqual(validateVerificationPolicy(doc), doc);
      assert.equal(schemaAccepts(doc), true, JSON.stringify(schemaAccepts.errors));
    });
  }
  for (const [name, [doc, message]] of Object.entries(INVALID)) {
    it(`invalid: ${name} (validator names the path; the schema refuses it too)`, () => {
      assert.throws(() => validateVerificationPolicy(doc), (e: Error & { code: string }) => {
        assert.equal(e.code, "POLICY_PARSE");
        assert.match(e.message, message);
        return true;
      });
      assert.equal(schemaAccepts(doc), false, `the schema accepts ${JSON.stringify(doc)}`);
    });
  }

  it("a pattern that is not a regular expression is refused when the policy is loaded", () => {
    assert.throws(
      () => validateVerificationPolicy({ version: 1, signers: [{ identityRegex: "(unclosed", issuer: GH }] }),
      {
        code: "POLICY_PARSE",
        message: /^Policy signers\[0\]: The expected identity pattern "\(unclosed" is not a valid/,
      },
    );
    assert.throws(
      () => validateVerificationPolicy({ version: 1, signers: [{ identity: "x", issuerRegex: "[" }] }),
      { code: "POLICY_PARSE", message: /^Policy signers\[0\]: The expected OIDC issuer pattern/ },
    );
  });

  it("the options a policy stands for: any of its signers, its predicate types and thresholds", () => {
    const options = policyVerifyOptions(VALID["several signers, predicate types and thresholds"]);
    assert.equal(options.signer.kind, "anyOf");
    assert.equal(options.signer.kind === "anyOf" && options.signer.policies.length, 2);
    assert.deepEqual(options.predicateTypes, ["https://slsa.dev/provenance/v1", "https://spdx.dev/Document"]);
    assert.equal(options.tlogThreshold, 2);
    assert.equal(options.ctLogThreshold, 1);
    assert.equal(options.timestampThreshold, 0);
    const minimal = policyVerifyOptions(VALID.minimal);
    assert.deepEqual([minimal.tlogThreshold, minimal.ctLogThreshold, minimal.timestampThreshold], [1, 1, 0]);
    assert.equal(minimal.predicateTypes, undefined);
    assert.equal(policyMaxTrustAgeMs(validateVerificationPolicy(VALID["maximum trust age"])), 30 * 86400_000);
    assert.equal(policyMaxTrustAgeMs(validateVerificationPolicy(VALID.minimal)), undefined);
  });
});
