/**
 * Each conformance `_fail` case must fail for its own reason: the table pins
 * the error code (and a word of the message) that the case's README
 * describes, so a case refused by an earlier, unrelated check (a parse error
 * where a signature check was meant, say) fails here even though the
 * harness, which only looks at the exit status, would pass it. Both artifact
 * modes of the harness (bytes and sha256 digest) are checked.
 *
 * @module
 */

import assert from "node:assert/strict";
import { it } from "node:test";
import type { ErrorCode } from "../lib/errors/mod.ts";
import { describeWithConformance } from "./_support/paths.ts";
import {
  conformanceCaseNames,
  loadConformanceCase,
  verifyCaseOutcome,
} from "./_support/conformance_cases.ts";

/**
 * Why each `_fail` case fails: the code, and a pattern the message must match.
 * The first failing step in verification order decides: transparency log
 * entries (body, SET, checkpoint, proof) are checked before the signature, so
 * a bundle whose signature is not the logged one fails on the log body.
 */
const EXPECTED: Record<string, readonly [ErrorCode, RegExp]> = {
  // The bundle's own shape (bundle spec MUSTs).
  "bundle-empty-certificate-chain_fail": ["BUNDLE_PARSE", /x509CertificateChain\.certificates/],
  "bundle-invalid-base64-signature_fail": ["BUNDLE_PARSE", /messageSignature\.signature: .*base64/],
  "bundle-malformed-json_fail": ["BUNDLE_PARSE", /not valid JSON/],
  "bundle-negative-log-index_fail": ["BUNDLE_PARSE", /logIndex/],
  "bundle-unknown-version_fail": ["BUNDLE_UNSUPPORTED_VERSION", /version=99\.9/],
  // The root after the leaf is ignored, as the bundle spec says verifiers of v0.1/v0.2 chains must (the
  // path is built from the trust root only); what remains is a signer (a@tny.town) that is not the
  // harness's default identity.
  "bundle-with-root-cert_fail": ["POLICY_IDENTITY", /found "a@tny\.town"/],
  "intoto-missing-inclusion-proof_fail": ["BUNDLE_PARSE", /inclusionProof: is required/],
  // An old proof without a checkpoint: v0.2 requires one, so the proof cannot be checked.
  "invalid-inclusion-proof_fail": ["BUNDLE_PARSE", /inclusionProof\.checkpoint: is required/],
  "rekor2-no-inclusion-proof_fail": ["BUNDLE_PARSE", /inclusionProof: is required/],
  // The staging log is not in the production trust root.
  "bundle-from-wrong-instance_fail": ["TLOG_UNKNOWN_LOG", /not in the trusted root/],
  // Log entry body against the bundle.
  "dsse-invalid-sig_fail": ["TLOG_BODY_MISMATCH", /signature differs/],
  "dsse-mismatch-envelope_fail": ["TLOG_BODY_MISMATCH", /signature differs/],
  "dsse-mismatch-sig_fail": ["TLOG_BODY_MISMATCH", /signature differs/],
  "incorrect-public-key_fail": ["TLOG_BODY_MISMATCH", /certificate or public key/],
  "intoto-log-entry-mismatch_fail": ["TLOG_BODY_MISMATCH", /envelope\.signatures/],
  "rekor2-dsse-invalid-sig_fail": ["TLOG_BODY_MISMATCH", /signature differs/],
  "rekor2-dsse-mismatch-envelope_fail": ["TLOG_BODY_MISMATCH", /signature differs/],
  "rekor2-dsse-mismatch-sig_fail": ["TLOG_BODY_MISMATCH", /signature differs/],
  "signature-mismatch_fail": ["TLOG_BODY_MISMATCH", /signature differs/],
  "wrong-hashedrekord-artifact_fail": ["TLOG_BODY_MISMATCH", /signature differs/],
  "wrong-hashedrekord-cert-and-sig_fail": ["TLOG_BODY_MISMATCH", /signature differs/],
  "wrong-hashedrekord-entry_fail": ["TLOG_BODY_MISMATCH", /signature differs/],
  // The artifact is not a.txt: its digest is not the logged one.
  "wrong-material_fail": ["TLOG_BODY_MISMATCH", /artifact sha256 digest differs/],
  // Signed entry timestamp, checkpoint, inclusion proof.
  "set-invalid-signature_fail": ["TLOG_SET", /does not verify/],
  "checkpoint-bad-keyhint_fail": ["TLOG_CHECKPOINT", /key hint/],
  "checkpoint-wrong-roothash_fail": ["TLOG_CHECKPOINT", /root hash does not match/],
  "invalid-checkpoint-signature_fail": ["TLOG_CHECKPOINT", /does not verify/],
  "rekor2-checkpoint-missing-log-signature_fail": ["TLOG_CHECKPOINT", /no signature/],
  "rekor2-checkpoint-missing-origin_fail": ["TLOG_CHECKPOINT", /origin, size and root hash/],
  "rekor2-checkpoint-missing-root-hash_fail": ["TLOG_CHECKPOINT", /origin, size and root hash/],
  "rekor2-checkpoint-missing-size_fail": ["TLOG_CHECKPOINT", /origin, size and root hash/],
  "rekor2-checkpoint-no-matching-signature_fail": ["TLOG_CHECKPOINT", /origin does not match/],
  "inclusion-proof-corrupted-hash_fail": ["TLOG_INCLUSION_PROOF", /root hash/],
  // The trust root's log key window has no start: never valid.
  "trust-root-tlog-missing-validity-start_fail": ["TRUST_KEY_VALIDITY", /no validity start/],
  // RFC 3161 timestamps.
  "rekor2-no-timestamp_fail": ["TIME_MISSING", /no RFC 3161 timestamp/],
  "rekor2-timestamp-payload-mismatch_fail": ["TIMESTAMP", /does not cover the signature/],
  "rekor2-timestamp-outside-trust-root-tsa-validity_fail": ["TIMESTAMP_UNTRUSTED", /outside the validity/],
  "rekor2-timestamp-outside-tsa-cert-validity_fail": ["TIMESTAMP_UNTRUSTED", /not valid at/],
  "rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail": [
    "TIMESTAMP_UNTRUSTED",
    /not issued by a trusted/,
  ],
  "rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail": [
    "TIMESTAMP_UNTRUSTED",
    /embeds no certificate/,
  ],
  // A verified time (integrated time or TSA genTime) outside the leaf's validity.
  "integrated-time-in-future_fail": ["CERT_VALIDITY", /not valid at/],
  "intoto-expired-certificate_fail": ["CERT_VALIDITY", /not valid at/],
  "intoto-set-outside-signing-cert-validity_fail": ["CERT_VALIDITY", /not valid at/],
  "intoto-tsa-timestamp-outside-cert-validity_fail": ["CERT_VALIDITY", /not valid at/],
  "rekor2-timestamp-with-incorrect-time_fail": ["CERT_VALIDITY", /not valid at/],
  // The trust root's CT key was changed, so the SCT's log is unknown.
  "invalid-ct-key_fail": ["SCT", /unknown CT log/],
  // The bundle's digest hint is not the artifact's.
  "message-digest-mismatch_fail": ["ARTIFACT_DIGEST", /digest does not match/],
  // Managed keys: verified by identity; a key.pub that is not a key.
  "managed-key-no-key_fail": ["KEY_MISMATCH", /managed key/],
  "managed-key-wrong-key_fail": ["KEY_PARSE", /key\.pub/],
};

describeWithConformance("conformance _fail cases fail for their own reason", (dir) => {
  const failing = conformanceCaseNames(dir).filter((n) => n.endsWith("_fail"));
  it("the table names every _fail case and nothing else", () => {
    assert.deepEqual(Object.keys(EXPECTED).sort(), failing);
  });
  for (const name of failing) {
    const [code, message] = EXPECTED[name] ?? ["(not in the table)", /^$/];
    for (const mode of ["bytes", "digest"] as const) {
      it(`${name} (${mode}) fails with ${code}`, async () => {
        const outcome = await verifyCaseOutcome(loadConformanceCase(dir, name), mode);
        assert.equal(outcome.code, code, outcome.message);
        assert.match(outcome.message, message);
      });
    }
  }
});
