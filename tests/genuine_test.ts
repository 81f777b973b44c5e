/**
 * Genuine public-good bundles from the reference clients' published test
 * assets (testdata/genuine, sources in testdata/README.md), each verified
 * offline with the embedded trust root of its instance, through the
 * library and through the CLI (with a file path or a sha256: digest).
 *
 * @module
 */

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parseBundleJson } from "../lib/bundle/mod.ts";
import { decodeHex, decodePem } from "../lib/encoding/mod.ts";
import { type HashAlgorithm, parsePublicKey } from "../lib/crypto/mod.ts";
import { embeddedTrustedRoot } from "../lib/trust/mod.ts";
import { type ArtifactInput, type SignerPolicy, verifyBundle } from "../lib/verify/mod.ts";
import { runCli } from "./_support/cli.ts";
import { TESTDATA } from "./_support/paths.ts";

const dir = `${TESTDATA}/genuine`;
/** The number of committed bundles that must verify (see testdata/README.md). */
const MIN_ACCEPTED = 37;
const cases = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
  .sort();

function load(name: string) {
  const base = `${dir}/${name}`;
  const text = (f: string) => readFileSync(`${base}/${f}`, "utf8").trim();
  const has = (f: string) => existsSync(`${base}/${f}`);
  const instance = text("instance") as "production" | "staging";
  const signer: SignerPolicy = has("key.pub")
    ? { kind: "key", key: parsePublicKey(decodePem(text("key.pub"))![0]!.der) }
    : {
      kind: "identity",
      policy: { subject: { exact: text("identity") }, issuer: text("issuer"), extensions: [] },
    };
  const artifact: ArtifactInput = has("artifact")
    ? { kind: "bytes", bytes: new Uint8Array(readFileSync(`${base}/artifact`)) }
    : (() => {
      const [alg, hex] = text("digest").split(":") as [HashAlgorithm, string];
      return { kind: "digest" as const, digests: new Map([[alg, decodeHex(hex)!]]) };
    })();
  const input = has("artifact") ? `${base}/artifact` : text("digest");
  const signerArgs = has("key.pub")
    ? ["--key", `${base}/key.pub`]
    : ["--cert-identity", text("identity"), "--cert-oidc-issuer", text("issuer")];
  // A genuine bundle that a strict verifier must refuse names the expected error code in `expect-error`.
  const expectError = has("expect-error") ? text("expect-error").split(/[\s:]/)[0] : undefined;
  return {
    base,
    instance,
    signer,
    artifact,
    input,
    signerArgs,
    expectError,
    bundleText: text("bundle.sigstore.json"),
  };
}

describe("genuine public-good bundles verify offline with the embedded trust root", () => {
  it(`has at least ${MIN_ACCEPTED} that verify`, () => {
    const accepted = cases.filter((n) => !existsSync(`${dir}/${n}/expect-error`));
    assert.ok(accepted.length >= MIN_ACCEPTED, `only ${accepted.length} bundles`);
  });
  for (const name of cases.filter((n) => existsSync(`${dir}/${n}/expect-error`))) {
    it(`${name} is refused as its expect-error file says`, async () => {
      const c = load(name);
      await assert.rejects(
        async () =>
          await verifyBundle(parseBundleJson(c.bundleText), c.artifact, {
            trustedRoot: embeddedTrustedRoot(c.instance),
            signer: c.signer,
            now: new Date(),
          }),
        (e: unknown) => (e as { code?: string }).code === c.expectError,
      );
    });
  }
  for (const name of cases.filter((n) => !existsSync(`${dir}/${n}/expect-error`))) {
    it(`${name} verifies in-process`, async () => {
      const c = load(name);
      const result = await verifyBundle(parseBundleJson(c.bundleText), c.artifact, {
        trustedRoot: embeddedTrustedRoot(c.instance),
        signer: c.signer,
        now: new Date(),
      });
      assert.ok(result.verifiedTimes.length >= 1);
      assert.ok(result.tlogEntries.length >= 1);
    });
    it(`${name} verifies through the CLI`, async () => {
      const c = load(name);
      const run = await runCli([
        ...(c.instance === "staging" ? ["--staging"] : []),
        "verify",
        "identity",
        "--offline",
        "--bundle",
        `${c.base}/bundle.sigstore.json`,
        ...c.signerArgs,
        c.input,
      ]);
      assert.equal(run.code, 0, run.stderr);
    });
    it(`${name} is refused by the other instance's trust root`, async () => {
      const c = load(name);
      await assert.rejects(
        verifyBundle(parseBundleJson(c.bundleText), c.artifact, {
          trustedRoot: embeddedTrustedRoot(c.instance === "staging" ? "production" : "staging"),
          signer: c.signer,
          now: new Date(),
        }),
      );
    });
  }
});
