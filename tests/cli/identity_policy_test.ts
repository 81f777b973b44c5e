/**
 * `verify identity` with any-of identities, anchored identity and issuer
 * patterns, and `--policy FILE`, on genuine bundles; every check with a
 * twin where only that check fails.
 *
 * @module
 */

import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import { describe, it } from "node:test";
import { runCli } from "../_support/cli.ts";
import { TESTDATA } from "../_support/paths.ts";
import { AA, AA_ARTIFACT, AA_TEST, jsonl, line, OTHERS, tamperedSignature } from "./_attestations.ts";

const APPU = `${TESTDATA}/genuine/java-bundle-v3-prod`;
const GOOGLE = "https://accounts.google.com";
const GH = "https://token.actions.githubusercontent.com";
const AA_SAN = `https://github.com/${AA.workflow}@${AA.ref}`;

async function verifyAppu(...flags: string[]) {
  const run = await runCli([
    "verify",
    "identity",
    "--offline",
    "--bundle",
    `${APPU}/bundle.sigstore.json`,
    "--json",
    ...flags,
    `${APPU}/artifact`,
  ]);
  return { ...run, error: JSON.parse(run.stdout || "null")?.results?.[0]?.error };
}

function policyFile(doc: unknown): string {
  const dir = mkdtempSync(`${os.tmpdir()}/sigstore-ts-policy-`);
  writeFileSync(`${dir}/policy.json`, typeof doc === "string" ? doc : JSON.stringify(doc));
  return `${dir}/policy.json`;
}

async function verifyAaWithPolicy(doc: unknown, env: Record<string, string> = {}) {
  const run = await runCli(
    [
      "verify",
      "identity",
      "--offline",
      "--bundle",
      `${AA_TEST}/bundle.sigstore.json`,
      "--json",
      "--policy",
      policyFile(doc),
      AA_ARTIFACT,
    ],
    env,
  );
  return { ...run, error: JSON.parse(run.stdout || "null")?.results?.[0]?.error };
}

describe("verify identity: who may have signed", () => {
  it("--cert-identity repeated: any of them", async () => {
    const ok = await verifyAppu(
      "--cert-identity",
      "someone@example.com",
      "--cert-identity",
      "appu@google.com",
      "--cert-oidc-issuer",
      GOOGLE,
    );
    assert.equal(ok.code, 0, ok.stderr);
    const none = await verifyAppu(
      "--cert-identity",
      "someone@example.com",
      "--cert-identity",
      "appu@google.co",
      "--cert-oidc-issuer",
      GOOGLE,
    );
    assert.equal(none.code, 1);
    assert.equal(none.error.code, "POLICY_IDENTITY");
    assert.match(none.error.message, /none of the 2 accepted signers/);
  });

  it("--cert-identity-regex is anchored: EVIL|x, a prefix and a suffix do not match", async () => {
    assert.equal(
      (await verifyAppu("--cert-identity-regex", "appu@google\\.com", "--cert-oidc-issuer", GOOGLE)).code,
      0,
    );
    assert.equal(
      (await verifyAppu("--cert-identity-regex", "[a-z]+@google\\.com", "--cert-oidc-issuer", GOOGLE)).code,
      0,
    );
    for (const pattern of ["EVIL|appu@", "appu@google", "google\\.com", "EVIL|google\\.com"]) {
      const run = await verifyAppu("--cert-identity-regex", pattern, "--cert-oidc-issuer", GOOGLE);
      assert.equal(run.code, 1, pattern);
      assert.equal(run.error.code, "POLICY_IDENTITY", pattern);
    }
  });

  it("--cert-identity-regex together with --cert-identity: any of them", async () => {
    const run = await verifyAppu(
      "--cert-identity",
      "x@example.com",
      "--cert-identity-regex",
      "appu@.*",
      "--cert-oidc-issuer",
      GOOGLE,
    );
    assert.equal(run.code, 0, run.stderr);
  });

  it("--cert-oidc-issuer-regex is anchored", async () => {
    assert.equal(
      (await verifyAppu(
        "--cert-identity",
        "appu@google.com",
        "--cert-oidc-issuer-regex",
        "https://accounts\\.google\\.com",
      )).code,
      0,
    );
    for (const pattern of ["https://accounts\\.google", "EVIL|https://accounts", "google\\.com"]) {
      const run = await verifyAppu("--cert-identity", "appu@google.com", "--cert-oidc-issuer-regex", pattern);
      assert.equal(run.error?.code, "POLICY_ISSUER", pattern);
    }
  });

  it("usage errors: issuer and issuer pattern together, a bad pattern, --policy with identity flags", async () => {
    const both = await verifyAppu(
      "--cert-identity",
      "appu@google.com",
      "--cert-oidc-issuer",
      GOOGLE,
      "--cert-oidc-issuer-regex",
      ".*",
    );
    assert.equal(both.code, 2);
    const bad = await verifyAppu("--cert-identity-regex", "(", "--cert-oidc-issuer", GOOGLE);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /not a valid regular expression/);
    const mixed = await verifyAppu(
      "--policy",
      policyFile({ version: 1, signers: [{ identity: "x", issuer: "y" }] }),
      "--cert-identity",
      "x",
    );
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /--policy cannot be combined with --cert-identity/);
  });
});

describe("verify identity --policy FILE", () => {
  const signer = {
    identityRegex: "https://github\\.com/loosebazooka/aa-test/\\.github/workflows/[^/]+@refs/heads/main",
    issuer: GH,
  };
  const accepted = {
    version: 1,
    signers: [{ identity: "appu@google.com", issuer: GOOGLE }, signer],
    predicateTypes: ["https://slsa.dev/provenance/v1"],
    thresholds: { transparencyLogEntries: 1, certificateTransparencyLogs: 1, timestamps: 0 },
  };

  it("accepted: the second signer matches, with claims, predicate type and thresholds", async () => {
    const run = await verifyAaWithPolicy({
      ...accepted,
      signers: [accepted.signers[0], {
        ...signer,
        claims: {
          runnerEnvironment: "github-hosted",
          sourceRepositoryRef: AA.ref,
          sourceRepositoryDigest: AA.commit,
        },
      }],
    });
    assert.equal(run.code, 0, run.stderr);
  });

  it("an identity environment default does not mix with --policy", async () => {
    const run = await verifyAaWithPolicy(accepted, { SIGSTORE_CERT_IDENTITY: "appu@google.com" });
    assert.equal(run.code, 0, run.stderr);
  });

  const twins: [string, unknown, string][] = [
    ["no signer matches", {
      ...accepted,
      signers: [accepted.signers[0], {
        ...signer,
        identityRegex: "https://github\\.com/loosebazooka/aa-test/",
      }],
    }, "POLICY_IDENTITY"],
    ["an exact identity with another ref", {
      ...accepted,
      signers: [{ identity: AA_SAN.replace("main", "dev"), issuer: GH }],
    }, "POLICY_IDENTITY"],
    ["the issuer pattern is a prefix", {
      ...accepted,
      signers: [{ identity: AA_SAN, issuerRegex: "https://token\\.actions" }],
    }, "POLICY_ISSUER"],
    ["a claim differs (runner)", {
      ...accepted,
      signers: [{ ...signer, claims: { runnerEnvironment: "self-hosted" } }],
    }, "POLICY_EXTENSION"],
    ["a claim differs (ref)", {
      ...accepted,
      signers: [{ ...signer, claims: { sourceRepositoryRef: "refs/heads/dev" } }],
    }, "POLICY_EXTENSION"],
    [
      "another predicate type",
      { ...accepted, predicateTypes: ["https://spdx.dev/Document"] },
      "PREDICATE_TYPE",
    ],
    ["two log entries required", { ...accepted, thresholds: { transparencyLogEntries: 2 } }, "TLOG_MISSING"],
    ["two CT logs required", { ...accepted, thresholds: { certificateTransparencyLogs: 2 } }, "SCT"],
    ["a timestamp required", { ...accepted, thresholds: { timestamps: 1 } }, "TIMESTAMP"],
  ];
  for (const [name, doc, code] of twins) {
    it(`rejected: ${name}`, async () => {
      const run = await verifyAaWithPolicy(doc);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.error?.code, code, run.stderr);
    });
  }

  it("a JSON Lines bundle file: the policy's predicate types select the lines; a tampered line alone fails", async () => {
    const policy = policyFile(accepted);
    const run = (file: string) =>
      runCli([
        "verify",
        "identity",
        "--offline",
        "--bundle",
        file,
        "--json",
        "--policy",
        policy,
        AA_ARTIFACT,
      ]);
    const ok = await run(jsonl([line(OTHERS.conda), line(AA_TEST)]));
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).results[0].line, 2);
    const tampered = await run(jsonl([line(OTHERS.conda), tamperedSignature()]));
    assert.equal(tampered.code, 1);
    assert.match(JSON.parse(tampered.stdout).results[0].error.message, /line 2: /);
  });

  it("maxTrustAge: the trust in use must be younger (TRUST_STALE otherwise); with --max-trust-age the stricter", async () => {
    // Two hours from now, the test's freshly fetched trust is two hours old.
    const later = new Date(Date.now() + 2 * 3600_000);
    const run = (doc: unknown, ...flags: string[]) =>
      runCli(
        [
          "verify",
          "identity",
          "--offline",
          "--bundle",
          `${AA_TEST}/bundle.sigstore.json`,
          "--policy",
          policyFile(doc),
          ...flags,
          AA_ARTIFACT,
        ],
        {},
        later,
      );
    const young = await run({ ...accepted, maxTrustAge: "3h" });
    assert.equal(young.code, 0, young.stderr);
    const stale = await run({ ...accepted, maxTrustAge: "1h" });
    assert.equal(stale.code, 1, stale.stderr);
    assert.match(stale.stderr, /^error: The trust in use .* old, older than the 1h 0m allowed/);
    assert.doesNotMatch(stale.stderr, /OK:/);
    // With the flag too, the stricter one applies, whichever it is.
    assert.equal((await run({ ...accepted, maxTrustAge: "3h" }, "--max-trust-age", "1h")).code, 1);
    assert.equal((await run({ ...accepted, maxTrustAge: "1h" }, "--max-trust-age", "3h")).code, 1);
    assert.equal((await run({ ...accepted, maxTrustAge: "5h" }, "--max-trust-age", "3h")).code, 0);
  });

  it("an invalid policy file: one line naming the file and the JSON path, nothing verified", async () => {
    const unknown = await verifyAaWithPolicy({ ...accepted, signers: [{ ...signer, claim: {} }] });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error: "[^"]+policy\.json": Policy signers\[0\]\.claim: unknown key/);
    assert.doesNotMatch(unknown.stderr, /OK:/);
    const notJson = await verifyAaWithPolicy("{ version: 1 }");
    assert.equal(notJson.code, 1);
    assert.match(notJson.stderr, /^error: Policy file "[^"]+policy\.json" .*is not valid JSON/);
  });
});
