/**
 * The options a policy decides, on `verifyBundle` directly with a genuine
 * GitHub Actions attestation: thresholds, predicate types and any-of
 * signers, each accepted and refused, and options that would weaken a
 * check refused as `CONFIG`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parseBundleJson } from "../../lib/bundle/mod.ts";
import type { IdentityPolicy } from "../../lib/policy/mod.ts";
import { embeddedTrustedRoot } from "../../lib/trust/mod.ts";
import { verifyBundle, type VerifyOptions } from "../../lib/verify/mod.ts";
import { TESTDATA } from "../_support/paths.ts";

const DIR = `${TESTDATA}/genuine/java2-dsse-prod`;
const bundle = parseBundleJson(readFileSync(`${DIR}/bundle.sigstore.json`, "utf8"));
const artifact = { kind: "bytes" as const, bytes: new Uint8Array(readFileSync(`${DIR}/artifact`)) };
const GH = "https://token.actions.githubusercontent.com";
const right: IdentityPolicy = {
  subject: { exact: readFileSync(`${DIR}/identity`, "utf8").trim() },
  issuer: GH,
  extensions: [],
};
const wrong: IdentityPolicy = { subject: { exact: "https://example.com/x" }, issuer: GH, extensions: [] };

async function verdict(options: Partial<VerifyOptions>): Promise<string> {
  try {
    await verifyBundle(bundle, artifact, {
      trustedRoot: embeddedTrustedRoot("production"),
      signer: { kind: "identity", policy: right },
      ...options,
    });
    return "OK";
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe("verifyBundle: the options a policy decides", () => {
  it("thresholds: met, and one more than the bundle carries", async () => {
    assert.equal(await verdict({ tlogThreshold: 1, timestampThreshold: 0, ctLogThreshold: 1 }), "OK");
    assert.equal(await verdict({ tlogThreshold: 2 }), "TLOG_MISSING");
    assert.equal(await verdict({ timestampThreshold: 1 }), "TIMESTAMP");
  });

  it("predicate types: one of them, or none of them", async () => {
    assert.equal(await verdict({ predicateTypes: ["x:y", "https://slsa.dev/provenance/v1"] }), "OK");
    assert.equal(await verdict({ predicateTypes: ["https://slsa.dev/provenance/v0.2"] }), "PREDICATE_TYPE");
  });

  it("any of several signers", async () => {
    assert.equal(await verdict({ signer: { kind: "anyOf", policies: [wrong, right] } }), "OK");
    assert.equal(await verdict({ signer: { kind: "anyOf", policies: [wrong, wrong] } }), "POLICY_IDENTITY");
  });

  it("options that would weaken a check are refused", async () => {
    assert.equal(await verdict({ tlogThreshold: 0 }), "CONFIG");
    assert.equal(await verdict({ timestampThreshold: -1 }), "CONFIG");
    assert.equal(await verdict({ timestampThreshold: 0.5 }), "CONFIG");
    assert.equal(await verdict({ predicateTypes: [] }), "CONFIG");
    assert.equal(await verdict({ predicateTypes: [""] }), "CONFIG");
    assert.equal(await verdict({ signer: { kind: "anyOf", policies: [] } }), "CONFIG");
    assert.equal(
      await verdict({ signer: { kind: "anyOf", policies: [right, { ...wrong, issuer: undefined }] } }),
      "POLICY_ISSUER",
    );
  });
});
