/**
 * RFC 5280 path validation in verifyCertificateChain(), one check at a time:
 * a root, an intermediate and a code-signing leaf from the test certificate
 * factory, where each case changes exactly one thing of an otherwise valid
 * chain (path length, CA flag, keyCertSign, critical extensions, key size,
 * validity, signature, key purposes).
 *
 * @module
 */

import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { encodeDer, TAG } from "../../lib/der/mod.ts";
import { utf8Encode } from "../../lib/encoding/mod.ts";
import { type Certificate, OID, verifyCertificateChain } from "../../lib/x509/mod.ts";
import {
  type CertificateSpec,
  generateKey,
  generateRsaKey,
  issueCertificate,
  type TestKey,
} from "../timestamp/_fake_tsa.ts";

const AT = new Date("2025-06-01T00:00:00Z");
const VALID = { notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2026-01-01T00:00:00Z") };
const CODE_SIGNING = OID.ekuCodeSigning;
const NAME_CONSTRAINTS = "2.5.29.30";
const CERTIFICATE_POLICIES = "2.5.29.32";
/** An empty SEQUENCE: enough for extensions whose contents are never read. */
const EMPTY_SEQUENCE = encodeDer(TAG.SEQUENCE, new Uint8Array());

type Changes = {
  root?: Partial<CertificateSpec>;
  intermediate?: Partial<CertificateSpec>;
  leaf?: Partial<CertificateSpec>;
};

describe("verifyCertificateChain()", () => {
  let rootKey: TestKey;
  let intermediateKey: TestKey;
  let leafKey: TestKey;
  let otherKey: TestKey;
  let rsa1024: TestKey;
  let rsa2048: TestKey;
  before(async () => {
    [rootKey, intermediateKey, leafKey, otherKey, rsa1024, rsa2048] = await Promise.all([
      generateKey(),
      generateKey(),
      generateKey(),
      generateKey(),
      generateRsaKey(1024),
      generateRsaKey(2048),
    ]);
  });

  /** Builds root → intermediate → leaf with `changes` applied; returns the leaf and the trusted chain. */
  async function chain(changes: Changes = {}): Promise<{ leaf: Certificate; trusted: Certificate[] }> {
    const root = await issueCertificate({
      subject: "Test Root",
      issuer: "Test Root",
      serial: 1,
      key: rootKey,
      issuerKey: rootKey,
      ca: true,
      ...VALID,
      ...changes.root,
    });
    const intermediateSpec: CertificateSpec = {
      subject: "Test Intermediate",
      issuer: "Test Root",
      serial: 2,
      key: intermediateKey,
      issuerKey: changes.root?.key ?? rootKey,
      ca: true,
      ...VALID,
      ...changes.intermediate,
    };
    const intermediate = await issueCertificate(intermediateSpec);
    const leaf = await issueCertificate({
      subject: "",
      issuer: "Test Intermediate",
      serial: 3,
      key: leafKey,
      issuerKey: intermediateSpec.key,
      ekus: [CODE_SIGNING],
      extraExtensions: [{ oid: OID.subjectAltName, critical: true, value: san("me@example.com") }],
      ...VALID,
      ...changes.leaf,
    });
    return { leaf, trusted: [intermediate, root] };
  }

  async function verdict(changes: Changes = {}, at: Date = AT): Promise<string> {
    const { leaf, trusted } = await chain(changes);
    try {
      const path = await verifyCertificateChain(leaf, trusted, at, {
        leafExtKeyUsage: CODE_SIGNING,
        label: "Fulcio",
      });
      assert.equal(path.length, 3);
      return "OK";
    } catch (e) {
      return `${(e as { code?: string }).code}: ${(e as Error).message}`;
    }
  }

  it("accepts the unchanged chain", async () => {
    assert.equal(await verdict(), "OK");
  });

  describe("path length", () => {
    it("accepts a root with pathLenConstraint 1 above one intermediate", async () => {
      assert.equal(await verdict({ root: { pathLength: 1 } }), "OK");
    });
    it("rejects a root with pathLenConstraint 0 above an intermediate", async () => {
      assert.match(
        await verdict({ root: { pathLength: 0 } }),
        /^CERT_CHAIN: .*path length constraint of CA certificate 2/,
      );
    });
    it("does not count the leaf: an intermediate with pathLenConstraint 0 may issue it", async () => {
      assert.equal(await verdict({ intermediate: { pathLength: 0 } }), "OK");
    });
  });

  describe("CA flag", () => {
    it("rejects an issuer without basicConstraints", async () => {
      assert.match(
        await verdict({ intermediate: { omitBasicConstraints: true } }),
        /^CERT_CHAIN: Fulcio issuer certificate 1 is not a CA/,
      );
    });
    it("rejects a root without basicConstraints above the intermediate", async () => {
      assert.match(
        await verdict({ root: { omitBasicConstraints: true } }),
        /^CERT_CHAIN: Fulcio issuer certificate 2 is not a CA/,
      );
    });
  });

  describe("keyCertSign", () => {
    it("rejects an issuer whose key usage lacks keyCertSign", async () => {
      assert.match(
        await verdict({ intermediate: { keyUsage: Uint8Array.of(0x07, 0x80) } }),
        /^CERT_CHAIN: Fulcio issuer certificate 1 may not sign certificates/,
      );
    });
    it("accepts an issuer without a key usage extension (RFC 5280: no restriction)", async () => {
      assert.equal(await verdict({ intermediate: { keyUsage: null } }), "OK");
    });
  });

  describe("critical extensions", () => {
    const extension = (id: string, critical: boolean) => [{ oid: id, critical, value: EMPTY_SEQUENCE }];
    it("rejects an unknown critical extension in the leaf, and accepts it non-critical", async () => {
      const keep = [{ oid: OID.subjectAltName, critical: true, value: san("me@example.com") }];
      assert.match(
        await verdict({ leaf: { extraExtensions: [...keep, ...extension("1.2.3.4.5", true)] } }),
        /^CERT_CHAIN: Fulcio leaf certificate has a critical extension 1\.2\.3\.4\.5 that this verifier does not process/,
      );
      assert.equal(
        await verdict({ leaf: { extraExtensions: [...keep, ...extension("1.2.3.4.5", false)] } }),
        "OK",
      );
    });
    it("rejects an unknown critical extension in an intermediate", async () => {
      assert.match(
        await verdict({ intermediate: { extraExtensions: extension("1.2.3.4.5", true) } }),
        /^CERT_CHAIN: Fulcio CA certificate 1 has a critical extension 1\.2\.3\.4\.5/,
      );
    });
    it("rejects critical name constraints and certificate policies, which it does not process", async () => {
      assert.match(
        await verdict({ intermediate: { extraExtensions: extension(NAME_CONSTRAINTS, true) } }),
        /^CERT_CHAIN: .*nameConstraints \(2\.5\.29\.30\) that this verifier does not process/,
      );
      assert.match(
        await verdict({ root: { extraExtensions: extension(CERTIFICATE_POLICIES, true) } }),
        /^CERT_CHAIN: .*certificatePolicies \(2\.5\.29\.32\)/,
      );
      assert.equal(
        await verdict({ intermediate: { extraExtensions: extension(CERTIFICATE_POLICIES, false) } }),
        "OK",
      );
    });
    it("rejects a precertificate (critical CT poison) as the leaf", async () => {
      const keep = [{ oid: OID.subjectAltName, critical: true, value: san("me@example.com") }];
      const poison = { oid: OID.ctPoison, critical: true, value: Uint8Array.of(0x05, 0x00) };
      assert.match(
        await verdict({ leaf: { extraExtensions: [...keep, poison] } }),
        /^CERT_CHAIN: .*CT precertificate poison/,
      );
    });
  });

  describe("key size", () => {
    it("rejects an issuer with a 1024-bit RSA key, and accepts a 2048-bit one", async () => {
      assert.match(
        await verdict({ intermediate: { key: rsa1024 } }),
        /^CERT_CHAIN: Fulcio issuer certificate 1 has a key that cannot be used: .*RSA key has 1024 bits: at least 2048/,
      );
      assert.equal(await verdict({ intermediate: { key: rsa2048 } }), "OK");
    });
  });

  describe("validity, signature and key purpose", () => {
    it("rejects a time outside the leaf's validity, and outside an intermediate's", async () => {
      assert.match(
        await verdict({}, new Date("2026-01-02T00:00:00Z")),
        /^CERT_VALIDITY: Fulcio leaf certificate/,
      );
      const short = { notBefore: VALID.notBefore, notAfter: new Date("2025-03-01T00:00:00Z") };
      assert.match(await verdict({ intermediate: short }), /^CERT_VALIDITY: Fulcio CA certificate 1/);
    });
    it("rejects a leaf signed by another key than its issuer's", async () => {
      assert.match(
        await verdict({ leaf: { issuerKey: otherKey } }),
        /^CERT_CHAIN: Fulcio leaf certificate signature does not verify/,
      );
    });
    it("rejects a leaf without the code-signing key purpose (CERT_PROFILE)", async () => {
      assert.match(await verdict({ leaf: { ekus: [OID.ekuTimeStamping] } }), /^CERT_PROFILE: /);
    });
    it("rejects an issuer whose key purposes exclude the leaf's", async () => {
      assert.match(
        await verdict({ intermediate: { ekus: [OID.ekuTimeStamping] } }),
        /^CERT_CHAIN: Fulcio issuer certificate 1 does not allow the leaf's key purpose/,
      );
      assert.equal(await verdict({ intermediate: { ekus: [CODE_SIGNING] } }), "OK");
    });
    it("rejects a leaf whose issuer is not in the trusted chain", async () => {
      assert.match(
        await verdict({ leaf: { issuer: "Somebody Else" } }),
        /^CERT_CHAIN: Fulcio certificate was not issued by a trusted Fulcio CA/,
      );
    });
  });
});

/** A subjectAltName with one rfc822Name. */
function san(email: string): Uint8Array {
  return encodeDer(TAG.SEQUENCE, encodeDer(0x81, utf8Encode(email)));
}
