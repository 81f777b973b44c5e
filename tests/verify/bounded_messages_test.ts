/**
 * Regressions for what the fuzzer (tests/fuzz_test.ts, scripts/fuzz.ts)
 * found after the message-quoting work: values from a bundle or a trust root
 * that still reached an error message whole or unescaped. Each mutation is
 * refused with its code and a short plain line.
 *
 * @module
 */

import assert from "node:assert/strict";
import { it } from "node:test";
import { describeWithConformance } from "../_support/paths.ts";
import {
  type ConformanceCase,
  loadConformanceCase,
  verifyCaseOutcome,
} from "../_support/conformance_cases.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

async function assertShortRefusal(
  c: ConformanceCase,
  bundle: Json,
  code: string,
  message: RegExp,
): Promise<void> {
  const outcome = await verifyCaseOutcome(c, "bytes", JSON.stringify(bundle));
  assert.equal(outcome.code, code, outcome.message);
  assert.match(outcome.message, message);
  assert.ok(outcome.message.length <= 400, `message of ${outcome.message.length} characters`);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(outcome.message, /[\u0000-\u001f]/);
}

describeWithConformance("messages stay short and plain (found by the fuzzer)", (dir) => {
  const huge = "x".repeat(1 << 20); // valid base64: 786,432 bytes
  it("a v0.1 inclusion proof (no checkpoint) with a 768 KiB root hash: TLOG_INCLUSION_PROOF shows 64 bytes of it", async () => {
    const c = loadConformanceCase(dir, "happy-path-v0.1");
    const bundle = JSON.parse(c.bundleText) as Json;
    const entry = bundle.verificationMaterial.tlogEntries[0];
    assert.ok(entry.inclusionProof, "the case has an inclusion proof");
    delete entry.inclusionProof.checkpoint;
    entry.inclusionProof.rootHash = huge;
    await assertShortRefusal(c, bundle, "TLOG_INCLUSION_PROOF", /\(786432 bytes\)/);
  });
  it("a trust root log hash algorithm with control characters: TLOG_UNKNOWN_LOG quotes it escaped", async () => {
    const c = loadConformanceCase(dir, "intoto-with-custom-trust-root");
    const root = JSON.parse(c.trustedRootText!) as Json;
    for (const log of root.tlogs) log.hashAlgorithm = "\u0000\nOK: forged";
    const outcome = await verifyCaseOutcome({ ...c, trustedRootText: JSON.stringify(root) }, "bytes");
    assert.equal(outcome.code, "TLOG_UNKNOWN_LOG", outcome.message);
    assert.match(outcome.message, /unsupported hash "\\u0000\\nOK: forged"/);
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(outcome.message, /[\u0000-\u001f]/);
  });
});
