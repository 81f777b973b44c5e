/**
 * Round trips through our signer against the real Sigstore services run on
 * 127.0.0.1 (scripts/local_sigstore): message signatures and DSSE
 * attestations, Rekor v1 and v2, with and without a timestamp authority,
 * through the CLI and through mod.ts; and the interoperability matrix with
 * the reference Python client and cosign in both directions.
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, before, describe, it } from "node:test";
import { main } from "../../lib/cli/mod.ts";
import { createSigner } from "../../lib/sign/mod.ts";
import { createHttpClient } from "../../lib/net/mod.ts";
import * as api from "../../mod.ts";
import { parseBundle, parseClientTrustConfigJson } from "../../mod.ts";
import { decodeIdentityToken, getIdentityToken, identityOf } from "../../lib/oidc/mod.ts";
import { createNodeOidcEnvironment } from "../../lib/oidc/node_environment.ts";
import { verifyBundle } from "../../lib/verify/mod.ts";
import { type LocalInstance, localInstance, mintToken } from "./_local_instance.ts";
import { skipTest, testsUnavailable } from "../_support/unavailable.ts";

const EMAIL = "alice@example.com";

async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
    now: () => new Date(),
  });
  return { code, stdout, stderr };
}

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

const instance: LocalInstance | undefined = localInstance();
if (instance === undefined) {
  testsUnavailable(
    "tests/sign/round_trip_test.ts",
    "no local Sigstore instance (run `bash scripts/local_sigstore.sh install`, or set LOCAL_SIGSTORE_STATE)",
  );
} else {
  const inst = instance;
  const env = inst.env;
  const work = mkdtempSync(`${tmpdir()}/sigstore-ts-roundtrip-`);
  const python = `${inst.binDir}/sigstore-python-4.5.1/bin/sigstore`;
  const cosign = `${inst.binDir}/cosign-v3.1.2/cosign`;
  let token = "";
  before(async () => {
    token = await mintToken(inst);
  });
  after(() => {
    rmSync(work, { recursive: true, force: true });
    inst.stop();
  });

  const configs = {
    "Rekor v1 + TSA": `${inst.state}/trust_config_rekor_v1.json`,
    "Rekor v2 + TSA": `${inst.state}/trust_config_rekor_v2.json`,
  } as const;
  // A config without any timestamp authority, for the "without TSA" cells (Rekor v1 only:
  // Rekor v2 needs a timestamp).
  const noTsaConfig = `${work}/trust_config_rekor_v1_no_tsa.json`;
  {
    const json = JSON.parse(readFileSync(configs["Rekor v1 + TSA"], "utf8"));
    json.signingConfig.tsaUrls = [];
    writeFileSync(noTsaConfig, JSON.stringify(json));
  }
  const allConfigs = { ...configs, "Rekor v1, no TSA": noTsaConfig };

  const verifyOurs = (config: string, file: string) =>
    cli([
      "--trust-config",
      config,
      "verify",
      "identity",
      "--cert-identity",
      EMAIL,
      "--cert-oidc-issuer",
      env.OIDC_URL!,
      file,
    ]);

  describe("CLI round trips on the local instance", () => {
    let n = 0;
    for (const [label, config] of Object.entries(allConfigs)) {
      it(`sign → verify (${label})`, async () => {
        const file = `${work}/msg-${n++}.txt`;
        writeFileSync(file, `message ${label}\n`);
        const signed = await cli(["--trust-config", config, "sign", "--identity-token", token, file]);
        assert.equal(signed.code, 0, signed.stderr);
        assert.doesNotMatch(
          signed.stderr + signed.stdout,
          new RegExp(token.split(".")[1]!),
          "token never printed",
        );
        const bundle = JSON.parse(readFileSync(`${file}.sigstore.json`, "utf8"));
        assert.equal(bundle.mediaType, "application/vnd.dev.sigstore.bundle.v0.3+json");
        const entry = bundle.verificationMaterial.tlogEntries[0];
        assert.equal(entry.kindVersion.version, label.startsWith("Rekor v2") ? "0.0.2" : "0.0.1");
        assert.equal(
          (bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? []).length,
          label.includes("no TSA") ? 0 : 1,
        );
        const ok = await verifyOurs(config, file);
        assert.equal(ok.code, 0, ok.stderr);
        writeFileSync(file, "tampered\n");
        const bad = await verifyOurs(config, file);
        assert.equal(bad.code, 1);
      });
      it(`attest → verify (${label})`, async () => {
        const file = `${work}/att-${n++}.txt`;
        writeFileSync(file, `artifact ${label}\n`);
        writeFileSync(`${work}/predicate.json`, JSON.stringify({ builder: { id: "local" } }));
        const signed = await cli([
          "--trust-config",
          config,
          "attest",
          "--identity-token",
          token,
          "--predicate",
          `${work}/predicate.json`,
          "--predicate-type",
          "https://example.com/custom/v1",
          file,
        ]);
        assert.equal(signed.code, 0, signed.stderr);
        const bundle = JSON.parse(readFileSync(`${file}.sigstore.json`, "utf8"));
        assert.equal(bundle.dsseEnvelope.payloadType, "application/vnd.in-toto+json");
        const ok = await verifyOurs(config, file);
        assert.equal(ok.code, 0, ok.stderr);
        if (existsSync(python)) {
          const py = run(python, [
            "--trust-config",
            config,
            "verify",
            "identity",
            "--cert-identity",
            EMAIL,
            "--cert-oidc-issuer",
            env.OIDC_URL!,
            file,
          ]);
          assert.equal(py.code, 0, `sigstore-python: ${py.out}`);
        }
      });
    }
    it("refuses to overwrite, then overwrites with --overwrite; --signature and --certificate outputs", async () => {
      const file = `${work}/outputs.txt`;
      writeFileSync(file, "outputs\n");
      const config = configs["Rekor v1 + TSA"];
      assert.equal((await cli(["--trust-config", config, "sign", "--identity-token", token, file])).code, 0);
      const again = await cli(["--trust-config", config, "sign", "--identity-token", token, file]);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /Refusing to overwrite/);
      const forced = await cli([
        "--trust-config",
        config,
        "sign",
        "--identity-token",
        token,
        "--overwrite",
        "--signature",
        `${file}.sig`,
        "--certificate",
        `${file}.crt`,
        file,
      ]);
      assert.equal(forced.code, 0, forced.stderr);
      assert.match(readFileSync(`${file}.crt`, "utf8"), /^-----BEGIN CERTIFICATE-----/);
      assert.ok(readFileSync(`${file}.sig`, "utf8").trim().length > 60);
    });
  });

  describe("failures against the real services", () => {
    it("Rekor down: one-line error, exit 1, no output file", async () => {
      const json = JSON.parse(readFileSync(configs["Rekor v1 + TSA"], "utf8"));
      json.signingConfig.rekorTlogUrls = json.signingConfig.rekorTlogUrls.map((s: { url: string }) => ({
        ...s,
        url: "http://127.0.0.1:1",
      }));
      const config = `${work}/trust_config_rekor_down.json`;
      writeFileSync(config, JSON.stringify(json));
      const file = `${work}/rekor-down.txt`;
      writeFileSync(file, "x\n");
      const r = await cli(["--trust-config", config, "sign", "--identity-token", token, file]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: Rekor .*failed after 3 attempts: cannot connect/m);
      assert.equal(existsSync(`${file}.sigstore.json`), false);
    });
    it("a token Fulcio refuses (issuer it does not know) is a one-line refusal", async () => {
      const foreign = await mintToken(inst, "email=alice@example.com&iss=https://unknown.example");
      const file = `${work}/foreign.txt`;
      writeFileSync(file, "x\n");
      const r = await cli([
        "--trust-config",
        configs["Rekor v1 + TSA"],
        "sign",
        "--identity-token",
        foreign,
        file,
      ]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: Fulcio refused the request: HTTP 4\d\d/m);
      assert.doesNotMatch(r.stderr, new RegExp(foreign.split(".")[1]!));
      assert.equal(existsSync(`${file}.sigstore.json`), false);
    });
  });

  describe("library round trip through mod.ts and lib/sign", () => {
    for (const [label, path] of Object.entries(allConfigs)) {
      it(`mod.ts createSigner() signs an artifact and an attestation (${label})`, async () => {
        const config = parseClientTrustConfigJson(readFileSync(path, "utf8"));
        const who = api.identityOf(api.decodeIdentityToken(token));
        const signer = await api.createSigner({ token, identity: who.identity, challenge: who.challenge }, {
          trustedRoot: config.trustedRoot,
          signingConfig: config.signingConfig!,
          http: api.createHttpClient(),
          now: () => new Date(),
        });
        const policy = { subject: { exact: EMAIL }, issuer: env.OIDC_URL!, extensions: [] };
        const bytes = new TextEncoder().encode(`library ${label}`);
        const signed = await signer.signArtifact(bytes);
        await api.verifyBundle(api.parseBundle(signed.bundle), { kind: "bytes", bytes }, {
          trustedRoot: config.trustedRoot,
          signer: { kind: "identity", policy },
          now: new Date(),
        });
        const sha = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
        const statement = new TextEncoder().encode(JSON.stringify({
          _type: "https://in-toto.io/Statement/v1",
          subject: [{
            name: "x",
            digest: { sha256: [...sha].map((b) => b.toString(16).padStart(2, "0")).join("") },
          }],
          predicateType: "https://example.com/p",
          predicate: {},
        }));
        const attested = await signer.signStatement(statement);
        const result = await api.verifyBundle(api.parseBundle(attested.bundle), { kind: "bytes", bytes }, {
          trustedRoot: config.trustedRoot,
          signer: { kind: "identity", policy },
          now: new Date(),
        });
        assert.equal(result.content.kind, "dsseEnvelope");
      });
    }
    it("createSigner() signs an artifact and the bundle verifies", async () => {
      const config = parseClientTrustConfigJson(readFileSync(configs["Rekor v2 + TSA"], "utf8"));
      const claims = decodeIdentityToken(token);
      const who = identityOf(claims);
      const signer = await createSigner({ token, identity: who.identity, challenge: who.challenge }, {
        trustedRoot: config.trustedRoot,
        signingConfig: config.signingConfig!,
        http: createHttpClient(),
        now: () => new Date(),
      });
      const bytes = new TextEncoder().encode("library round trip");
      const signed = await signer.signArtifact(bytes);
      const result = await verifyBundle(parseBundle(signed.bundle), { kind: "bytes", bytes }, {
        trustedRoot: config.trustedRoot,
        signer: {
          kind: "identity",
          policy: { subject: { exact: EMAIL }, issuer: env.OIDC_URL!, extensions: [] },
        },
        now: new Date(),
      });
      assert.equal(result.signer.kind, "certificate");
      assert.equal(result.verifiedTimes[0]!.source, "timestamp-authority");
    });
  });

  describe("a clock behind the services", () => {
    const signWithClockBehind = async (lagMs: number) => {
      const config = parseClientTrustConfigJson(readFileSync(configs["Rekor v1 + TSA"], "utf8"));
      const who = identityOf(decodeIdentityToken(token));
      const signer = await createSigner({ token, identity: who.identity, challenge: who.challenge }, {
        trustedRoot: config.trustedRoot,
        signingConfig: config.signingConfig!,
        http: createHttpClient(),
        now: () => new Date(Date.now() - lagMs),
      });
      return await signer.signArtifact(new TextEncoder().encode(`clock ${lagMs} ms behind`));
    };
    it("1.5 s behind: the certificate starts after this clock's present, so the signer waits until it is valid", async () => {
      const signed = await signWithClockBehind(1_500);
      assert.equal(signed.verification.signer.kind, "certificate");
    });
    it("its twin, 10 s behind: one line naming the clock, no bundle", async () => {
      await assert.rejects(
        signWithClockBehind(10_000),
        (e: Error & { code?: string }) =>
          e.code === "CONFIG" && /starts \d+ s in the future: check this machine's clock/.test(e.message),
      );
    });
  });

  describe("OAuth flows against the local OIDC issuer", () => {
    it("authorization code with PKCE: the test drives the browser redirect to the loopback server", async () => {
      const base = createNodeOidcEnvironment({ env: {}, write: () => {} });
      let opened = "";
      const result = await getIdentityToken({
        issuerUrl: env.OIDC_URL!,
        disableAmbient: true,
        useDevice: false,
      }, {
        ...base,
        hasDisplay: true,
        async openBrowser(url: string) {
          opened = url;
          // The "browser": the issuer auto-approves and redirects to our loopback callback.
          const approve = await fetch(url, { redirect: "manual" });
          const location = approve.headers.get("location");
          assert.ok(location?.startsWith("http://localhost:"), `redirect to loopback, got ${location}`);
          await (await fetch(location!.replace("http://localhost:", "http://127.0.0.1:"))).text();
          return true;
        },
      });
      assert.equal(result.source, "browser");
      assert.match(opened, /code_challenge_method=S256/);
      assert.match(identityOf(result.claims).identity, /^[^@\s]+@[^@\s]+$/);
    });
    it("device authorization: polls through authorization_pending to a token", async () => {
      const base = createNodeOidcEnvironment({ env: {}, write: () => {} });
      let printed = "";
      const result = await getIdentityToken({
        issuerUrl: env.OIDC_URL!,
        disableAmbient: true,
        useDevice: true,
      }, {
        ...base,
        hasDisplay: false,
        print: (t: string) => (printed += t),
        sleep: () => Promise.resolve(),
      });
      assert.equal(result.source, "device");
      assert.match(printed, /device|code/i);
      assert.doesNotMatch(printed, new RegExp(result.token.split(".")[1]!));
      assert.ok(identityOf(result.claims).identity.length > 0);
    });
    it("get-identity-token uses the device flow when there is no display and prints only the token", async () => {
      const r = await cli([
        "--trust-config",
        configs["Rekor v1 + TSA"],
        "get-identity-token",
        "--oidc-disable-ambient-providers",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const printed = r.stdout.trim();
      assert.equal(printed.split(".").length, 3, "a JWT on stdout");
      assert.equal(decodeIdentityToken(printed).aud[0], "sigstore");
      assert.doesNotMatch(r.stderr, new RegExp(printed.split(".")[1]!), "the token is not on stderr");
    });
  });

  describe("interoperability", () => {
    for (const [label, config] of Object.entries(configs)) {
      it(`sigstore-python verifies our bundle (${label})`, async (t) => {
        if (!existsSync(python)) return skipTest(t, "sigstore-python not installed");
        const file = `${work}/interop-py-${label.replace(/\W+/g, "-")}.txt`;
        writeFileSync(file, "interop\n");
        const signed = await cli(["--trust-config", config, "sign", "--identity-token", token, file]);
        assert.equal(signed.code, 0, signed.stderr);
        const py = run(python, [
          "--trust-config",
          config,
          "verify",
          "identity",
          "--cert-identity",
          EMAIL,
          "--cert-oidc-issuer",
          env.OIDC_URL!,
          file,
        ]);
        assert.equal(py.code, 0, py.out);
      });
      it(`we verify a sigstore-python bundle (${label})`, async (t) => {
        if (!existsSync(python)) return skipTest(t, "sigstore-python not installed");
        const file = `${work}/from-py-${label.replace(/\W+/g, "-")}.txt`;
        writeFileSync(file, "signed by python\n");
        const py = run(python, ["--trust-config", config, "sign", "--identity-token", token, file]);
        assert.equal(py.code, 0, py.out);
        const ok = await verifyOurs(config, file);
        assert.equal(ok.code, 0, ok.stderr);
      });
      it(`cosign verifies our bundle (${label})`, async (t) => {
        if (!existsSync(cosign)) return skipTest(t, "cosign not installed (LOCAL_SIGSTORE_COSIGN=1 install)");
        const file = `${work}/interop-cosign-${label.replace(/\W+/g, "-")}.txt`;
        writeFileSync(file, "for cosign\n");
        const signed = await cli(["--trust-config", config, "sign", "--identity-token", token, file]);
        assert.equal(signed.code, 0, signed.stderr);
        const c = run(cosign, [
          "verify-blob",
          "--bundle",
          `${file}.sigstore.json`,
          "--trusted-root",
          `${inst.state}/trusted_root.json`,
          "--certificate-identity",
          EMAIL,
          "--certificate-oidc-issuer",
          env.OIDC_URL!,
          file,
        ]);
        assert.equal(c.code, 0, c.out);
      });
      it(`we verify a cosign bundle (${label})`, async (t) => {
        if (!existsSync(cosign)) return skipTest(t, "cosign not installed (LOCAL_SIGSTORE_COSIGN=1 install)");
        const file = `${work}/from-cosign-${label.replace(/\W+/g, "-")}.txt`;
        writeFileSync(file, "signed by cosign\n");
        const sc = label.startsWith("Rekor v2")
          ? `${inst.state}/signing_config_rekor_v2.json`
          : `${inst.state}/signing_config_rekor_v1.json`;
        const c = run(cosign, [
          "sign-blob",
          "--yes",
          "--bundle",
          `${file}.sigstore.json`,
          "--signing-config",
          sc,
          "--trusted-root",
          `${inst.state}/trusted_root.json`,
          "--identity-token",
          token,
          file,
        ]);
        assert.equal(c.code, 0, c.out);
        const ok = await verifyOurs(config, file);
        assert.equal(ok.code, 0, ok.stderr);
      });
    }
  });
}
