import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { TransparencyLogEntry } from "../../lib/bundle/mod.ts";
import type { ErrorCode } from "../../lib/errors/mod.ts";
import { ParseError, VerificationError } from "../../lib/errors/mod.ts";
import { verifyTlogEntry } from "../../lib/tlog/mod.ts";
import type { TlogEntryContext } from "../../lib/tlog/mod.ts";
import { bundleVerifyDir, caseNames, flipBit, loadCase } from "./_helpers.ts";
import type { ConformanceCase } from "./_helpers.ts";

function contextOf(c: ConformanceCase, overrides: Partial<TlogEntryContext> = {}): TlogEntryContext {
  return {
    tlogs: c.tlogs,
    content: c.bundle.content,
    signer: c.signer!,
    artifactDigests: c.artifactDigests,
    verifiedTimes: c.timestampTimes,
    ...overrides,
  };
}

async function assertRejects(promise: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof VerificationError, `expected a VerificationError, got ${e}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** Cases whose tlog entries must verify, with the log they come from. */
const ACCEPTED: Record<string, string> = {
  "happy-path-v0.1": "https://rekor.sigstore.dev",
  "happy-path-v0.2": "https://rekor.sigstore.dev",
  "happy-path-v0.3": "https://rekor.sigstore.dev",
  "happy-path-v0.3-new-mediaType": "https://rekor.sigstore.dev",
  "happy-path-intoto-in-dsse-v3": "https://rekor.sigstore.dev",
  "intoto-with-custom-trust-root": "http://localhost:8000",
  "managed-key-happy-path": "https://rekor.sigstore.dev",
  "managed-key-and-trusted-root": "https://rekor.sigstage.dev",
  "trust-root-tlog-validity-end-inclusive": "https://rekor.sigstore.dev",
  "rekor2-happy-path": "https://log2025-alpha1.rekor.sigstage.dev",
  "rekor2-dsse-happy-path": "https://log2025-alpha3.rekor.sigstage.dev",
  "rekor2-checkpoint-cosigned": "https://log2025-alpha1.rekor.sigstage.dev",
  "rekor2-checkpoint-multiple-cosigs": "https://log2025-alpha1.rekor.sigstage.dev",
  "rekor2-checkpoint-origin-not-first": "https://log2025-alpha1.rekor.sigstage.dev",
  "rekor2-checkpoint-two-sigs-cosigned": "https://log2025-alpha1.rekor.sigstage.dev",
  "rekor2-checkpoint-two-sigs-from-origin": "https://log2025-alpha1.rekor.sigstage.dev",
  "rekor2-timestamp-with-embedded-cert": "https://log2025-alpha1.rekor.sigstage.dev",
  "rekor2-timestamp-without-embedded-cert": "https://log2025-alpha1.rekor.sigstage.dev",
  "trust-root-tsa-validity-end-inclusive": "https://log2025-alpha1.rekor.sigstage.dev",
  "bundle-with-sct-with-extensions": "http://rekor-local",
};

/** `_fail` cases this step must reject, with the code it rejects them with. */
const REJECTED: Record<string, ErrorCode> = {
  "checkpoint-bad-keyhint_fail": "TLOG_CHECKPOINT",
  "checkpoint-wrong-roothash_fail": "TLOG_CHECKPOINT",
  "invalid-checkpoint-signature_fail": "TLOG_CHECKPOINT",
  "rekor2-checkpoint-missing-log-signature_fail": "TLOG_CHECKPOINT",
  "rekor2-checkpoint-missing-origin_fail": "TLOG_CHECKPOINT",
  "rekor2-checkpoint-missing-root-hash_fail": "TLOG_CHECKPOINT",
  "rekor2-checkpoint-missing-size_fail": "TLOG_CHECKPOINT",
  "rekor2-checkpoint-no-matching-signature_fail": "TLOG_CHECKPOINT",
  "inclusion-proof-corrupted-hash_fail": "TLOG_INCLUSION_PROOF",
  "set-invalid-signature_fail": "TLOG_SET",
  "wrong-hashedrekord-entry_fail": "TLOG_BODY_MISMATCH",
  "incorrect-public-key_fail": "TLOG_BODY_MISMATCH",
  "dsse-mismatch-envelope_fail": "TLOG_BODY_MISMATCH",
  "dsse-mismatch-sig_fail": "TLOG_BODY_MISMATCH",
  "rekor2-dsse-mismatch-envelope_fail": "TLOG_BODY_MISMATCH",
  "rekor2-dsse-mismatch-sig_fail": "TLOG_BODY_MISMATCH",
  "intoto-log-entry-mismatch_fail": "TLOG_BODY_MISMATCH",
  "trust-root-tlog-missing-validity-start_fail": "TRUST_KEY_VALIDITY",
  "bundle-from-wrong-instance_fail": "TLOG_UNKNOWN_LOG",
  // The entry records another signature, artifact or signer than the bundle carries.
  "signature-mismatch_fail": "TLOG_BODY_MISMATCH",
  "wrong-hashedrekord-artifact_fail": "TLOG_BODY_MISMATCH",
  "wrong-hashedrekord-cert-and-sig_fail": "TLOG_BODY_MISMATCH",
  "wrong-material_fail": "TLOG_BODY_MISMATCH",
  "dsse-invalid-sig_fail": "TLOG_BODY_MISMATCH",
  "rekor2-dsse-invalid-sig_fail": "TLOG_BODY_MISMATCH",
};

describe("verifyTlogEntry() on the conformance bundles", () => {
  const root = bundleVerifyDir();
  if (root === undefined) return;

  it("knows every case it lists", () => {
    const names = new Set(caseNames(root));
    for (const name of [...Object.keys(ACCEPTED), ...Object.keys(REJECTED)]) assert.ok(names.has(name), name);
  });

  for (const [name, baseUrl] of Object.entries(ACCEPTED)) {
    it(`accepts the entry of ${name}`, async () => {
      const c = loadCase(root, name);
      assert.equal(c.bundle.tlogEntries.length, 1);
      const entry = c.bundle.tlogEntries[0]!;
      const result = await verifyTlogEntry(entry, contextOf(c));
      assert.equal(result.log.baseUrl, baseUrl);
      assert.equal(result.kind, entry.kind);
      assert.equal(result.version, entry.kindVersion);
      if (result.rekorVersion === 1) {
        // Every v1 entry here has a SET: the integrated time is verified and is the key-validity time.
        assert.deepEqual(result.integratedTime, new Date(Number(entry.integratedTime) * 1000));
        assert.deepEqual(result.logKeyValidAt, result.integratedTime);
      } else {
        assert.equal(result.integratedTime, undefined);
        assert.ok(result.logKeyValidAt !== undefined);
        assert.equal(result.checkpoint?.treeSize, entry.inclusionProof?.treeSize);
      }
    });
  }

  for (const [name, code] of Object.entries(REJECTED)) {
    it(`rejects ${name} with ${code}`, async () => {
      const c = loadCase(root, name);
      await assertRejects(verifyTlogEntry(c.bundle.tlogEntries[0]!, contextOf(c)), code);
    });
  }

  it("invalid-inclusion-proof_fail: the parser rejects it, and so does this step once it parses as v0.1", async () => {
    assert.throws(() => loadCase(root, "invalid-inclusion-proof_fail"), (e: unknown) => {
      assert.ok(e instanceof ParseError);
      assert.equal(e.code, "BUNDLE_PARSE");
      return true;
    });
    const c = loadCase(root, "happy-path-v0.1");
    const text = JSON.parse(
      readFileSync(join(root, "invalid-inclusion-proof_fail", "bundle.sigstore.json"), "utf8"),
    );
    text.mediaType = "application/vnd.dev.sigstore.bundle+json;version=0.1";
    const patched = loadCase(root, "invalid-inclusion-proof_fail", JSON.stringify(text));
    assert.equal(patched.bundle.tlogEntries[0]!.inclusionProof?.checkpoint, undefined);
    await assertRejects(
      verifyTlogEntry(patched.bundle.tlogEntries[0]!, contextOf({ ...patched, tlogs: c.tlogs })),
      "TLOG_INCLUSION_PROOF",
    );
  });

  it("rekor2-no-inclusion-proof_fail: a Rekor v2 entry without a proof is rejected", async () => {
    const c = loadCase(root, "rekor2-happy-path");
    const entry = { ...c.bundle.tlogEntries[0]!, inclusionProof: undefined };
    await assertRejects(
      verifyTlogEntry(entry, contextOf(c)),
      "TLOG_INCLUSION_PROOF",
      /Rekor v2 entry has no inclusion proof/,
    );
  });

  describe("Rekor v1 variations (happy-path-v0.1)", () => {
    const c = loadCase(root, "happy-path-v0.1");
    const entry = c.bundle.tlogEntries[0]!;
    const proof = entry.inclusionProof!;

    it("accepts a proof without checkpoint when the SET verifies (v0.1), checking the path anyway", async () => {
      const noCheckpoint = { ...entry, inclusionProof: { ...proof, checkpoint: undefined } };
      const result = await verifyTlogEntry(noCheckpoint, contextOf(c));
      assert.equal(result.checkpoint, undefined);
      assert.ok(result.integratedTime);
      const broken = {
        ...noCheckpoint,
        inclusionProof: { ...noCheckpoint.inclusionProof, hashes: proof.hashes.slice(1) },
      };
      await assertRejects(verifyTlogEntry(broken, contextOf(c)), "TLOG_INCLUSION_PROOF");
    });

    it("accepts an entry with only a SET (v0.1)", async () => {
      const result = await verifyTlogEntry({ ...entry, inclusionProof: undefined }, contextOf(c));
      assert.equal(result.integratedTime?.toISOString(), "2023-07-12T15:56:36.000Z");
    });

    it("rejects an entry with neither a verified SET nor a checkpointed proof", async () => {
      await assertRejects(
        verifyTlogEntry(
          { ...entry, signedEntryTimestamp: undefined, inclusionProof: undefined },
          contextOf(c),
        ),
        "TLOG_INCLUSION_PROOF",
      );
      await assertRejects(
        verifyTlogEntry(
          { ...entry, signedEntryTimestamp: undefined, inclusionProof: { ...proof, checkpoint: undefined } },
          contextOf(c),
        ),
        "TLOG_CHECKPOINT",
      );
    });

    it("accepts a checkpointed proof without a SET at a verified time, reporting no integrated time", async () => {
      const at = new Date(Number(entry.integratedTime) * 1000);
      const result = await verifyTlogEntry(
        { ...entry, signedEntryTimestamp: undefined },
        contextOf(c, { verifiedTimes: [at] }),
      );
      assert.equal(result.integratedTime, undefined);
      assert.deepEqual(result.logKeyValidAt, at);
      assert.ok(result.checkpoint);
      // Without a SET and without any verified time, the log key's validity cannot be checked.
      await assertRejects(
        verifyTlogEntry({ ...entry, signedEntryTimestamp: undefined }, contextOf(c, { verifiedTimes: [] })),
        "TRUST_KEY_VALIDITY",
      );
    });

    it("rejects tampered twins of the inclusion proof", async () => {
      const twins: [TransparencyLogEntry, ErrorCode][] = [
        [
          { ...entry, inclusionProof: { ...proof, rootHash: flipBit(proof.rootHash, 0, 0) } },
          "TLOG_CHECKPOINT",
        ],
        [{ ...entry, inclusionProof: { ...proof, treeSize: proof.treeSize + 1n } }, "TLOG_CHECKPOINT"],
        [{ ...entry, inclusionProof: { ...proof, logIndex: proof.logIndex ^ 1n } }, "TLOG_INCLUSION_PROOF"],
        [{
          ...entry,
          inclusionProof: { ...proof, hashes: [flipBit(proof.hashes[0]!, 31, 7), ...proof.hashes.slice(1)] },
        }, "TLOG_INCLUSION_PROOF"],
        [
          { ...entry, inclusionProof: { ...proof, hashes: proof.hashes.slice(0, -1) } },
          "TLOG_INCLUSION_PROOF",
        ],
        [{
          ...entry,
          inclusionProof: { ...proof, checkpoint: proof.checkpoint!.replace("23083062", "23083063") },
        }, "TLOG_CHECKPOINT"],
      ];
      for (const [twin, code] of twins) await assertRejects(verifyTlogEntry(twin, contextOf(c)), code);
    });

    it("rejects an integrated time outside the log key's window", async () => {
      const tlogs = c.tlogs.map((t) => ({
        ...t,
        validFor: { start: new Date("2024-01-01T00:00:00Z"), end: undefined },
      }));
      await assertRejects(verifyTlogEntry(entry, contextOf(c, { tlogs })), "TRUST_KEY_VALIDITY");
    });

    it("rejects an unknown log, an unusable key and an unknown kind", async () => {
      await assertRejects(verifyTlogEntry(entry, contextOf(c, { tlogs: [] })), "TLOG_UNKNOWN_LOG");
      const unusable = c.tlogs.map((t) => ({ ...t, publicKey: undefined }));
      await assertRejects(verifyTlogEntry(entry, contextOf(c, { tlogs: unusable })), "TLOG_UNKNOWN_LOG");
      await assertRejects(
        verifyTlogEntry({ ...entry, kindVersion: "0.0.9" }, contextOf(c)),
        "TLOG_KIND",
        /upgrade/,
      );
    });
  });

  describe("Rekor v2 variations (rekor2-happy-path)", () => {
    const c = loadCase(root, "rekor2-happy-path");
    const entry = c.bundle.tlogEntries[0]!;
    const proof = entry.inclusionProof!;

    it("checks the log key against the verified times", async () => {
      const ok = await verifyTlogEntry(
        entry,
        contextOf(c, { verifiedTimes: [new Date("2020-01-01"), c.timestampTimes[0]!] }),
      );
      assert.deepEqual(ok.logKeyValidAt, c.timestampTimes[0]);
      await assertRejects(
        verifyTlogEntry(entry, contextOf(c, { verifiedTimes: [new Date("2025-01-01T00:00:00Z")] })),
        "TRUST_KEY_VALIDITY",
      );
      await assertRejects(verifyTlogEntry(entry, contextOf(c, { verifiedTimes: [] })), "TRUST_KEY_VALIDITY");
    });

    it("refuses a Rekor v2 entry when no verified time is given: the log key check cannot be skipped", async () => {
      await assertRejects(
        verifyTlogEntry(entry, contextOf(c, { verifiedTimes: undefined })),
        "TRUST_KEY_VALIDITY",
      );
    });

    it("rejects a Rekor v2 entry that carries a SET", async () => {
      await assertRejects(
        verifyTlogEntry({ ...entry, signedEntryTimestamp: new Uint8Array(70) }, contextOf(c)),
        "TLOG_SET",
      );
    });

    it("rejects a proof index that differs from the entry's", async () => {
      await assertRejects(
        verifyTlogEntry({ ...entry, logIndex: entry.logIndex + 1n }, contextOf(c)),
        "TLOG_INCLUSION_PROOF",
        /index/,
      );
    });

    it("rejects a proof without checkpoint", async () => {
      await assertRejects(
        verifyTlogEntry({ ...entry, inclusionProof: { ...proof, checkpoint: undefined } }, contextOf(c)),
        "TLOG_CHECKPOINT",
      );
    });

    it("rejects body bytes that differ from the logged leaf even when every field still matches", async () => {
      // Extra whitespace keeps the JSON fields equal, so only the Merkle leaf hash catches it.
      const body = new TextDecoder().decode(entry.canonicalizedBody).replace('"SHA2_256"', '"SHA2_256" ');
      await assertRejects(
        verifyTlogEntry({ ...entry, canonicalizedBody: new TextEncoder().encode(body) }, contextOf(c)),
        "TLOG_INCLUSION_PROOF",
      );
    });
  });
});
