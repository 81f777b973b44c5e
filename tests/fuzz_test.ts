// deno-lint-ignore-file no-explicit-any
/**
 * A short, seeded fuzz run over the genuine bundles and the conformance
 * cases (the long one is scripts/fuzz.ts): every rejection is a
 * SigstoreError with a code and a bounded one-line message, in bounded time,
 * and no mutant of signed bytes verifies. FUZZ_SEED and FUZZ_ITERATIONS
 * change the run; a failure lists each finding with the command that
 * replays it.
 *
 * @module
 */

import assert from "node:assert/strict";
import process from "node:process";
import { describe, it } from "node:test";
import { ParseError, VerificationError } from "../lib/errors/mod.ts";
import { describeFinding, fuzz, type FuzzBase, loadCorpus, loadTrustDocuments } from "./_support/fuzz.ts";
import { type Json, mutateBundle, seededRandom } from "./_support/fuzz_mutate.ts";
import { badRejection, changedSignedFields, wrongDigestHint } from "./_support/fuzz_oracle.ts";
import { CONFORMANCE_DIR, conformanceUnavailable } from "./_support/paths.ts";
import { testsUnavailable } from "./_support/unavailable.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 1000);
const NOW = new Date();

let corpus: Promise<FuzzBase[]> | undefined;
function bases(): Promise<FuzzBase[]> {
  return corpus ??= loadCorpus(CONFORMANCE_DIR, NOW);
}

describe("fuzzer oracle", () => {
  it("accepts a SigstoreError with a code and one short line", () => {
    assert.equal(badRejection(new VerificationError("SIGNATURE", "Signature does not verify")), undefined);
  });
  it("flags other errors, multi-line, control-character and huge messages", () => {
    assert.match(badRejection(new RangeError("Invalid time value"))!, /not a SigstoreError/);
    assert.match(badRejection(new ParseError("BUNDLE_PARSE", "bad\nOK: forged"))!, /one plain line/);
    assert.match(badRejection(new ParseError("BUNDLE_PARSE", "bad \u001b[2K"))!, /one plain line/);
    assert.match(badRejection(new ParseError("BUNDLE_PARSE", "x".repeat(5000)))!, /5000 characters/);
  });
  const bundle = {
    messageSignature: { signature: "AAEC", messageDigest: { algorithm: "SHA2_256", digest: "AAAA" } },
    verificationMaterial: {
      publicKey: { hint: "aGludA==" },
      tlogEntries: [{
        logIndex: "7",
        integratedTime: "10",
        inclusionPromise: { signedEntryTimestamp: "AQ==" },
      }],
    },
  };
  it("sees a changed signature, SET-signed index or added timestamp, not a changed hint", () => {
    const m = structuredClone(bundle) as Record<string, any>;
    m.messageSignature.signature = "AAED";
    m.verificationMaterial.tlogEntries[0].logIndex = 8;
    m.verificationMaterial.publicKey.hint = "b3RoZXI=";
    m.verificationMaterial.timestampVerificationData = { rfc3161Timestamps: [{ signedTimestamp: "MAA=" }] };
    assert.deepEqual(changedSignedFields(bundle, m).sort(), [
      'added ["verificationMaterial","timestampVerificationData","rfc3161Timestamps",0,"signedTimestamp"]',
      'changed ["messageSignature","signature"]',
      'changed ["verificationMaterial","tlogEntries",0,"logIndex"]',
    ]);
  });
  it("treats the same integer or bytes spelled another way as unchanged", () => {
    const m = structuredClone(bundle) as Record<string, any>;
    m.verificationMaterial.tlogEntries[0].logIndex = 7;
    m.messageSignature.signature = "AAEC";
    assert.deepEqual(changedSignedFields(bundle, m), []);
  });
  it('null is the protobuf default: an index of "0" set to null is unchanged, to 1 changed', () => {
    const zero = structuredClone(bundle) as Record<string, any>;
    zero.verificationMaterial.tlogEntries[0].logIndex = "0";
    const m = structuredClone(zero);
    m.verificationMaterial.tlogEntries[0].logIndex = null;
    assert.deepEqual(changedSignedFields(zero, m), []);
    m.verificationMaterial.tlogEntries[0].logIndex = "1";
    assert.equal(changedSignedFields(zero, m).length, 1);
  });
  it("an index is not signed without a SET (Rekor v2)", () => {
    const v2 = structuredClone(bundle) as Record<string, any>;
    delete v2.verificationMaterial.tlogEntries[0].inclusionPromise;
    const m = structuredClone(v2);
    m.verificationMaterial.tlogEntries[0].integratedTime = "99";
    assert.deepEqual(changedSignedFields(v2, m), []);
  });
  it("a message digest hint must be the artifact's", () => {
    assert.equal(wrongDigestHint(bundle, () => new Uint8Array([0, 0, 0])), undefined);
    assert.match(wrongDigestHint(bundle, () => new Uint8Array([0, 0, 1]))!, /not the artifact's sha256/);
  });
});

describe("fuzzer mutations", () => {
  it("are reproducible from the seed and iteration", async () => {
    const corpus = await bases();
    const base = corpus[0]!;
    const others = corpus.slice(1).map((b) => b.json as Json);
    for (let i = 0; i < 50; i++) {
      const a = mutateBundle(seededRandom(SEED, i), base.text, others);
      const b = mutateBundle(seededRandom(SEED, i), base.text, others);
      assert.equal(a.text, b.text);
      assert.equal(a.description, b.description);
    }
  });
  it("change the bundle", async () => {
    const base = (await bases())[0]!;
    let same = 0;
    for (let i = 0; i < 200; i++) {
      if (mutateBundle(seededRandom(SEED, i), base.text, []).text === base.text) same++;
    }
    assert.ok(same < 40, `${same} of 200 mutants are the original`);
  });
});

describe(`fuzz run (seed ${SEED}, ${ITERATIONS} iterations)`, () => {
  if (CONFORMANCE_DIR === undefined) conformanceUnavailable("the fuzz run over the conformance cases");
  const documents = loadTrustDocuments();
  if (documents.length === 0) {
    testsUnavailable("the fuzz run over the trust document loaders", "../shared/trust not found");
  }
  it("the corpus verifies where it should", async () => {
    const corpus = await bases();
    assert.ok(corpus.filter((b) => b.name.startsWith("genuine/") && b.accepts).length >= 30);
    if (CONFORMANCE_DIR !== undefined) {
      assert.ok(corpus.filter((b) => b.name.startsWith("conformance/") && b.accepts).length >= 20);
    }
  });
  it("finds no malformed rejection, slow verification or false accept", async () => {
    const report = await fuzz(await bases(), {
      seed: SEED,
      iterations: ITERATIONS,
      timeMs: 60_000,
      now: NOW,
      documents,
    });
    assert.equal(report.iterations, ITERATIONS, "the run ended early");
    assert.deepEqual(report.findings.map(describeFinding), []);
  });
});
