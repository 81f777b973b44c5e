/**
 * Identity policies on certificates from the test certificate factory:
 * exact and anchored-regex SAN matching, agreement of the two Fulcio issuer
 * extensions (.1.1 raw, .1.8 DER), the opt-outs, and claim requirements.
 *
 * @module
 */

import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { encodeDer, TAG } from "../../lib/der/mod.ts";
import { utf8Encode } from "../../lib/encoding/mod.ts";
import {
  certificateIssuer,
  type IdentityPolicy,
  validateIdentityPolicy,
  verifyIdentityPolicy,
} from "../../lib/policy/mod.ts";
import { type Certificate, FULCIO_OID, OID } from "../../lib/x509/mod.ts";
import { generateKey, issueCertificate, type TestKey } from "../timestamp/_fake_tsa.ts";

const EMAIL = "me@example.com";
const GOOGLE = "https://accounts.google.com";
const GITHUB = "https://github.com/login/oauth";

describe("identity policy", () => {
  let key: TestKey;
  before(async () => {
    key = await generateKey();
  });

  /** A leaf with one email SAN and the given issuer extensions. */
  function leaf(
    options: { san?: string; v1?: string; v2?: string; ref?: string } = {},
  ): Promise<Certificate> {
    const extensions: { oid: string; critical: boolean; value: Uint8Array }[] = [{
      oid: OID.subjectAltName,
      critical: true,
      value: encodeDer(TAG.SEQUENCE, encodeDer(0x81, utf8Encode(options.san ?? EMAIL))),
    }];
    if (options.v1 !== undefined) {
      extensions.push({ oid: FULCIO_OID.issuerV1, critical: false, value: utf8Encode(options.v1) });
    }
    if (options.v2 !== undefined) {
      extensions.push({
        oid: FULCIO_OID.issuerV2,
        critical: false,
        value: encodeDer(TAG.UTF8_STRING, utf8Encode(options.v2)),
      });
    }
    if (options.ref !== undefined) {
      extensions.push({ oid: FULCIO_OID.githubWorkflowRef, critical: false, value: utf8Encode(options.ref) });
    }
    return issueCertificate({
      subject: "",
      issuer: "Test CA",
      serial: 7,
      key,
      issuerKey: key,
      notBefore: new Date("2025-01-01T00:00:00Z"),
      notAfter: new Date("2026-01-01T00:00:00Z"),
      ekus: [OID.ekuCodeSigning],
      extraExtensions: extensions,
    });
  }

  const policy = (
    subject: IdentityPolicy["subject"],
    more: Partial<IdentityPolicy> = {},
  ): IdentityPolicy => ({
    subject,
    issuer: GOOGLE,
    extensions: [],
    ...more,
  });
  const code = (f: () => void): string => {
    try {
      f();
      return "OK";
    } catch (e) {
      return (e as { code: string }).code;
    }
  };

  describe("subject matching", () => {
    it("matches an exact SAN, never a prefix, suffix or case variant", async () => {
      const cert = await leaf({ v2: GOOGLE });
      assert.equal(code(() => verifyIdentityPolicy(cert, policy({ exact: EMAIL }))), "OK");
      for (const other of ["me@example.co", "e@example.com", "ME@example.com", `${EMAIL} `]) {
        assert.equal(
          code(() => verifyIdentityPolicy(cert, policy({ exact: other }))),
          "POLICY_IDENTITY",
          other,
        );
      }
    });
    it("anchors a regular expression at both ends", async () => {
      const cert = await leaf({ v2: GOOGLE });
      assert.equal(code(() => verifyIdentityPolicy(cert, policy({ regex: "me@example\\.com" }))), "OK");
      assert.equal(code(() => verifyIdentityPolicy(cert, policy({ regex: ".*@example\\.com" }))), "OK");
      for (const pattern of ["e@example\\.com", "me@example", "example", "me@example\\.co"]) {
        assert.equal(
          code(() => verifyIdentityPolicy(cert, policy({ regex: pattern }))),
          "POLICY_IDENTITY",
          pattern,
        );
      }
    });
    it("anchors every alternative of a pattern, not just the first and last", async () => {
      const evil = await leaf({ san: "me@example.com.evil.test", v2: GOOGLE });
      assert.equal(
        code(() => verifyIdentityPolicy(evil, policy({ regex: "me@example\\.com|you@example\\.com" }))),
        "POLICY_IDENTITY",
      );
      const good = await leaf({ san: "you@example.com", v2: GOOGLE });
      assert.equal(
        code(() => verifyIdentityPolicy(good, policy({ regex: "me@example\\.com|you@example\\.com" }))),
        "OK",
      );
    });
    it("refuses a pattern that is not a regular expression, before matching", () => {
      assert.throws(() => validateIdentityPolicy(policy({ regex: "(unclosed" })), {
        code: "POLICY_IDENTITY",
        message: /not a valid regular expression/,
      });
    });
    it("refuses a missing or empty subject unless unsafeAnySubject", async () => {
      const cert = await leaf({ v2: GOOGLE });
      assert.equal(code(() => verifyIdentityPolicy(cert, policy(undefined))), "POLICY_IDENTITY");
      assert.equal(code(() => verifyIdentityPolicy(cert, policy({ exact: "" }))), "POLICY_IDENTITY");
      assert.equal(
        code(() => verifyIdentityPolicy(cert, policy(undefined, { unsafeAnySubject: true }))),
        "OK",
      );
    });
  });

  describe("issuer", () => {
    it("reads .1.8, else .1.1", async () => {
      assert.equal(certificateIssuer(await leaf({ v2: GOOGLE })), GOOGLE);
      assert.equal(certificateIssuer(await leaf({ v1: GOOGLE })), GOOGLE);
      assert.equal(certificateIssuer(await leaf({ v1: GOOGLE, v2: GOOGLE })), GOOGLE);
      assert.equal(certificateIssuer(await leaf()), undefined);
    });
    it("refuses a certificate whose .1.1 and .1.8 issuers disagree, whatever the policy", async () => {
      const cert = await leaf({ v1: GITHUB, v2: GOOGLE });
      assert.equal(code(() => certificateIssuer(cert)), "POLICY_ISSUER");
      assert.equal(code(() => verifyIdentityPolicy(cert, policy({ exact: EMAIL }))), "POLICY_ISSUER");
      assert.equal(
        code(() => verifyIdentityPolicy(cert, policy({ exact: EMAIL }, { issuer: GITHUB }))),
        "POLICY_ISSUER",
      );
      assert.equal(
        code(() =>
          verifyIdentityPolicy(cert, policy({ exact: EMAIL }, { issuer: undefined, unsafeAnyIssuer: true }))
        ),
        "POLICY_ISSUER",
      );
    });
    it("matches the issuer exactly", async () => {
      const cert = await leaf({ v1: GOOGLE, v2: GOOGLE });
      assert.equal(code(() => verifyIdentityPolicy(cert, policy({ exact: EMAIL }))), "OK");
      for (const other of [GITHUB, `${GOOGLE}/`, "https://accounts.google.co"]) {
        assert.equal(
          code(() => verifyIdentityPolicy(cert, policy({ exact: EMAIL }, { issuer: other }))),
          "POLICY_ISSUER",
        );
      }
      const bare = await leaf();
      assert.equal(
        code(() => verifyIdentityPolicy(bare, policy({ exact: EMAIL }))),
        "POLICY_ISSUER",
        "a certificate without an issuer extension",
      );
    });
    it("refuses a missing issuer unless unsafeAnyIssuer", async () => {
      const cert = await leaf({ v2: GOOGLE });
      assert.equal(
        code(() => verifyIdentityPolicy(cert, policy({ exact: EMAIL }, { issuer: undefined }))),
        "POLICY_ISSUER",
      );
      assert.equal(
        code(() =>
          verifyIdentityPolicy(cert, policy({ exact: EMAIL }, { issuer: undefined, unsafeAnyIssuer: true }))
        ),
        "OK",
      );
    });
  });

  describe("claims", () => {
    const ref = (value: string) => ({
      name: "workflow ref",
      oids: [FULCIO_OID.githubWorkflowRef, FULCIO_OID.sourceRepositoryRef],
      values: [value, value],
    });
    it("requires a claim present in one extension and equal in every one present", async () => {
      const cert = await leaf({ v2: GOOGLE, ref: "refs/heads/main" });
      assert.equal(
        code(() =>
          verifyIdentityPolicy(cert, policy({ exact: EMAIL }, { extensions: [ref("refs/heads/main")] }))
        ),
        "OK",
      );
      assert.equal(
        code(() =>
          verifyIdentityPolicy(cert, policy({ exact: EMAIL }, { extensions: [ref("refs/heads/mai")] }))
        ),
        "POLICY_EXTENSION",
      );
      const withoutClaim = await leaf({ v2: GOOGLE });
      assert.equal(
        code(() => verifyIdentityPolicy(withoutClaim, policy({ exact: EMAIL }, { extensions: [ref("x")] }))),
        "POLICY_EXTENSION",
      );
    });
    it("refuses a requirement without one value per OID", () => {
      const broken = { name: "broken", oids: [FULCIO_OID.githubWorkflowRef], values: [] };
      assert.throws(() => validateIdentityPolicy(policy({ exact: EMAIL }, { extensions: [broken] })), {
        code: "POLICY_EXTENSION",
      });
    });
  });
});
