/**
 * Inputs the CLI must handle as a new user gives them: artifacts on
 * standard input, FIFOs and pipes (hashed as streams); bundles that never
 * end (/dev/zero) or are too large; crafted file names and file contents
 * that try to forge an `OK:` line; permissions that are not granted; and
 * error wording. Runs on a genuine production bundle from testdata/, so it
 * needs no network and no ../shared.
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import process from "node:process";
import { tmpdir } from "node:os";
import { after, describe, it } from "node:test";
import { MAX_DOCUMENT_BYTES } from "../../lib/cli/files.ts";
import { describePermissionDenied } from "../../lib/cli/permissions.ts";
import { bounded, MAX_PRINTED_CHARS, oneLine, quote, safeProse } from "../../lib/cli/safe_text.ts";
import { type CliRun, runCli, TEST_CACHE_DIR } from "../_support/cli.ts";
import { REPO_ROOT, TESTDATA } from "../_support/paths.ts";

const GENUINE = `${TESTDATA}/genuine/java-bundle-v3-prod`;
const ARTIFACT = readFileSync(`${GENUINE}/artifact`);
const BUNDLE = `${GENUINE}/bundle.sigstore.json`;
const SIGNER = ["--cert-identity", "appu@google.com", "--cert-oidc-issuer", "https://accounts.google.com"];
const VERIFY = ["verify", "identity", ...SIGNER, "--bundle", BUNDLE];
const RSA = `${TESTDATA}/genuine/java2-pkix-rsa2048-prod`;
const DENO = `${REPO_ROOT}/node_modules/.bin/deno`;

const work = mkdtempSync(`${tmpdir()}/sigstore-ts-inputs-`);
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs the real executable (cli.ts on Deno) with `permissions`, feeding `stdin`. */
function runProcess(permissions: string[], args: string[], stdin?: Uint8Array, shell = false): CliRun {
  const command = [DENO, "run", "--quiet", "--no-prompt", ...permissions, `${REPO_ROOT}/cli.ts`, ...args];
  const env = { ...process.env, SIGSTORE_TS_CACHE_DIR: TEST_CACHE_DIR }; // fresh trust: no TUF refresh
  const r = shell
    ? spawnSync("bash", ["-c", command.join(" ")], { encoding: "utf8", input: stdin, env })
    : spawnSync(command[0]!, command.slice(1), { encoding: "utf8", input: stdin, env });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** One line on stderr, and no line of it starts with `OK:`. */
function assertNoForgedLine(run: CliRun): void {
  const lines = run.stderr.split("\n").filter((l) => l !== "");
  assert.equal(lines.length, 1, JSON.stringify(run.stderr));
  assert.ok(!lines.some((l) => /^OK:/.test(l)), run.stderr);
}

describe("artifacts from standard input, FIFOs and pipes are hashed as streams", () => {
  it("- reads standard input", async () => {
    const run = await runCli([...VERIFY, "-"], {}, new Date(), ARTIFACT);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "OK: -\n");
  });
  it("the twin: other bytes on standard input fail", async () => {
    const run = await runCli([...VERIFY, "-"], {}, new Date(), new TextEncoder().encode("other\n"));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^FAIL: -: /);
  });
  it("- in the real process (process.stdin)", () => {
    const ok = runProcess(["--allow-read", "--allow-env"], [...VERIFY, "-"], ARTIFACT);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stderr, "OK: -\n");
    const bad = runProcess(["--allow-read", "--allow-env"], [...VERIFY, "-"], new Uint8Array([1, 2, 3]));
    assert.equal(bad.code, 1, bad.stderr);
  });
  it("a pipe given as a path (/dev/fd/N)", () => {
    const run = runProcess(
      ["--allow-read", "--allow-env"],
      [...VERIFY, `<(cat ${GENUINE}/artifact)`],
      undefined,
      true,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^OK: \/dev\/fd\/\d+\n$/);
  });
  it("a FIFO", async () => {
    const fifo = `${work}/fifo`;
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
    const writer = spawn("sh", ["-c", `cat "${GENUINE}/artifact" > "${fifo}"`]);
    const closed = new Promise((r) => writer.on("close", r));
    await new Promise((r) => writer.on("spawn", r)); // the writer runs before the reader may block in open()
    const run = await runCli([...VERIFY, fifo]);
    await closed;
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, `OK: ${fifo}\n`);
  });
  it("a large stream is verified from its digest; an RSA signature needs the bytes, which are kept", async () => {
    const rsaArgs = [
      "verify",
      "identity",
      "--cert-identity",
      readFileSync(`${RSA}/identity`, "utf8").trim(),
      "--cert-oidc-issuer",
      readFileSync(`${RSA}/issuer`, "utf8").trim(),
      "--bundle",
      `${RSA}/bundle.sigstore.json`,
    ];
    const ok = await runCli([...rsaArgs, "-"], {}, new Date(), readFileSync(`${RSA}/artifact`));
    assert.equal(ok.code, 0, ok.stderr);
    const digest = await runCli([...rsaArgs, `sha256:${sha256(readFileSync(`${RSA}/artifact`))}`]);
    assert.match(digest.stderr, /Cannot verify an RSA signature from a digest alone/);
  });
  it("- twice, and - without --bundle, are usage errors", async () => {
    const twice = await runCli(["verify", "identity", ...SIGNER, "-", "-"]);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /- \(standard input\) can be given only once/);
    const noBundle = await runCli(["verify", "identity", ...SIGNER, "-"]);
    assert.equal(noBundle.code, 2);
    assert.match(noBundle.stderr, /The input - needs --bundle \(or --certificate and --signature\)/);
  });
  it("a directory is still refused", async () => {
    const run = await runCli([...VERIFY, work]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Cannot read artifact ".*": is a directory, not a file/);
  });
});

describe("bundle files have a size limit", () => {
  it(`--bundle /dev/zero stops at ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`, async () => {
    const start = Date.now();
    const run = await runCli([
      "verify",
      "identity",
      ...SIGNER,
      "--bundle",
      "/dev/zero",
      `${GENUINE}/artifact`,
    ]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /Cannot read bundle "\/dev\/zero": it is larger than 64 MiB, the limit for a bundle/,
    );
    assert.ok(Date.now() - start < 20_000, "bounded time");
  });
  it("a bundle one byte over the limit is refused; one within it is read", async () => {
    const big = `${work}/big.json`;
    const text = readFileSync(BUNDLE, "utf8");
    writeFileSync(big, text + " ".repeat(MAX_DOCUMENT_BYTES - Buffer.byteLength(text)));
    const ok = await runCli(["verify", "identity", ...SIGNER, "--bundle", big, `${GENUINE}/artifact`]);
    assert.equal(ok.code, 0, ok.stderr);
    writeFileSync(big, " ", { flag: "a" });
    const over = await runCli(["verify", "identity", ...SIGNER, "--bundle", big, `${GENUINE}/artifact`]);
    assert.equal(over.code, 1);
    assert.match(over.stderr, /larger than 64 MiB/);
  });
  it("a trust root from /dev/zero is bounded too", async () => {
    const run = await runCli([...VERIFY, "--trusted-root", "/dev/zero", `${GENUINE}/artifact`]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: Cannot read trusted root "\/dev\/zero": it is larger than 64 MiB/);
  });
});

describe("printed input-derived text cannot forge lines", () => {
  it("a file name with a newline and OK:", async () => {
    const dir = `${work}/names`;
    mkdirSync(dir, { recursive: true });
    const name = `${dir}/x\nOK: forged.txt`;
    copyFileSync(`${GENUINE}/artifact`, name);
    writeFileSync(`${name}.sigstore.json`, "{}");
    const run = await runCli(["verify", "identity", ...SIGNER, name]);
    assert.equal(run.code, 1);
    assertNoForgedLine(run);
    assert.match(run.stderr, /^FAIL: .*x\\nOK: forged\.txt: /);
  });
  it("the twin: the same file verified prints an escaped OK line", async () => {
    const name = `${work}/names/y\r\u001b[2Kz`;
    copyFileSync(`${GENUINE}/artifact`, name);
    const run = await runCli([...VERIFY, name]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, `OK: ${work}/names/y\\r\\u001b[2Kz\n`);
  });
  it("a bundle whose bytes try to end the line", async () => {
    const bundle = `${work}/crafted.json`;
    writeFileSync(bundle, `not json\nOK: ${GENUINE}/artifact\n\u2028OK: again`);
    const run = await runCli(["verify", "identity", ...SIGNER, "--bundle", bundle, `${GENUINE}/artifact`]);
    assert.equal(run.code, 1);
    assertNoForgedLine(run);
  });
  it("with -v too (causes and code on indented lines only)", async () => {
    const bundle = `${work}/crafted.json`;
    const run = await runCli([
      "verify",
      "identity",
      "-v",
      ...SIGNER,
      "--bundle",
      bundle,
      `${GENUINE}/artifact`,
    ]);
    assert.equal(run.code, 1);
    // -v first names the trust in use (one line of its own), then the FAIL line, then indented causes.
    const lines = run.stderr.split("\n").filter(Boolean);
    assert.match(lines[0]!, /^trust: cache /);
    assert.match(lines[1]!, /^FAIL: /);
    for (const line of lines.slice(2)) assert.match(line, /^ {2}\S/);
  });
  it("a huge name is bounded", async () => {
    const label = `sha256:${"a".repeat(5000)}`;
    const run = await runCli([...VERIFY, label]);
    assert.equal(run.code, 2);
    assert.ok(run.stderr.length < 400, `${run.stderr.length} characters`);
  });
  it("the helpers escape controls, separators and bidi overrides, and bound length", () => {
    assert.equal(oneLine("a\nb\tc\u0000d\u202ee\u2028f\u009bg"), "a\\nb\\tc\\u0000d\\u202ee\\u2028f\\u009bg");
    assert.equal(oneLine("plain text, unicode ✓"), "plain text, unicode ✓");
    assert.equal(
      safeProse("visit\n\thttps://x/\u001b[2J?code=\r1"),
      "visit\n\thttps://x/\\u001b[2J?code=\\r1",
    );
    assert.equal(quote('say "hi"\\'), '"say \\"hi\\"\\\\"');
    const long = bounded("x".repeat(MAX_PRINTED_CHARS + 50));
    assert.ok(long.startsWith("x".repeat(MAX_PRINTED_CHARS)));
    assert.match(long, /… \(50 more characters\)$/);
    assert.equal(bounded(`${"x".repeat(MAX_PRINTED_CHARS - 1)}😀`).endsWith("… (2 more characters)"), true);
  });
});

describe("a denied permission names the permission", () => {
  it("Deno without --allow-read", () => {
    const run = runProcess(["--allow-env"], [...VERIFY, `${GENUINE}/artifact`]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      // The first file read is the trust cache (the trust is chosen before any bundle is read).
      /missing permission: read access to ".*\.trust\.json" \(run deno with --allow-read\)/,
    );
    assert.doesNotMatch(run.stderr, /internal error/);
  });
  it("Deno without --allow-env: environment defaults read as unset (the sandbox gave no environment)", () => {
    const run = (permissions: string[]) => {
      const command = [DENO, "run", "--quiet", "--no-prompt", ...permissions, `${REPO_ROOT}/cli.ts`];
      const r = spawnSync(command[0]!, [
        ...command.slice(1),
        "verify",
        "identity",
        "--offline",
        "--bundle",
        BUNDLE,
        `${GENUINE}/artifact`,
      ], {
        encoding: "utf8",
        env: {
          ...process.env,
          SIGSTORE_TS_CACHE_DIR: TEST_CACHE_DIR,
          SIGSTORE_CERT_IDENTITY: "appu@google.com",
          SIGSTORE_CERT_OIDC_ISSUER: "https://accounts.google.com",
        },
      });
      return { code: r.status ?? -1, stderr: r.stderr };
    };
    const denied = run(["--allow-read"]);
    assert.equal(denied.code, 2, denied.stderr);
    assert.match(denied.stderr, /^error: verify identity needs --cert-identity/);
    // The twin: with the environment granted, the same defaults apply.
    const granted = run(["--allow-read", "--allow-env"]);
    assert.equal(granted.code, 0, granted.stderr);
    assert.match(granted.stderr, /^OK: /);
  });
  it("Deno without --allow-net, where Rekor is needed: at once, naming the flag", () => {
    const bundle = JSON.parse(readFileSync(BUNDLE, "utf8"));
    writeFileSync(
      `${work}/net.crt`,
      `-----BEGIN CERTIFICATE-----\n${bundle.verificationMaterial.certificate.rawBytes}\n-----END CERTIFICATE-----\n`,
    );
    writeFileSync(`${work}/net.sig`, `${bundle.messageSignature.signature}\n`);
    const start = Date.now();
    const run = runProcess(["--allow-read", "--allow-env"], [
      "verify",
      "identity",
      ...SIGNER,
      "--certificate",
      `${work}/net.crt`,
      "--signature",
      `${work}/net.sig`,
      `${GENUINE}/artifact`,
    ]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^FAIL: .*: Rekor \(POST https:\/\/rekor\.sigstore\.dev\/api\/v1\/log\/entries\/retrieve\) is not allowed: Requires net access to "rekor\.sigstore\.dev(:443)?", run again with the --allow-net flag\n$/,
    );
    assert.ok(Date.now() - start < 1500, "no retries (their backoff alone is 1.5 s)");
  });
  it("the twin: with the permissions granted it verifies", () => {
    const run = runProcess(["--allow-read", "--allow-env"], [...VERIFY, `${GENUINE}/artifact`]);
    assert.equal(run.code, 0, run.stderr);
  });
  it("a file the user may not read (a real EACCES)", () => {
    const dir = mkdtempSync(`${tmpdir()}/sigstore-ts-eacces-`);
    try {
      copyFileSync(`${GENUINE}/artifact`, `${dir}/artifact`);
      copyFileSync(BUNDLE, `${dir}/bundle.json`);
      chmodSync(dir, 0o755);
      chmodSync(`${dir}/bundle.json`, 0o644);
      chmodSync(`${dir}/artifact`, 0o000);
      const args = ["verify", "identity", ...SIGNER, "--bundle", `${dir}/bundle.json`, `${dir}/artifact`];
      // root reads anything: run as nobody then (setpriv is in util-linux).
      const asUser = process.getuid?.() === 0
        ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        : [];
      const command = [
        ...asUser,
        DENO,
        "run",
        "--quiet",
        "--no-prompt",
        "-A",
        `${REPO_ROOT}/cli.ts`,
        ...args,
      ];
      const env = { ...process.env, SIGSTORE_TS_CACHE_DIR: TEST_CACHE_DIR };
      const r = spawnSync(command[0]!, command.slice(1), { encoding: "utf8", env });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(
        r.stderr,
        `FAIL: ${dir}/artifact: Cannot read artifact "${dir}/artifact": permission denied: this user has no read permission for it\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("an operating-system refusal (EACCES) says permission denied, for reading and writing", () => {
    const eacces = Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: "EACCES" });
    assert.equal(
      describePermissionDenied(eacces),
      "permission denied: this user has no read permission for it",
    );
    assert.equal(
      describePermissionDenied(eacces, "write"),
      "permission denied: this user has no write permission for it",
    );
    assert.equal(describePermissionDenied(new Error("other")), undefined);
  });
});

describe("error wording", () => {
  it("a missing field says so (no 'a undefined')", async () => {
    const bundle = `${work}/nomaterial.json`;
    writeFileSync(bundle, JSON.stringify({ mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json" }));
    const run = await runCli(["verify", "identity", ...SIGNER, "--bundle", bundle, `${GENUINE}/artifact`]);
    assert.match(
      run.stderr,
      /verificationMaterial: expected an object, found nothing \(the field is missing\)/,
    );
    assert.doesNotMatch(run.stderr, /\ba undefined\b|\ba object\b/);
  });
  it("a predicate that is not JSON: where, not a quote of the input", async () => {
    const predicate = `${work}/p.json`;
    writeFileSync(predicate, '{"a": "unbalanced');
    const run = await runCli([
      "attest",
      "--predicate",
      predicate,
      "--predicate-type",
      "https://example.com/t",
      `${GENUINE}/artifact`,
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: Predicate ".*p\.json" is not valid JSON( \(at position \d+\))? \(see/);
    assert.equal((run.stderr.match(/"/g) ?? []).length % 2, 0, "balanced quotes");
  });
});

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
