/**
 * Detached verification (`verify identity|github --certificate FILE
 * --signature FILE ARTIFACT`) and `plumbing fix-bundle`: the combinations
 * refused before any network use, a Rekor that cannot be reached, and (on
 * the local Sigstore instance) the real thing with every rejected twin: the
 * `.sig`/`.crt` files that `sign` writes verify through the entry found in
 * Rekor, and a v0.1-shaped bundle made from one signed there is completed,
 * upgraded and verified.
 *
 * @module
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { embeddedDocument } from "../../lib/trust/mod.ts";
import { type CliRun, runCli } from "../_support/cli.ts";
import { TESTDATA } from "../_support/paths.ts";
import { type LocalInstance, localInstance, mintToken } from "../sign/_local_instance.ts";
import { testsUnavailable } from "../_support/unavailable.ts";

const GENUINE = `${TESTDATA}/genuine/java-bundle-v3-prod`;
const SIGNER = ["--cert-identity", "appu@google.com", "--cert-oidc-issuer", "https://accounts.google.com"];

const work = mkdtempSync(`${tmpdir()}/sigstore-ts-detached-`);
after(() => rmSync(work, { recursive: true, force: true }));
const cert = `${work}/a.crt`;
const sig = `${work}/a.sig`;
writeFileSync(cert, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
writeFileSync(sig, "AAAA\n");

function assertUsage(run: CliRun, pattern: RegExp): void {
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, pattern);
  assert.equal(run.stderr.split("\n").length, 2, run.stderr);
}

/** A trust config for production whose Rekor v1 is at `rekorUrl`. */
function trustConfigWithRekor(rekorUrl: string): string {
  const signingConfig = JSON.parse(embeddedDocument("production", "signing_config.v0.2.json"));
  signingConfig.rekorTlogUrls = [{
    url: rekorUrl,
    majorApiVersion: 1,
    validFor: { start: "2020-01-01T00:00:00Z" },
  }];
  const path = `${work}/tc-${encodeURIComponent(rekorUrl)}.json`;
  writeFileSync(
    path,
    JSON.stringify({
      mediaType: "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
      trustedRoot: JSON.parse(embeddedDocument("production", "trusted_root.json")),
      signingConfig,
    }),
  );
  return path;
}

describe("detached verification: refused before any network use", () => {
  const detached = ["--certificate", cert, "--signature", sig];
  it("--offline says why it cannot work", async () => {
    assertUsage(
      await runCli(["verify", "identity", ...SIGNER, "--offline", ...detached, `${GENUINE}/artifact`]),
      /--offline cannot be used with --certificate and --signature: a detached signature's log entry must be fetched from the instance's Rekor/,
    );
  });
  it("--bundle with --certificate", async () => {
    assertUsage(
      await runCli(["verify", "identity", ...SIGNER, "--bundle", "b", ...detached, `${GENUINE}/artifact`]),
      /--bundle cannot be combined with --certificate or --signature/,
    );
  });
  it("two inputs", async () => {
    assertUsage(
      await runCli(["verify", "github", "--repository", "o/r", ...detached, "x", "y"]),
      /materials of a single input/,
    );
  });
  it("a digest with only one of the two", async () => {
    assertUsage(
      await runCli(["verify", "identity", ...SIGNER, "--certificate", cert, `sha256:${"ab".repeat(32)}`]),
      /needs both --certificate and --signature/,
    );
  });
  it("--trusted-root names no Rekor", async () => {
    const run = await runCli([
      "verify",
      "identity",
      ...SIGNER,
      "--trusted-root",
      `${work}/none.json`,
      ...detached,
      `${GENUINE}/artifact`,
    ]);
    assertUsage(run, /needs the instance's Rekor, which --trusted-root does not name/);
  });
  it("a certificate file that is not PEM, and a signature that is not base64", async () => {
    const tc = trustConfigWithRekor("http://127.0.0.1:1");
    writeFileSync(`${work}/bad.crt`, "nothing here");
    const badCert = await runCli([
      "--trust-config",
      tc,
      "verify",
      "identity",
      ...SIGNER,
      "--certificate",
      `${work}/bad.crt`,
      "--signature",
      sig,
      `${GENUINE}/artifact`,
    ]);
    assert.equal(badCert.code, 1);
    assert.match(badCert.stderr, /must hold one PEM "CERTIFICATE" block, found 0/);
    writeFileSync(`${work}/bad.sig`, "%%%");
    const realCert = `${work}/real.crt`;
    const bundle = JSON.parse(readFileSync(`${GENUINE}/bundle.sigstore.json`, "utf8"));
    writeFileSync(
      realCert,
      `-----BEGIN CERTIFICATE-----\n${bundle.verificationMaterial.certificate.rawBytes}\n-----END CERTIFICATE-----\n`,
    );
    const badSig = await runCli([
      "--trust-config",
      tc,
      "verify",
      "identity",
      ...SIGNER,
      "--certificate",
      realCert,
      "--signature",
      `${work}/bad.sig`,
      `${GENUINE}/artifact`,
    ]);
    assert.equal(badSig.code, 1);
    assert.match(badSig.stderr, /does not hold a base64 signature/);
  });
  it("junk --certificate and --signature are read, not ignored in favour of FILE.sigstore.json", async () => {
    const dir = mkdtempSync(`${work}/regress-`);
    const input = `${dir}/artifact`;
    writeFileSync(input, readFileSync(`${GENUINE}/artifact`));
    writeFileSync(`${input}.sigstore.json`, readFileSync(`${GENUINE}/bundle.sigstore.json`));
    const withBundle = await runCli(["verify", "identity", ...SIGNER, input]);
    assert.equal(withBundle.code, 0, withBundle.stderr); // the bundle alone verifies
    writeFileSync(`${dir}/x`, "junk");
    const run = await runCli([
      "--trust-config",
      trustConfigWithRekor("http://127.0.0.1:1"),
      "verify",
      "identity",
      ...SIGNER,
      "--certificate",
      `${dir}/x`,
      "--signature",
      `${dir}/x`,
      input,
    ]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^FAIL: .*: Certificate file ".*" must hold one PEM "CERTIFICATE" block/);
    assert.doesNotMatch(run.stderr, /^OK/m);
  });
  it("a Rekor that cannot be reached is a one-line FAIL, never OK", async () => {
    const bundle = JSON.parse(readFileSync(`${GENUINE}/bundle.sigstore.json`, "utf8"));
    writeFileSync(
      `${work}/real.crt`,
      `-----BEGIN CERTIFICATE-----\n${bundle.verificationMaterial.certificate.rawBytes}\n-----END CERTIFICATE-----\n`,
    );
    writeFileSync(`${work}/real.sig`, `${bundle.messageSignature.signature}\n`);
    const run = await runCli([
      "--trust-config",
      trustConfigWithRekor("http://127.0.0.1:1"),
      "verify",
      "identity",
      ...SIGNER,
      "--certificate",
      `${work}/real.crt`,
      "--signature",
      `${work}/real.sig`,
      `${GENUINE}/artifact`,
    ]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^FAIL: .*artifact: Rekor \(POST http:\/\/127\.0\.0\.1:1\/api\/v1\/log\/entries\/retrieve\)/,
    );
    assert.equal(run.stderr.split("\n").length, 2);
  });
});

describe("plumbing fix-bundle without the network", () => {
  it("a complete bundle: nothing to fix, verified, printed unchanged", async () => {
    const run = await runCli(["plumbing", "fix-bundle", "--bundle", `${GENUINE}/bundle.sigstore.json`]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "Nothing to fix; verified\n");
    assert.deepEqual(
      JSON.parse(run.stdout),
      JSON.parse(readFileSync(`${GENUINE}/bundle.sigstore.json`, "utf8")),
    );
  });
  it("the twin: a complete bundle whose signature was changed fails verification", async () => {
    const bundle = JSON.parse(readFileSync(`${GENUINE}/bundle.sigstore.json`, "utf8"));
    const sigBytes = Buffer.from(bundle.messageSignature.signature, "base64");
    sigBytes[sigBytes.length - 3]! ^= 1;
    bundle.messageSignature.signature = sigBytes.toString("base64");
    writeFileSync(`${work}/tampered.json`, JSON.stringify(bundle));
    const before = readFileSync(`${work}/tampered.json`, "utf8");
    const run = await runCli(["plumbing", "fix-bundle", "--in-place", "--bundle", `${work}/tampered.json`]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: /);
    assert.equal(readFileSync(`${work}/tampered.json`, "utf8"), before);
  });
  it("--bundle is required; plumbing needs a subcommand", async () => {
    assertUsage(await runCli(["plumbing", "fix-bundle"]), /needs --bundle FILE/);
    assertUsage(await runCli(["plumbing"]), /plumbing needs a subcommand: fix-bundle/);
  });
  it("an entry to complete with --trusted-root: it names no Rekor", async () => {
    const bundle = JSON.parse(readFileSync(`${GENUINE}/bundle.sigstore.json`, "utf8"));
    delete bundle.verificationMaterial.tlogEntries[0].inclusionProof;
    writeFileSync(`${work}/noproof.json`, JSON.stringify(bundle));
    assertUsage(
      await runCli([
        "plumbing",
        "fix-bundle",
        "--trusted-root",
        `${work}/x.json`,
        "--bundle",
        `${work}/noproof.json`,
      ]),
      /plumbing fix-bundle needs the instance's Rekor, which --trusted-root does not name/,
    );
  });
  it("a bundle that is not JSON", async () => {
    writeFileSync(`${work}/nj.json`, "not json\nOK: x");
    const run = await runCli(["plumbing", "fix-bundle", "--bundle", `${work}/nj.json`]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `error: Bundle "${work}/nj.json" is not valid JSON\n`);
  });
});

const instance: LocalInstance | undefined = process.env.LOCAL_SIGSTORE_STATE ? localInstance() : undefined;
if (instance === undefined) {
  // Never started from here (its ports are fixed): .ci/run runs the suite inside `local_sigstore.sh run`.
  testsUnavailable(
    "tests/cli/detached_test.ts (local instance part)",
    "set LOCAL_SIGSTORE_STATE to a running local Sigstore instance",
  );
} else {
  const inst = instance;
  const config = `${inst.state}/trust_config_rekor_v1.json`;
  const email = "alice@example.com";
  const id = ["--cert-identity", email, "--cert-oidc-issuer", inst.env.OIDC_URL!];
  let token = "";
  const file = `${work}/signed.txt`;
  const other = `${work}/other.txt`;
  before(async () => {
    token = await mintToken(inst);
    writeFileSync(file, "detached material\n");
    writeFileSync(other, "other material\n");
    for (const f of [file, other]) {
      await signLocally(f, ["--signature", `${f}.sig`, "--certificate", `${f}.crt`]);
    }
  });
  after(() => inst.stop());
  /** Signs `path` on the local instance, logging in Rekor v1. */
  const signLocally = async (path: string, extra: string[] = []): Promise<void> => {
    const signed = await runCli([
      "--trust-config",
      config,
      "sign",
      "--identity-token",
      token,
      "--rekor-version",
      "1",
      ...extra,
      path,
    ]);
    assert.equal(signed.code, 0, signed.stderr);
  };

  const materials = ["--certificate", `${file}.crt`, "--signature", `${file}.sig`];
  const verifyDetached = (args: string[], input = file) =>
    runCli(["--trust-config", config, "verify", "identity", ...id, ...args, input]);

  describe("detached verification on the local instance", () => {
    it("the .sig and .crt that sign writes verify (entry found in Rekor v1)", async () => {
      const run = await verifyDetached([
        "--certificate",
        `${file}.crt`,
        "--signature",
        `${file}.sig`,
        "--json",
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, `OK: ${file}\n`);
      const result = JSON.parse(run.stdout).results[0];
      assert.equal(result.certificate, `${file}.crt`);
      assert.equal(result.result.signer.identities[0], email);
    });
    it("default names FILE.crt and FILE.sig when one flag is given", async () => {
      const run = await verifyDetached(["--signature", `${file}.sig`]);
      assert.equal(run.code, 0, run.stderr);
    });
    it("a sha256: digest input", async () => {
      const digest = `sha256:${
        (await import("node:crypto")).createHash("sha256").update(readFileSync(file)).digest("hex")
      }`;
      const run = await verifyDetached(
        ["--certificate", `${file}.crt`, "--signature", `${file}.sig`],
        digest,
      );
      assert.equal(run.code, 0, run.stderr);
    });
    it("the twins: another artifact, another signature, another certificate: FAIL before any lookup", async () => {
      const cases: [string[], string][] = [
        [["--certificate", `${file}.crt`, "--signature", `${file}.sig`], other],
        [["--certificate", `${file}.crt`, "--signature", `${other}.sig`], file],
        [["--certificate", `${other}.crt`, "--signature", `${file}.sig`], file],
      ];
      for (const [args, input] of cases) {
        const run = await verifyDetached(args, input);
        assert.equal(run.code, 1);
        assert.match(
          run.stderr,
          /^FAIL: .*: Signature over the artifact does not verify with the signer's key\n$/,
        );
      }
    });
    it("the twin: a valid signature the log does not have: no entry, FAIL", async () => {
      // A genuine production signature and certificate: valid, but not in the local Rekor.
      const genuine = JSON.parse(readFileSync(`${GENUINE}/bundle.sigstore.json`, "utf8"));
      writeFileSync(
        `${work}/prod.crt`,
        `-----BEGIN CERTIFICATE-----\n${genuine.verificationMaterial.certificate.rawBytes}\n-----END CERTIFICATE-----\n`,
      );
      writeFileSync(`${work}/prod.sig`, `${genuine.messageSignature.signature}\n`);
      const run = await runCli([
        "--trust-config",
        config,
        "verify",
        "identity",
        ...SIGNER,
        "--certificate",
        `${work}/prod.crt`,
        "--signature",
        `${work}/prod.sig`,
        `${GENUINE}/artifact`,
      ]);
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /^FAIL: .*artifact: No entry in Rekor \(http:\/\/127\.0\.0\.1:\d+\) records this certificate, signature and artifact\n$/,
      );
    });
    it("verify github takes detached materials too (and then checks the workflow issuer)", async () => {
      const run = await runCli([
        "--trust-config",
        config,
        "verify",
        "github",
        "--cert-identity",
        email,
        ...materials,
        file,
      ]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^FAIL: .*: .*issuer/i);
    });
    it("the twin: the right materials but the wrong identity", async () => {
      const run = await runCli([
        "--trust-config",
        config,
        "verify",
        "identity",
        "--cert-identity",
        "mallory@example.com",
        "--cert-oidc-issuer",
        inst.env.OIDC_URL!,
        ...materials,
        file,
      ]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /Certificate identity does not match/);
    });
    it("the twin: the production trust root does not trust the entry found", async () => {
      // Same Rekor, but the trust root is production's: the entry's log and the certificate's CA are unknown.
      const tc = JSON.parse(readFileSync(config, "utf8"));
      tc.trustedRoot = JSON.parse(embeddedDocument("production", "trusted_root.json"));
      writeFileSync(`${work}/mixed.json`, JSON.stringify(tc));
      const run = await runCli([
        "--trust-config",
        `${work}/mixed.json`,
        "verify",
        "identity",
        ...id,
        ...materials,
        file,
      ]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^FAIL: /);
    });
  });

  describe("plumbing fix-bundle on the local instance", () => {
    const signedBundle = `${work}/fixme.txt`;
    let v03: Record<string, unknown> = {};
    before(async () => {
      writeFileSync(signedBundle, "an old bundle\n");
      await signLocally(signedBundle);
      v03 = JSON.parse(readFileSync(`${signedBundle}.sigstore.json`, "utf8"));
    });
    /** The bundle as an old client wrote it: v0.1, a chain, an entry with only its SET. */
    function v01(mutate: (entry: Record<string, unknown>) => void = () => {}): string {
      // deno-lint-ignore no-explicit-any
      const b = structuredClone(v03) as any;
      b.mediaType = "application/vnd.dev.sigstore.bundle+json;version=0.1";
      b.verificationMaterial = {
        x509CertificateChain: { certificates: [b.verificationMaterial.certificate] },
        tlogEntries: b.verificationMaterial.tlogEntries,
        ...(b.verificationMaterial.timestampVerificationData
          ? { timestampVerificationData: b.verificationMaterial.timestampVerificationData }
          : {}),
      };
      delete b.verificationMaterial.tlogEntries[0].inclusionProof;
      mutate(b.verificationMaterial.tlogEntries[0]);
      const path = `${work}/v01-${Math.random().toString(36).slice(2)}.json`;
      writeFileSync(path, JSON.stringify(b));
      return path;
    }
    const fix = (args: string[]) => runCli(["--trust-config", config, "plumbing", "fix-bundle", ...args]);

    it("fetches the inclusion proof and checkpoint, keeps v0.1, verifies", async () => {
      const run = await fix(["--bundle", v01()]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        run.stderr,
        /^Fixed: fetched the inclusion proof and checkpoint of log entry \d+; verified\n$/,
      );
      const fixed = JSON.parse(run.stdout);
      assert.equal(fixed.mediaType, "application/vnd.dev.sigstore.bundle+json;version=0.1");
      const proof = fixed.verificationMaterial.tlogEntries[0].inclusionProof;
      assert.match(proof.checkpoint.envelope, /\n\n— /);
      assert.ok(Number(proof.treeSize) > Number(proof.logIndex));
    });
    it("--upgrade-version writes a v0.3 bundle that verify accepts", async () => {
      const run = await fix(["--upgrade-version", "--bundle", v01()]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /rewrote it as a v0\.3 bundle; verified/);
      const fixed = JSON.parse(run.stdout);
      assert.equal(fixed.mediaType, "application/vnd.dev.sigstore.bundle.v0.3+json");
      const material = v03.verificationMaterial as Record<string, unknown>;
      assert.deepEqual(fixed.verificationMaterial.certificate, material.certificate);
      writeFileSync(`${work}/upgraded.json`, run.stdout);
      const ok = await runCli([
        "--trust-config",
        config,
        "verify",
        "identity",
        ...id,
        "--offline",
        "--bundle",
        `${work}/upgraded.json`,
        signedBundle,
      ]);
      assert.equal(ok.code, 0, ok.stderr);
    });
    it("--in-place replaces the file atomically (no temporary left behind)", async () => {
      const path = v01();
      const run = await fix(["--upgrade-version", "--in-place", "--bundle", path]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, /^Fixed .*: fetched .*; rewrote it as a v0\.3 bundle; verified\n$/);
      assert.equal(
        JSON.parse(readFileSync(path, "utf8")).mediaType,
        "application/vnd.dev.sigstore.bundle.v0.3+json",
      );
      assert.deepEqual(readdirSync(work).filter((f) => f.endsWith(".tmp")), []);
    });
    it("the twin: a body that is not the log's entry at that index is refused, file untouched", async () => {
      const path = v01((e) => {
        e.logIndex = String(Number(e.logIndex) === 0 ? 1 : Number(e.logIndex) - 1);
      });
      const before = readFileSync(path, "utf8");
      const run = await fix(["--in-place", "--bundle", path]);
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /^error: Rekor \(.*\) has a different entry at log index \d+ than the bundle's tlogEntries\[0\]\n$/,
      );
      assert.equal(readFileSync(path, "utf8"), before);
    });
    it("the twin: an index the log does not have", async () => {
      const run = await fix(["--bundle", v01((e) => (e.logIndex = "999999999"))]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^error: No Rekor \(.*\) has the entry at log index 999999999\n$/);
    });
    it("the twin: a fixed bundle that does not verify is not written", async () => {
      const path = v01();
      const b = JSON.parse(readFileSync(path, "utf8"));
      b.messageSignature.messageDigest.digest = Buffer.alloc(32, 7).toString("base64");
      writeFileSync(path, JSON.stringify(b));
      const before = readFileSync(path, "utf8");
      const run = await fix(["--upgrade-version", "--in-place", "--bundle", path]);
      assert.equal(run.code, 1);
      assert.equal(readFileSync(path, "utf8"), before);
    });
    it("the twin: Rekor down is a one-line NETWORK error, file untouched", async () => {
      const tc = JSON.parse(readFileSync(config, "utf8"));
      tc.signingConfig.rekorTlogUrls = [{
        url: "http://127.0.0.1:1",
        majorApiVersion: 1,
        validFor: { start: "2020-01-01T00:00:00Z" },
      }];
      writeFileSync(`${work}/down.json`, JSON.stringify(tc));
      const path = v01();
      const run = await runCli([
        "--trust-config",
        `${work}/down.json`,
        "plumbing",
        "fix-bundle",
        "--in-place",
        "--bundle",
        path,
      ]);
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /^error: Rekor \(GET http:\/\/127\.0\.0\.1:1\/api\/v1\/log\/entries\) failed after 3 attempts/,
      );
      assert.equal(run.stderr.split("\n").length, 2);
    });
  });
}
