/**
 * The CLI as a new user meets it: good runs, several inputs, default bundle
 * names, --json, and every kind of bad input giving a one-line error and
 * exit 1 or 2, never a stack trace.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, it } from "node:test";
import { runCli } from "../_support/cli.ts";
import { CONFORMANCE_DIR, conformanceUnavailable } from "../_support/paths.ts";

const IDENTITY =
  "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER = "https://token.actions.githubusercontent.com";
/** A time at which the embedded trust (as of 2026-08-21) is less than 30 days old. */
const EMBEDDED_FRESH = new Date("2026-09-01T00:00:00Z");
const ID_ARGS = ["--cert-identity", IDENTITY, "--cert-oidc-issuer", ISSUER];

function assertOneLineFailure(run: { code: number; stderr: string }, code: 1 | 2, pattern: RegExp): void {
  assert.equal(run.code, code, run.stderr);
  assert.match(run.stderr, pattern);
  assert.doesNotMatch(run.stderr, /internal error|\n\s+at |Error:/, "no stack trace or raw exception");
  const firstLine = run.stderr.split("\n")[0]!;
  assert.ok(firstLine.length > 10 && firstLine.length < 400, `one readable line: ${firstLine}`);
}

describe("CLI usage errors exit 2", () => {
  it("no arguments prints usage", async () => {
    const run = await runCli([]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^usage: sigstore-ts/);
  });
  it("--help and --version exit 0", async () => {
    assert.equal((await runCli(["--help"])).code, 0);
    assert.match((await runCli(["--version"])).stdout, /^sigstore-ts \d/);
  });
  it("an unknown flag", async () => {
    assertOneLineFailure(
      await runCli(["verify", "identity", "--frobnicate", "x"]),
      2,
      /^error: Unknown option "--frobnicate"/,
    );
  });
  it("an unknown command and a missing subcommand", async () => {
    assertOneLineFailure(await runCli(["verfy"]), 2, /^error: Unknown command "verfy"/);
    assertOneLineFailure(await runCli(["verify", "x.txt"]), 2, /^error: verify needs a subcommand/);
  });
  it("verify identity without an identity", async () => {
    assertOneLineFailure(
      await runCli(["verify", "identity", "a.txt"]),
      2,
      /needs --cert-identity and --cert-oidc-issuer/,
    );
  });
  it("verify github without identity or repository", async () => {
    assertOneLineFailure(await runCli(["verify", "github", "a.txt"]), 2, /--cert-identity or --repository/);
  });
  it("a digest of the wrong length", async () => {
    assertOneLineFailure(
      await runCli(["verify", "identity", ...ID_ARGS, "--bundle", "b.json", "sha256:abcd"]),
      2,
      /^error: Invalid digest "sha256:abcd": expected sha256: followed by 64 hex characters/,
    );
  });
  it("a digest without --bundle", async () => {
    assertOneLineFailure(
      await runCli(["verify", "identity", ...ID_ARGS, `sha256:${"ab".repeat(32)}`]),
      2,
      /needs --bundle/,
    );
  });
  it("--bundle with two inputs", async () => {
    assertOneLineFailure(
      await runCli(["verify", "identity", ...ID_ARGS, "--bundle", "b", "x", "y"]),
      2,
      /single input/,
    );
  });
  it("two trust sources at once", async () => {
    assertOneLineFailure(
      await runCli(["verify", "identity", ...ID_ARGS, "--staging", "--trusted-root", "t.json", "a.txt"]),
      2,
      /cannot be used together/,
    );
  });
  it("--key together with an identity", async () => {
    assertOneLineFailure(
      await runCli(["verify", "identity", ...ID_ARGS, "--key", "k.pem", "a.txt"]),
      2,
      /--key cannot be combined/,
    );
  });
});

if (CONFORMANCE_DIR === undefined) {
  conformanceUnavailable("tests/cli/cli_test.ts (runs on real bundles)");
} else {
  const assets = `${CONFORMANCE_DIR}/assets/bundle-verify`;
  const work = mkdtempSync(`${tmpdir()}/sigstore-ts-cli-`);
  after(() => rmSync(work, { recursive: true, force: true }));
  const goodBundle = readFileSync(`${assets}/happy-path-v0.3/bundle.sigstore.json`, "utf8");
  const artifact = `${work}/a.txt`;
  copyFileSync(`${assets}/a.txt`, artifact);
  const write = (name: string, text: string) => {
    writeFileSync(`${work}/${name}`, text);
    return `${work}/${name}`;
  };
  // Verification here is about the bundles: offline, with the embedded trust, at a time it is fresh
  // (trust selection and its age rules have their own tests in tests/cli/trust_cli_test.ts).
  const runOffline = (args: string[], env: Record<string, string> = {}) =>
    runCli([...args, "--offline"], env, EMBEDDED_FRESH);
  const verify = (bundle: string, input = artifact, extra: string[] = []) =>
    runOffline(["verify", "identity", ...ID_ARGS, "--bundle", bundle, ...extra, input]);

  describe("CLI on real bundles", () => {
    it("verifies a file and prints OK on stderr", async () => {
      const run = await verify(write("good.json", goodBundle));
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, `OK: ${artifact}\n`);
      assert.equal(run.stdout, "");
    });
    it("verifies a sha256: digest input", async () => {
      const digest = `sha256:${createHash("sha256").update(readFileSync(artifact)).digest("hex")}`;
      const run = await verify(write("good.json", goodBundle), digest);
      assert.equal(run.code, 0, run.stderr);
    });
    it("finds INPUT.sigstore.json, then INPUT.sigstore, for several inputs", async () => {
      mkdirSync(`${work}/multi`, { recursive: true });
      copyFileSync(artifact, `${work}/multi/one.txt`);
      copyFileSync(artifact, `${work}/multi/two.txt`);
      writeFileSync(`${work}/multi/one.txt.sigstore.json`, goodBundle);
      writeFileSync(
        `${work}/multi/two.txt.sigstore`,
        readFileSync(`${assets}/happy-path-v0.1/bundle.sigstore.json`),
      );
      const run = await runOffline([
        "verify",
        "identity",
        ...ID_ARGS,
        `${work}/multi/one.txt`,
        `${work}/multi/two.txt`,
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, `OK: ${work}/multi/one.txt\nOK: ${work}/multi/two.txt\n`);
    });
    it("reports each input; one failure makes exit 1", async () => {
      mkdirSync(`${work}/mixed`, { recursive: true });
      copyFileSync(artifact, `${work}/mixed/good.txt`);
      writeFileSync(`${work}/mixed/bad.txt`, "other content\n");
      writeFileSync(`${work}/mixed/good.txt.sigstore.json`, goodBundle);
      writeFileSync(`${work}/mixed/bad.txt.sigstore.json`, goodBundle);
      const run = await runOffline([
        "verify",
        "identity",
        ...ID_ARGS,
        "--json",
        `${work}/mixed/good.txt`,
        `${work}/mixed/bad.txt`,
      ]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^OK: .*good\.txt\nFAIL: .*bad\.txt: .+\n$/);
      const json = JSON.parse(run.stdout);
      assert.equal(json.verified, false);
      assert.equal(json.results[0].verified, true);
      assert.equal(json.results[0].result.signer.identities[0], IDENTITY);
      assert.equal(json.results[1].error.code, "TLOG_BODY_MISMATCH");
    });
    it("verify github checks the workflow claims", async () => {
      const bundle = write("good.json", goodBundle);
      const ok = await runOffline([
        "verify",
        "github",
        "--cert-identity",
        IDENTITY,
        "--repository",
        "sigstore-conformance/extremely-dangerous-public-oidc-beacon",
        "--ref",
        "refs/heads/main",
        "--trigger",
        "workflow_dispatch",
        "--bundle",
        bundle,
        artifact,
      ]);
      assert.equal(ok.code, 0, ok.stderr);
      const bad = await runOffline([
        "verify",
        "github",
        "--repository",
        "someone/else",
        "--bundle",
        bundle,
        artifact,
      ]);
      assertOneLineFailure(bad, 1, /^FAIL: .*workflow repository does not match/);
      const env = await runOffline(["verify", "github", "--bundle", bundle, artifact], {
        SIGSTORE_CERT_IDENTITY: IDENTITY,
        SIGSTORE_VERIFY_GITHUB_WORKFLOW_REF: "refs/heads/nope",
      });
      assertOneLineFailure(env, 1, /workflow ref does not match/);
    });
    it("a wrong identity is a one-line FAIL with exit 1", async () => {
      const run = await runOffline([
        "verify",
        "identity",
        "--cert-identity",
        "someone@example.com",
        "--cert-oidc-issuer",
        ISSUER,
        "--bundle",
        write("good.json", goodBundle),
        artifact,
      ]);
      assertOneLineFailure(
        run,
        1,
        /^FAIL: .*Certificate identity does not match: expected "someone@example.com"/,
      );
    });
    const bad: [string, string, RegExp][] = [
      ["truncated JSON", goodBundle.slice(0, 200), /Bundle is not valid JSON/],
      ["an empty file", "", /Bundle is not valid JSON/],
      ["a JSON array", "[]", /expected an object, found an array/],
      [
        "an unknown media type",
        goodBundle.replace(
          /"mediaType":\s*"[^"]+"/,
          '"mediaType": "application/vnd.dev.sigstore.bundle.v0.9+json"',
        ),
        /Unsupported bundle media type/,
      ],
      [
        "a number where a string belongs",
        goodBundle.replace(/"logIndex":\s*"(\d+)"/, '"logIndex": {"x": 1}'),
        /logIndex: expected a non-negative int64/,
      ],
      [
        "non-base64 signature",
        goodBundle.replace(/"signature":\s*"[^"]+"/, '"signature": "%%%not base64%%%"'),
        /messageSignature.signature: is not valid base64/,
      ],
      [
        "garbage certificate DER",
        goodBundle.replace(/"rawBytes":\s*"[^"]+"/, '"rawBytes": "AAECAwQFBgcICQ=="'),
        /Cannot parse certificate/,
      ],
      [
        "a missing verificationMaterial",
        JSON.stringify({ mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json" }),
        /verificationMaterial: expected an object/,
      ],
    ];
    for (const [what, text, pattern] of bad) {
      it(`a bundle with ${what} is a one-line FAIL`, async () => {
        assertOneLineFailure(await verify(write("bad.json", text)), 1, pattern);
      });
    }
    it("a missing bundle file", async () => {
      assertOneLineFailure(
        await verify(`${work}/nope.json`),
        1,
        /Cannot read bundle ".*nope.json": no such file/,
      );
    });
    it("a missing artifact and a directory as artifact", async () => {
      assertOneLineFailure(
        await verify(write("good.json", goodBundle), `${work}/missing.txt`),
        1,
        /Cannot read artifact .*no such file/,
      );
      assertOneLineFailure(
        await verify(write("good.json", goodBundle), work),
        1,
        /Cannot read artifact .*not a file/,
      );
    });
    it("an unreadable trusted root and a malformed one", async () => {
      const b = write("good.json", goodBundle);
      assertOneLineFailure(
        await verify(b, artifact, ["--trusted-root", `${work}/none.json`]),
        1,
        /Cannot read trusted root/,
      );
      assertOneLineFailure(
        await verify(b, artifact, ["--trusted-root", write("tr.json", '{"mediaType": 3}')]),
        1,
        /Malformed trusted root at mediaType/,
      );
    });
    it("a malformed public key file", async () => {
      const run = await runOffline([
        "verify",
        "identity",
        "--key",
        write("k.pem", "not a key"),
        "--bundle",
        write("good.json", goodBundle),
        artifact,
      ]);
      assertOneLineFailure(run, 1, /is not a PEM "PUBLIC KEY"/);
    });
    it("--staging refuses a production bundle", async () => {
      assertOneLineFailure(
        await verify(write("good.json", goodBundle), artifact, ["--staging"]),
        1,
        /^FAIL: /,
      );
    });
  });
}
