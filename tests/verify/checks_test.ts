/**
 * One test per verification check: start from a genuine public-good bundle
 * that verifies, change exactly one thing, and assert the error code of the
 * step that must catch it. Bundles come from the conformance assets
 * (CONFORMANCE_DIR, default ../shared/conformance), read at test time.
 *
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { preAuthEncoding } from "../../lib/bundle/mod.ts";
import { decodeBase64, decodePem, encodeBase64 } from "../../lib/encoding/mod.ts";
import { githubPolicy } from "../../lib/policy/mod.ts";
import { parsePublicKey } from "../../lib/crypto/mod.ts";
import { CONFORMANCE_DIR, conformanceUnavailable } from "../_support/paths.ts";
import { failure, flipBase64, IDENTITY, ISSUER, type Json, outcome } from "./_helpers.ts";

if (CONFORMANCE_DIR === undefined) {
  conformanceUnavailable("tests/verify/checks_test.ts");
} else {
  const tle = (b: Json) => b.verificationMaterial.tlogEntries[0];
  describe("verifyBundle() each check, alone", () => {
    it("accepts the unmodified bundles", async () => {
      for (
        const name of [
          "happy-path-v0.1",
          "happy-path-v0.2",
          "happy-path-v0.3",
          "rekor2-happy-path",
          "happy-path-intoto-in-dsse-v3",
          "rekor2-dsse-happy-path",
        ]
      ) {
        assert.equal(await outcome(name), "OK", name);
      }
    });
    it("policy: a different identity is POLICY_IDENTITY", async () => {
      assert.equal(
        await outcome("happy-path-v0.3", {
          policy: { subject: { exact: `${IDENTITY}x` }, issuer: ISSUER, extensions: [] },
        }),
        "POLICY_IDENTITY",
      );
    });
    it("policy: a prefix of the identity is not a match", async () => {
      assert.equal(
        await outcome("happy-path-v0.3", {
          policy: { subject: { exact: IDENTITY.slice(0, 40) }, issuer: ISSUER, extensions: [] },
        }),
        "POLICY_IDENTITY",
      );
    });
    it("policy: a different issuer is POLICY_ISSUER", async () => {
      assert.equal(
        await outcome("happy-path-v0.3", {
          policy: { subject: { exact: IDENTITY }, issuer: "https://accounts.google.com", extensions: [] },
        }),
        "POLICY_ISSUER",
      );
    });
    it("policy: verify github accepts the right claims and rejects a wrong ref", async () => {
      const good = githubPolicy({
        identity: IDENTITY,
        repository: "sigstore-conformance/extremely-dangerous-public-oidc-beacon",
        ref: "refs/heads/main",
      });
      assert.equal(await outcome("happy-path-v0.3", { policy: good }), "OK");
      assert.equal(
        await outcome("happy-path-v0.3", {
          policy: githubPolicy({ identity: IDENTITY, ref: "refs/heads/other" }),
        }),
        "POLICY_EXTENSION",
      );
      assert.equal(
        await outcome("happy-path-v0.3", {
          policy: githubPolicy({ repository: "sigstore-conformance/other" }),
        }),
        "POLICY_EXTENSION",
      );
    });
    it("certificate: no trusted Fulcio CA is CERT_CHAIN", async () => {
      assert.equal(
        await outcome("happy-path-v0.3", { root: (r) => (r.certificateAuthorities = []) }),
        "CERT_CHAIN",
      );
    });
    it("certificate: a CA not valid at the signing time is CERT_CHAIN", async () => {
      assert.equal(
        await outcome("happy-path-v0.3", {
          root: (r) =>
            r.certificateAuthorities.forEach((ca: Json) => (ca.validFor = { start: "2030-01-01T00:00:00Z" })),
        }),
        "CERT_CHAIN",
      );
    });
    it("tlog: a changed integrated time no longer matches the SET (TLOG_SET)", async () => {
      assert.equal(
        await outcome("happy-path-v0.1", {
          bundle: (b) => (tle(b).integratedTime = String(Number(tle(b).integratedTime) + 3600)),
        }),
        "TLOG_SET",
      );
    });
    it("certificate: a signing time outside the leaf's lifetime is CERT_VALIDITY", async () => {
      // A genuine bundle whose genuine TSA token was requested after the certificate expired.
      assert.equal(await outcome("rekor2-timestamp-with-incorrect-time_fail"), "CERT_VALIDITY");
    });
    it("SCT: no trusted CT log is SCT", async () => {
      assert.equal(await outcome("happy-path-v0.3", { root: (r) => (r.ctlogs = []) }), "SCT");
    });
    it("SCT: a CT log key not valid at the SCT time is SCT", async () => {
      assert.equal(
        await outcome("happy-path-v0.3", {
          root: (r) =>
            r.ctlogs.forEach((l: Json) => (l.publicKey.validFor = { start: "2030-01-01T00:00:00Z" })),
        }),
        "SCT",
      );
    });
    it("tlog: an entry from an unknown log is TLOG_UNKNOWN_LOG", async () => {
      assert.equal(await outcome("happy-path-v0.3", { root: (r) => (r.tlogs = []) }), "TLOG_UNKNOWN_LOG");
    });
    it("tlog: a log key not yet valid at the integrated time is TRUST_KEY_VALIDITY", async () => {
      assert.equal(
        await outcome("happy-path-v0.1", {
          root: (r) =>
            r.tlogs.forEach((l: Json) => (l.publicKey.validFor = { start: "2030-01-01T00:00:00Z" })),
        }),
        "TRUST_KEY_VALIDITY",
      );
    });
    it("tlog: a tampered signed entry timestamp is TLOG_SET", async () => {
      assert.equal(
        await outcome("happy-path-v0.1", {
          bundle: (
            b,
          ) => (tle(b).inclusionPromise.signedEntryTimestamp = flipBase64(
            tle(b).inclusionPromise.signedEntryTimestamp,
            20,
          )),
        }),
        "TLOG_SET",
      );
    });
    it("tlog: a tampered proof hash is TLOG_INCLUSION_PROOF", async () => {
      assert.equal(
        await outcome("happy-path-v0.3", {
          bundle: (b) => (tle(b).inclusionProof.hashes[0] = flipBase64(tle(b).inclusionProof.hashes[0])),
        }),
        "TLOG_INCLUSION_PROOF",
      );
    });
    it("tlog: a wrong proof index is TLOG_INCLUSION_PROOF", async () => {
      assert.equal(
        await outcome("happy-path-v0.3", {
          bundle: (
            b,
          ) => (tle(b).inclusionProof.logIndex = String(Number(tle(b).inclusionProof.logIndex) + 1)),
        }),
        "TLOG_INCLUSION_PROOF",
      );
    });
    it("tlog: a tampered checkpoint signature is TLOG_CHECKPOINT", async () => {
      assert.equal(
        await outcome("happy-path-v0.3", {
          bundle: (b) => {
            const env: string = tle(b).inclusionProof.checkpoint.envelope;
            const [body, sigs] = env.split("\n\n");
            const line = sigs!.split("\n")[0]!;
            const [dash, name, sig] = line.split(" ");
            tle(b).inclusionProof.checkpoint.envelope = `${body}\n\n${dash} ${name} ${
              flipBase64(sig!, 30)
            }\n`;
          },
        }),
        "TLOG_CHECKPOINT",
      );
    });
    it("tlog: a proof root that differs from the checkpoint is TLOG_CHECKPOINT", async () => {
      assert.equal(
        await outcome("happy-path-v0.3", {
          bundle: (b) => (tle(b).inclusionProof.rootHash = flipBase64(tle(b).inclusionProof.rootHash)),
        }),
        "TLOG_CHECKPOINT",
      );
    });
    it("tlog: a Rekor v2 log key with no validity start is TRUST_KEY_VALIDITY", async () => {
      assert.equal(
        await outcome("rekor2-happy-path", {
          root: (r) => r.tlogs.forEach((l: Json) => delete l.publicKey.validFor.start),
        }),
        "TRUST_KEY_VALIDITY",
      );
    });
    it("tlog: an entry whose body names another artifact is TLOG_BODY_MISMATCH", async () => {
      assert.equal(
        await outcome("happy-path-v0.3", { artifact: (a) => new Uint8Array([...a, 0x0a]) }),
        "TLOG_BODY_MISMATCH",
      );
    });
    it("tlog: an unknown entry kind is TLOG_KIND", async () => {
      assert.equal(
        await outcome("happy-path-v0.3", {
          bundle: (b) => (tle(b).kindVersion = { kind: "rekord", version: "0.0.1" }),
        }),
        "TLOG_KIND",
      );
    });
    it("tlog: the same entry twice is BUNDLE_INVALID", async () => {
      assert.equal(
        await outcome("happy-path-v0.3", {
          bundle: (b) => b.verificationMaterial.tlogEntries.push(structuredClone(tle(b))),
        }),
        "BUNDLE_INVALID",
      );
    });
    it("bundle: more than 32 log entries or 32 timestamps is BUNDLE_PARSE", async () => {
      assert.equal(
        await outcome("happy-path-v0.3", {
          bundle: (b) => (b.verificationMaterial.tlogEntries = Array.from({ length: 33 }, () => tle(b))),
        }),
        "BUNDLE_PARSE",
      );
      assert.equal(
        await outcome("rekor2-happy-path", {
          bundle: (b) => {
            const data = b.verificationMaterial.timestampVerificationData;
            data.rfc3161Timestamps = Array.from({ length: 33 }, () => data.rfc3161Timestamps[0]);
          },
        }),
        "BUNDLE_PARSE",
      );
    });
    it("tlog: no entry at all is TLOG_MISSING", async () => {
      assert.equal(
        await outcome("rekor2-happy-path", { bundle: (b) => (b.verificationMaterial.tlogEntries = []) }),
        "TLOG_MISSING",
      );
    });
    it("tlog: an integrated time in the future is TLOG_INTEGRATED_TIME", async () => {
      assert.equal(
        await outcome("happy-path-v0.1", { now: new Date("2020-01-01T00:00:00Z") }),
        "TLOG_INTEGRATED_TIME",
      );
    });
    it("tlog: an unsigned integrated time beyond the range of dates is TLOG_INTEGRATED_TIME", async () => {
      for (const t of ["9223372036854775807", "8640000000001"]) {
        assert.equal(
          await outcome("rekor2-happy-path", { bundle: (b) => (tle(b).integratedTime = t) }),
          "TLOG_INTEGRATED_TIME",
          t,
        );
      }
      // The largest representable second is only refused for lying outside the certificate.
      assert.equal(
        await outcome("rekor2-happy-path", { bundle: (b) => (tle(b).integratedTime = "8640000000000") }),
        "CERT_VALIDITY",
      );
    });
    it("tlog: a signed integrated time beyond the range of dates fails the SET (TLOG_SET)", async () => {
      assert.equal(
        await outcome("happy-path-v0.1", { bundle: (b) => (tle(b).integratedTime = "9223372036854775807") }),
        "TLOG_SET",
      );
    });
    it("options: a CT log threshold below 1 or not whole is CONFIG; above the SCTs present is SCT", async () => {
      for (const ctLogThreshold of [0, -1, 1.5, Number.NaN]) {
        assert.equal(await outcome("happy-path-v0.3", { options: { ctLogThreshold } }), "CONFIG");
      }
      assert.equal(await outcome("happy-path-v0.3", { options: { ctLogThreshold: 1 } }), "OK");
      assert.equal(await outcome("happy-path-v0.3", { options: { ctLogThreshold: 2 } }), "SCT");
    });
    it("options: an invalid now is CONFIG", async () => {
      assert.equal(await outcome("happy-path-v0.3", { now: new Date(Number.NaN) }), "CONFIG");
    });
    it("options: a policy without an issuer is POLICY_ISSUER unless unsafeAnyIssuer", async () => {
      const subject = { exact: IDENTITY };
      assert.equal(
        await outcome("happy-path-v0.3", { policy: { subject, issuer: undefined, extensions: [] } }),
        "POLICY_ISSUER",
      );
      assert.equal(
        await outcome("happy-path-v0.3", { policy: { subject, issuer: "", extensions: [] } }),
        "POLICY_ISSUER",
      );
      assert.equal(
        await outcome("happy-path-v0.3", {
          policy: { subject, issuer: undefined, extensions: [], unsafeAnyIssuer: true },
        }),
        "OK",
      );
      // The opt-out is checked before any other step: a broken bundle still reports the policy.
      assert.equal(
        await outcome("happy-path-v0.3", {
          policy: { subject, issuer: undefined, extensions: [] },
          root: (r) => (r.tlogs = []),
        }),
        "POLICY_ISSUER",
      );
    });
    it("options: a policy without a subject is POLICY_IDENTITY unless unsafeAnySubject", async () => {
      assert.equal(
        await outcome("happy-path-v0.3", { policy: { subject: undefined, issuer: ISSUER, extensions: [] } }),
        "POLICY_IDENTITY",
      );
      assert.equal(
        await outcome("happy-path-v0.3", {
          policy: { subject: undefined, issuer: ISSUER, extensions: [], unsafeAnySubject: true },
        }),
        "OK",
      );
    });
    it("time: a Rekor v2 bundle without a timestamp is TIME_MISSING", async () => {
      assert.equal(
        await outcome("rekor2-happy-path", {
          bundle: (b) => delete b.verificationMaterial.timestampVerificationData,
        }),
        "TIME_MISSING",
      );
    });
    it("timestamp: a tampered RFC 3161 token is TIMESTAMP", async () => {
      assert.equal(
        await outcome("rekor2-happy-path", {
          bundle: (b) => {
            const ts = b.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0];
            const bytes = decodeBase64(ts.signedTimestamp)!;
            bytes[bytes.length - 5]! ^= 1; // inside the signature
            ts.signedTimestamp = encodeBase64(bytes);
          },
        }),
        "TIMESTAMP",
      );
    });
    it("timestamp: a TSA missing from the trust root is TIMESTAMP_UNTRUSTED", async () => {
      assert.equal(
        await outcome("rekor2-happy-path", {
          root: (r) =>
            r.timestampAuthorities.forEach((t: Json) => (t.validFor = { start: "2030-01-01T00:00:00Z" })),
        }),
        "TIMESTAMP_UNTRUSTED",
      );
      assert.equal(
        await outcome("rekor2-happy-path", { root: (r) => (r.timestampAuthorities = []) }),
        "TIMESTAMP_UNTRUSTED",
      );
    });
    it("timestamp: the same token twice is TIMESTAMP", async () => {
      assert.equal(
        await outcome("rekor2-happy-path", {
          bundle: (b) => {
            const list = b.verificationMaterial.timestampVerificationData.rfc3161Timestamps;
            list.push({ ...list[0] });
          },
        }),
        "TIMESTAMP",
      );
    });
    it("in-toto: an artifact that is not a subject is INTOTO_SUBJECT", async () => {
      assert.equal(
        await outcome("happy-path-intoto-in-dsse-v3", {
          artifact: () => new TextEncoder().encode("not the subject"),
        }),
        "INTOTO_SUBJECT",
      );
    });
    it("artifact: a message digest hint that differs is ARTIFACT_DIGEST", async () => {
      assert.equal(
        await outcome("rekor2-happy-path", {
          bundle: (
            b,
          ) => (b.messageSignature.messageDigest.digest = flipBase64(
            b.messageSignature.messageDigest.digest,
            0,
          )),
        }),
        "ARTIFACT_DIGEST",
      );
    });
    it("artifact: a 1 MiB message digest hint is ARTIFACT_DIGEST, in a message of bounded length", async () => {
      const e = await failure("rekor2-happy-path", {
        bundle: (b) => (b.messageSignature.messageDigest.digest = encodeBase64(new Uint8Array(1 << 20))),
      });
      assert.equal(e?.code, "ARTIFACT_DIGEST");
      assert.ok(e.message.length < 400, `${e.message.length} characters`);
    });
    it("signer: a managed-key bundle verified by identity is KEY_MISMATCH, and a certificate bundle by key", async () => {
      assert.equal(await outcome("managed-key-happy-path"), "KEY_MISMATCH");
      const pem = readFileSync(
        `${CONFORMANCE_DIR}/assets/bundle-verify/managed-key-happy-path/key.pub`,
        "utf8",
      );
      const key = parsePublicKey(decodePem(pem)![0]!.der);
      assert.equal(await outcome("managed-key-happy-path", { signer: { kind: "key", key } }), "OK");
      assert.equal(await outcome("happy-path-v0.3", { signer: { kind: "key", key } }), "KEY_MISMATCH");
    });
    it("bundle: a v0.2 chain that carries the intermediate and the root after the leaf verifies", async () => {
      // Bundle spec: verifiers SHOULD ignore extra certificates; the path comes from the trusted root.
      const root = JSON.parse(readFileSync(`${CONFORMANCE_DIR}/production/trusted_root.json`, "utf8"));
      const fulcio = root.certificateAuthorities.at(-1).certChain.certificates;
      assert.equal(
        await outcome("happy-path-v0.2", {
          bundle: (b) => b.verificationMaterial.x509CertificateChain.certificates.push(...fulcio),
        }),
        "OK",
      );
      // Ignored, but still certificates: an element that does not parse makes the bundle malformed.
      assert.equal(
        await outcome("happy-path-v0.2", {
          bundle: (b) => b.verificationMaterial.x509CertificateChain.certificates.push({ rawBytes: "AAAA" }),
        }),
        "CERT_PARSE",
      );
    });
    it("bundle: certificates after the leaf are never anchors (CERT_CHAIN without a trusted CA)", async () => {
      const root = JSON.parse(readFileSync(`${CONFORMANCE_DIR}/production/trusted_root.json`, "utf8"));
      const fulcio = root.certificateAuthorities.at(-1).certChain.certificates;
      assert.equal(
        await outcome("happy-path-v0.2", {
          bundle: (b) => b.verificationMaterial.x509CertificateChain.certificates.push(...fulcio),
          root: (r) => (r.certificateAuthorities = []),
        }),
        "CERT_CHAIN",
      );
    });
  });
  it("preAuthEncoding() matches the DSSE spec's layout", () => {
    assert.equal(
      new TextDecoder().decode(preAuthEncoding("a/b", new Uint8Array([104, 105]))),
      "DSSEv1 3 a/b 2 hi",
    );
  });
}
