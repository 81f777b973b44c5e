/**
 * The classic unanchored-match attacks on SAN and issuer patterns, on
 * certificates from the test certificate factory (a URI SAN and the DER
 * issuer extension, as Fulcio writes them for GitHub Actions): every
 * pattern must match the whole value, so an alternation (`EVIL|x`), a
 * prefix, a suffix, an attacker's branch name or an attacker's issuer host
 * never passes; each attack has its accepted twin. Also any-of signers.
 *
 * @module
 */

import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { encodeDer, TAG } from "../../lib/der/mod.ts";
import { utf8Encode } from "../../lib/encoding/mod.ts";
import {
  escapeRegex,
  githubPolicy,
  type IdentityPolicy,
  verifyAnyIdentityPolicy,
  verifyIdentityPolicy,
} from "../../lib/policy/mod.ts";
import { type Certificate, FULCIO_OID, OID } from "../../lib/x509/mod.ts";
import { generateKey, issueCertificate, type TestKey } from "../timestamp/_fake_tsa.ts";

const ISSUER = "https://token.actions.githubusercontent.com";
const WORKFLOW = "https://github.com/octo/app/.github/workflows/release.yml";
const MAIN = `${WORKFLOW}@refs/heads/main`;

describe("anchored patterns", () => {
  let key: TestKey;
  before(async () => {
    key = await generateKey();
  });

  function leaf(san: string, issuer = ISSUER, extra: Record<string, string> = {}): Promise<Certificate> {
    return issueCertificate({
      subject: "",
      issuer: "Test CA",
      serial: 9,
      key,
      issuerKey: key,
      notBefore: new Date("2025-01-01T00:00:00Z"),
      notAfter: new Date("2026-01-01T00:00:00Z"),
      ekus: [OID.ekuCodeSigning],
      extraExtensions: [
        {
          oid: OID.subjectAltName,
          critical: true,
          value: encodeDer(TAG.SEQUENCE, encodeDer(0x86, utf8Encode(san))),
        },
        { oid: FULCIO_OID.issuerV2, critical: false, value: encodeDer(TAG.UTF8_STRING, utf8Encode(issuer)) },
        ...Object.entries(extra).map(([oid, v]) => ({
          oid,
          critical: false,
          value: encodeDer(TAG.UTF8_STRING, utf8Encode(v)),
        })),
      ],
    });
  }
  let cert0: Certificate | undefined; // the genuine-looking leaf: SAN MAIN, the GitHub issuer
  before(async () => {
    cert0 = await leaf(MAIN);
  });

  const byRegex = (regex: string, more: Partial<IdentityPolicy> = {}): IdentityPolicy => ({
    subject: { regex },
    issuer: ISSUER,
    extensions: [],
    ...more,
  });
  const verdict = (f: () => unknown): string => {
    try {
      f();
      return "OK";
    } catch (e) {
      return (e as { code?: string }).code ?? String(e);
    }
  };

  it("EVIL|x: an alternation cannot match a part of the SAN", async () => {
    const cert = await leaf(MAIN);
    // Unanchored, "EVIL|https://github\.com/octo/" matches any SAN under github.com/octo/.
    assert.equal(
      verdict(() => verifyIdentityPolicy(cert, byRegex("EVIL|https://github\\.com/octo/"))),
      "POLICY_IDENTITY",
    );
    assert.equal(verdict(() => verifyIdentityPolicy(cert, byRegex(`EVIL|${escapeRegex(MAIN)}`))), "OK");
  });

  it("a prefix pattern does not match a longer SAN", async () => {
    const cert = await leaf(MAIN);
    assert.equal(
      verdict(() => verifyIdentityPolicy(cert, byRegex("https://github\\.com/octo/app"))),
      "POLICY_IDENTITY",
    );
    assert.equal(
      verdict(() => verifyIdentityPolicy(cert, byRegex("https://github\\.com/octo/app/.*"))),
      "OK",
    );
  });

  it("a suffix pattern does not match a SAN from another repository", async () => {
    const cert = await leaf("https://github.com/attacker/app/.github/workflows/release.yml@refs/heads/main");
    assert.equal(
      verdict(() =>
        verifyIdentityPolicy(cert, byRegex("app/\\.github/workflows/release\\.yml@refs/heads/main"))
      ),
      "POLICY_IDENTITY",
    );
    assert.equal(
      verdict(() =>
        verifyIdentityPolicy(cert, byRegex(".*/app/\\.github/workflows/release\\.yml@refs/heads/main"))
      ),
      "OK",
    );
  });

  it("an attacker's branch named after the expected one does not match", async () => {
    const pattern = `${escapeRegex(WORKFLOW)}@refs/heads/main`;
    for (const branch of ["main-attacker", "main/evil", "mainline"]) {
      const cert = await leaf(`${WORKFLOW}@refs/heads/${branch}`);
      assert.equal(verdict(() => verifyIdentityPolicy(cert, byRegex(pattern))), "POLICY_IDENTITY", branch);
    }
    assert.equal(verdict(() => verifyIdentityPolicy(cert0!, byRegex(pattern))), "OK");
  });
  it("an issuer pattern matches the whole issuer: no attacker host after it, no prefix", async () => {
    const issuerRegex = escapeRegex(ISSUER);
    const evil = await leaf(MAIN, `${ISSUER}.evil.example`);
    const policy = byRegex(".*", { issuer: undefined, issuerRegex });
    assert.equal(verdict(() => verifyIdentityPolicy(evil, policy)), "POLICY_ISSUER");
    assert.equal(
      verdict(() => verifyIdentityPolicy(evil, { ...policy, issuerRegex: `EVIL|${issuerRegex}` })),
      "POLICY_ISSUER",
    );
    assert.equal(verdict(() => verifyIdentityPolicy(cert0!, policy)), "OK");
    assert.equal(
      verdict(() => verifyIdentityPolicy(cert0!, { ...policy, issuerRegex: "https://token\\.actions" })),
      "POLICY_ISSUER",
    );
  });

  it("an issuer and an issuer pattern together are refused", () => {
    assert.equal(
      verdict(() => verifyIdentityPolicy(cert0!, byRegex(".*", { issuerRegex: ".*" }))),
      "POLICY_ISSUER",
    );
  });

  it("gh --signer-workflow must be followed by @REF; --repo and --owner must be followed by /", async () => {
    const longer = await leaf(
      "https://github.com/octo/app/.github/workflows/release.yml2.yml@refs/heads/main",
    );
    const sibling = await leaf(
      "https://github.com/octo/app-evil/.github/workflows/release.yml@refs/heads/main",
    );
    const wf = githubPolicy({ signerWorkflow: "octo/app/.github/workflows/release.yml" });
    assert.equal(verdict(() => verifyIdentityPolicy(cert0!, wf)), "OK");
    assert.equal(verdict(() => verifyIdentityPolicy(longer, wf)), "POLICY_IDENTITY"); // gh's prefix would accept
    const repo = githubPolicy({ signerRepo: "octo/app" });
    assert.equal(verdict(() => verifyIdentityPolicy(cert0!, repo)), "OK");
    assert.equal(verdict(() => verifyIdentityPolicy(sibling, repo)), "POLICY_IDENTITY");
    // Owner and repository are compared without case, as gh does.
    assert.equal(verdict(() => verifyIdentityPolicy(cert0!, githubPolicy({ signerRepo: "OCTO/App" }))), "OK");
  });

  it("gh --owner and --repo read the source repository extensions, without case", async () => {
    const cert = await leaf(MAIN, ISSUER, {
      [FULCIO_OID.sourceRepositoryOwnerUri]: "https://github.com/octo",
      [FULCIO_OID.sourceRepositoryUri]: "https://github.com/octo/app",
    });
    assert.equal(verdict(() => verifyIdentityPolicy(cert, githubPolicy({ owner: "Octo" }))), "OK");
    assert.equal(verdict(() => verifyIdentityPolicy(cert, githubPolicy({ repo: "octo/APP" }))), "OK");
    // SAN under octo/, but the source repository is another one.
    assert.equal(
      verdict(() => verifyIdentityPolicy(cert, githubPolicy({ repo: "octo/other", signerRepo: "octo/app" }))),
      "POLICY_EXTENSION",
    );
    assert.equal(
      verdict(() => verifyIdentityPolicy(cert, githubPolicy({ owner: "octopus", signerRepo: "octo/app" }))),
      "POLICY_EXTENSION",
    );
    // A certificate without the owner extension does not pass --owner.
    assert.equal(
      verdict(() => verifyIdentityPolicy(cert0!, githubPolicy({ owner: "octo" }))),
      "POLICY_EXTENSION",
    );
  });

  it("gh --deny-self-hosted-runners: github-hosted passes, self-hosted and a missing claim do not", async () => {
    const policy = githubPolicy({ signerRepo: "octo/app", denySelfHostedRunners: true });
    const hosted = await leaf(MAIN, ISSUER, { [FULCIO_OID.runnerEnvironment]: "github-hosted" });
    const selfHosted = await leaf(MAIN, ISSUER, { [FULCIO_OID.runnerEnvironment]: "self-hosted" });
    assert.equal(verdict(() => verifyIdentityPolicy(hosted, policy)), "OK");
    assert.equal(verdict(() => verifyIdentityPolicy(selfHosted, policy)), "POLICY_EXTENSION");
    assert.equal(verdict(() => verifyIdentityPolicy(cert0!, policy)), "POLICY_EXTENSION");
    // Without the flag a self-hosted runner is accepted, as in gh.
    assert.equal(
      verdict(() => verifyIdentityPolicy(selfHosted, githubPolicy({ signerRepo: "octo/app" }))),
      "OK",
    );
  });

  it("any of several signers: the first that accepts wins; none accepting names each refusal", () => {
    const a: IdentityPolicy = { subject: { exact: "https://example.com/a" }, issuer: ISSUER, extensions: [] };
    const b: IdentityPolicy = { subject: { exact: MAIN }, issuer: ISSUER, extensions: [] };
    assert.equal(verifyAnyIdentityPolicy(cert0!, [a, b]), 1);
    assert.throws(() => verifyAnyIdentityPolicy(cert0!, [a, a]), (e: Error & { code: string }) => {
      assert.equal(e.code, "POLICY_IDENTITY");
      assert.match(e.message, /none of the 2 accepted signers: \(1\) .*; \(2\) /);
      return true;
    });
    assert.throws(() => verifyAnyIdentityPolicy(cert0!, []), { code: "POLICY_IDENTITY" });
    // A malformed policy is refused even when another one would accept.
    assert.throws(() => verifyAnyIdentityPolicy(cert0!, [b, byRegex("(unclosed")]), {
      code: "POLICY_IDENTITY",
    });
  });
});
