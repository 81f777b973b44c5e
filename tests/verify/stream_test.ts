/**
 * Streamed artifacts (lib/verify/stream.ts) on genuine bundles: the digests
 * computed from a stream of odd-sized chunks verify exactly as the bytes do,
 * with SHA-384 for P-384 keys and SHA-512 for in-toto subjects; a tampered
 * stream fails at the same check as the tampered bytes; and an RSA message
 * signature is reported as needing the bytes.
 *
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  digestArtifactStream,
  embeddedTrustedRoot,
  isArtifactDigestEnough,
  parseBundleJson,
  type SignerPolicy,
  SigstoreError,
  verifyBundle,
} from "../../lib/verify/entry.ts";
import { TESTDATA } from "../_support/paths.ts";

function load(name: string) {
  const base = `${TESTDATA}/genuine/${name}`;
  const text = (f: string) => readFileSync(`${base}/${f}`, "utf8").trim();
  const signer: SignerPolicy = {
    kind: "identity",
    policy: { subject: { exact: text("identity") }, issuer: text("issuer"), extensions: [] },
  };
  return {
    bundle: parseBundleJson(text("bundle.sigstore.json")),
    bytes: new Uint8Array(readFileSync(`${base}/artifact`)),
    signer,
    trustedRoot: embeddedTrustedRoot(text("instance") as "production" | "staging"),
  };
}

function stream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  const sizes = [1, 3, 10, 64];
  const parts: Uint8Array[] = [];
  for (let at = 0, i = 0; at < bytes.length; at += sizes[i++ % sizes.length]!) {
    parts.push(bytes.slice(at, at + sizes[i % sizes.length]!));
  }
  return ReadableStream.from(parts);
}

async function verdict(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "verified";
  } catch (e) {
    if (e instanceof SigstoreError) return e.code;
    throw e;
  }
}

describe("digestArtifactStream()", () => {
  for (
    const [name, algorithms] of [
      ["java-bundle-v3-prod", ["sha256"]],
      ["java2-pkix-ecdsa-p384-prod", ["sha256", "sha384"]],
      ["java2-dsse-prod", ["sha256", "sha512"]],
    ] as const
  ) {
    it(`digestArtifactStream() digests ${name} with ${algorithms.join(" and ")}, and the digests verify`, async () => {
      const c = load(name);
      const options = { trustedRoot: c.trustedRoot, signer: c.signer, now: new Date() };
      assert.equal(isArtifactDigestEnough(c), true);
      const artifact = await digestArtifactStream(stream(c.bytes), c);
      assert.equal(artifact.kind, "digest");
      assert.deepEqual(artifact.kind === "digest" ? [...artifact.digests.keys()].sort() : [], [
        ...algorithms,
      ]);
      const fromStream = await verifyBundle(c.bundle, artifact, options);
      assert.deepEqual(fromStream, await verifyBundle(c.bundle, { kind: "bytes", bytes: c.bytes }, options));
      const tampered = c.bytes.slice();
      tampered[tampered.length - 1]! ^= 1;
      const byStream = await verdict(
        verifyBundle(c.bundle, await digestArtifactStream(stream(tampered), c), options),
      );
      assert.notEqual(byStream, "verified");
      assert.equal(
        byStream,
        await verdict(verifyBundle(c.bundle, { kind: "bytes", bytes: tampered }, options)),
      );
    });
  }

  it("isArtifactDigestEnough() is false for an RSA message signature, which verifies only from the bytes", async () => {
    const c = load("java2-pkix-rsa2048-prod");
    const options = { trustedRoot: c.trustedRoot, signer: c.signer, now: new Date() };
    assert.equal(isArtifactDigestEnough(c), false);
    assert.equal(
      await verdict(verifyBundle(c.bundle, { kind: "bytes", bytes: c.bytes }, options)),
      "verified",
    );
    assert.equal(
      await verdict(verifyBundle(c.bundle, await digestArtifactStream(stream(c.bytes), c), options)),
      "SIGNATURE",
    );
  });
});
