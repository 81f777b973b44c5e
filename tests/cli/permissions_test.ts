/**
 * The README's `deno run` permission flags are enough, and each one is
 * needed: every documented command runs in a fresh `deno run --no-prompt`
 * process under exactly the flags the README gives (the test checks that
 * the README spells them that way), and fails with the permission it lacks
 * when one grant is taken away. Inputs are copied to the names the README
 * uses (`a.txt`, `a.txt.sigstore.json`, `key.pub`) in a temporary directory.
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";
import { after, describe, it } from "node:test";
import { embeddedSigningConfig } from "../../mod.ts";
import { embeddedDocument } from "../../lib/trust/mod.ts";
import { createTestRepository } from "../trust/_tuf_repo.ts";
import { serveFiles } from "../trust/_tuf_server.ts";
import { runProcess } from "../_support/process.ts";
import { CONFORMANCE_DIR, REPO_ROOT, TESTDATA } from "../_support/paths.ts";
import { skipTest } from "../_support/unavailable.ts";
import { localInstance, mintToken } from "../sign/_local_instance.ts";

const DENO = `${REPO_ROOT}/node_modules/.bin/deno`;
const README = readFileSync(`${REPO_ROOT}/README.md`, "utf8");
const JSR_CLI = "jsr:@sigstore-ts/sigstore/cli";

/** The README's flags for each mode, as it spells them. */
const FLAGS = {
  verifyFile: ["--allow-read=a.txt,a.txt.sigstore.json"],
  verifyDigest: ["--allow-read=a.txt.sigstore.json"],
  verifyKey: ["--allow-read=a.txt,a.txt.sigstore.json,key.pub"],
  sign: (hosts: string) => [
    "--allow-read=.",
    "--allow-write=.",
    "--allow-env=SIGSTORE_IDENTITY_TOKEN",
    `--allow-net=${hosts}`,
  ],
} as const;

const work: string[] = [];
after(() => {
  for (const dir of work) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory holding `files` (name → source path). */
function workDir(files: Record<string, string>): string {
  const dir = mkdtempSync(`${tmpdir()}/sigstore-ts-perms-`);
  work.push(dir);
  for (const [name, source] of Object.entries(files)) copyFileSync(source, `${dir}/${name}`);
  return dir;
}

/** `deno run --no-prompt FLAGS cli.ts ARGS` in `cwd`, with only `env` in the environment. */
function denoRun(
  cwd: string,
  flags: readonly string[],
  args: readonly string[],
  env: Record<string, string> = {},
) {
  const r = spawnSync(DENO, ["run", "--no-prompt", ...flags, `${REPO_ROOT}/cli.ts`, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env },
  });
  return { code: r.status ?? -1, stderr: r.stderr };
}

/** The README documents `flags` for the command line that starts with `deno run FLAGS jsr:…/cli WORDS`. */
function assertDocumented(flags: readonly string[], words: string): void {
  const line = `deno run ${flags.join(" ")} ${JSR_CLI}`;
  assert.ok(README.includes(line), `README has "${line}"`);
  const at = README.indexOf(line) + line.length;
  const rest = README.slice(at, at + 300).replace(/\\\n\s*/g, "");
  assert.ok(rest.trimStart().startsWith(words), `README's command after "${line}" starts with "${words}"`);
}

/** The same flags with one of them dropped (for the rejected twins). */
function without(flags: readonly string[], drop: string): string[] {
  return flags.filter((f) => f !== drop);
}

const JAVA = `${TESTDATA}/genuine/java-bundle-v3-prod`;

/**
 * `OK: INPUT` after the one warning line --offline prints while the embedded trust (the cache is not
 * readable under these grants) is more than 30 days old.
 */
function okAfterAgeWarning(input: string): RegExp {
  return new RegExp(`^(warning: the embedded trust in use is \\d+d \\d+h old; [^\\n]*\\n)?OK: ${input}\\n$`);
}
const WHEEL = `${TESTDATA}/genuine/py-github-whl-v02`;

describe("deno run with the README's permissions: offline verification", () => {
  it("verify identity FILE: read access to the artifact and its bundle only", () => {
    const dir = workDir({
      "a.txt": `${JAVA}/artifact`,
      "a.txt.sigstore.json": `${JAVA}/bundle.sigstore.json`,
    });
    const args = [
      "verify",
      "identity",
      "--offline",
      "--cert-identity",
      "appu@google.com",
      "--cert-oidc-issuer",
    ];
    assertDocumented(FLAGS.verifyFile, "verify identity --offline --cert-identity");
    const ok = denoRun(dir, FLAGS.verifyFile, [...args, "https://accounts.google.com", "a.txt"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, okAfterAgeWarning("a\\.txt"));
    // Twin: read access to the artifact only; the bundle read is refused by Deno.
    const twin = denoRun(dir, ["--allow-read=a.txt"], [...args, "https://accounts.google.com", "a.txt"]);
    assert.equal(twin.code, 1);
    assert.match(
      twin.stderr,
      /^FAIL: a\.txt: Cannot read bundle "a\.txt\.sigstore\.json": missing permission: read access to "a\.txt\.sigstore\.json" \(run deno with --allow-read\)/m,
    );
  });

  it("env defaults apply only with --allow-env for them; without it they read as unset, never a prompt", () => {
    const dir = workDir({
      "a.txt": `${JAVA}/artifact`,
      "a.txt.sigstore.json": `${JAVA}/bundle.sigstore.json`,
    });
    const env = {
      SIGSTORE_CERT_IDENTITY: "appu@google.com",
      SIGSTORE_CERT_OIDC_ISSUER: "https://accounts.google.com",
    };
    const granted = denoRun(
      dir,
      [
        ...FLAGS.verifyFile,
        "--allow-env=SIGSTORE_CERT_IDENTITY,SIGSTORE_CERT_OIDC_ISSUER",
      ],
      ["verify", "identity", "--offline", "a.txt"],
      env,
    );
    assert.equal(granted.code, 0, granted.stderr);
    const ungranted = denoRun(dir, FLAGS.verifyFile, ["verify", "identity", "--offline", "a.txt"], env);
    assert.equal(ungranted.code, 2, ungranted.stderr);
    assert.match(ungranted.stderr, /needs --cert-identity and --cert-oidc-issuer/);
  });

  it("verify github DIGEST: read access to the bundle only", () => {
    const dir = workDir({ "a.txt.sigstore.json": `${WHEEL}/bundle.sigstore.json` });
    const digest = readFileSync(`${WHEEL}/digest`, "utf8").trim();
    const identity = readFileSync(`${WHEEL}/identity`, "utf8").trim();
    assertDocumented(FLAGS.verifyDigest, "verify github --offline --bundle a.txt.sigstore.json");
    const args = [
      "verify",
      "github",
      "--offline",
      "--bundle",
      "a.txt.sigstore.json",
      "--cert-identity",
      identity,
    ];
    const ok = denoRun(dir, FLAGS.verifyDigest, [...args, "--repository", "trailofbits/rfc8785.py", digest]);
    assert.equal(ok.code, 0, ok.stderr);
    // Twin: no read access at all.
    const twin = denoRun(dir, [], [...args, "--repository", "trailofbits/rfc8785.py", digest]);
    assert.equal(twin.code, 1);
    assert.match(
      twin.stderr,
      /missing permission: read access to "a\.txt\.sigstore\.json" \(run deno with --allow-read\)/,
    );
  });

  it("verify identity --key: read access to the artifact, its bundle and the key", (t) => {
    if (CONFORMANCE_DIR === undefined) {
      return skipTest(t, "conformance assets absent (../shared/conformance)");
    }
    const c = `${CONFORMANCE_DIR}/assets/bundle-verify`;
    const dir = workDir({
      "a.txt": `${c}/a.txt`,
      "a.txt.sigstore.json": `${c}/managed-key-happy-path/bundle.sigstore.json`,
      "key.pub": `${c}/managed-key-happy-path/key.pub`,
    });
    assertDocumented(FLAGS.verifyKey, "verify identity --offline --key key.pub a.txt");
    const ok = denoRun(dir, FLAGS.verifyKey, [
      "verify",
      "identity",
      "--offline",
      "--key",
      "key.pub",
      "a.txt",
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    const twin = denoRun(dir, FLAGS.verifyFile, [
      "verify",
      "identity",
      "--offline",
      "--key",
      "key.pub",
      "a.txt",
    ]);
    assert.equal(twin.code, 1);
    assert.match(twin.stderr, /missing permission: read access to "key\.pub" \(run deno with --allow-read\)/);
  });
});

const instance = localInstance();
describe("deno run with the README's permissions: online verification (trust over TUF)", () => {
  /** The README's flags, for a cache directory and a TUF repository host. */
  const onlineFlags = (cache: string, host: string) => [
    `--allow-read=a.txt,a.txt.sigstore.json,${cache}`,
    `--allow-write=${cache}`,
    "--allow-env",
    `--allow-net=${host}`,
  ];
  it("verify identity FILE: the inputs, the trust cache, the environment and the TUF host", async () => {
    assertDocumented(
      onlineFlags("$HOME/.cache/sigstore-ts", "tuf-repo-cdn.sigstore.dev"),
      "verify identity --cert-identity",
    );
    const dir = workDir({
      "a.txt": `${JAVA}/artifact`,
      "a.txt.sigstore.json": `${JAVA}/bundle.sigstore.json`,
    });
    // A TUF repository on 127.0.0.1 that serves the production trusted root, trusted with
    // trust-instance (which has its own grants); then the README's grants with its host and cache.
    const trustedRoot = new TextEncoder().encode(embeddedDocument("production", "trusted_root.json"));
    const repo = createTestRepository(new Date(), new Map([["trusted_root.json", trustedRoot]]));
    const server = await serveFiles(repo.files);
    try {
      const cache = `${dir}/cache`;
      const env = { SIGSTORE_TS_CACHE_DIR: cache };
      writeFileSync(`${dir}/root.json`, repo.roots.get(1)!);
      const init = denoRun(dir, ["--allow-read", "--allow-write", "--allow-env"], [
        "trust-instance",
        "--instance",
        server.url,
        "root.json",
      ], env);
      assert.equal(init.code, 0, init.stderr);
      const host = new URL(server.url).host;
      const args = [
        "verify",
        "identity",
        "--instance",
        server.url,
        "--cert-identity",
        "appu@google.com",
        "--cert-oidc-issuer",
        "https://accounts.google.com",
        "a.txt",
      ];
      /** The same as denoRun, without blocking this process (its server must answer). */
      const run = (flags: readonly string[]) =>
        runProcess(DENO, ["run", "--no-prompt", ...flags, `${REPO_ROOT}/cli.ts`, ...args], env, dir);
      const ok = await run(onlineFlags(cache, host));
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stderr, "OK: a.txt\n");
      assert.ok(server.requests.includes("timestamp.json"), "the trust was refreshed over the network");
      // Twins, each with one grant taken away, on a cache that needs a refresh again.
      for (const f of readdirSync(`${cache}/tuf`).filter((f) => f.endsWith(".trust.json"))) {
        rmSync(`${cache}/tuf/${f}`);
      }
      const noNet = await run(without(onlineFlags(cache, host), `--allow-net=${host}`));
      assert.equal(noNet.code, 1, noNet.stderr);
      assert.match(
        noNet.stderr,
        /^error: Cannot refresh the trust from .*Requires net access to "127\.0\.0\.1:\d+".*--allow-net/,
      );
      const noWrite = await run(without(onlineFlags(cache, host), `--allow-write=${cache}`));
      assert.equal(noWrite.code, 1, noWrite.stderr);
      assert.match(noWrite.stderr, /--allow-write/);
    } finally {
      await server.close();
    }
  });
});

describe("deno run with the README's permissions: sign", () => {
  after(() => instance?.stop());

  it("the README's production hosts are the services of the embedded production signing config", () => {
    const config = embeddedSigningConfig("production");
    const hosts = [...config.caUrls, ...config.rekorTlogUrls, ...config.tsaUrls].map((s) =>
      new URL(s.url).host
    );
    const flags = FLAGS.sign([...new Set(hosts)].join(","));
    assertDocumented(flags, "sign a.txt");
  });

  it("sign FILE on the local instance: the directory, the token variable, the services", async (t) => {
    if (instance === undefined) return skipTest(t, "no local Sigstore instance (LOCAL_SIGSTORE_STATE)");
    const dir = workDir({ "trust_config.json": `${instance.state}/trust_config.json` });
    writeFileSync(`${dir}/a.txt`, "signed under deno run permissions\n");
    const hosts = [
      instance.env.FULCIO_URL,
      instance.env.REKOR_V1_URL,
      instance.env.REKOR_V2_URL,
      instance.env.TSA_URL,
    ]
      .map((u) => new URL(u!).host).join(",");
    const flags = FLAGS.sign(hosts);
    const env = { SIGSTORE_IDENTITY_TOKEN: await mintToken(instance) };
    const args = ["--trust-config", "trust_config.json", "sign", "a.txt"];
    const ok = denoRun(dir, flags, args, env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /\(token from explicit\)/);
    assert.ok(existsSync(`${dir}/a.txt.sigstore.json`));
    // The bundle verifies under the verify flags (plus the trust config it names).
    const verify = denoRun(dir, ["--allow-read=a.txt,a.txt.sigstore.json,trust_config.json"], [
      "--trust-config",
      "trust_config.json",
      "verify",
      "identity",
      "--cert-identity",
      "alice@example.com",
      "--cert-oidc-issuer",
      instance.env.OIDC_URL!,
      "a.txt",
    ]);
    assert.equal(verify.code, 0, verify.stderr);
    // Twins: the existing bundle is refused, not overwritten; each dropped grant is named.
    const again = denoRun(dir, flags, args, env);
    assert.equal(again.code, 2, again.stderr);
    assert.match(again.stderr, /Refusing to overwrite "a\.txt\.sigstore\.json"/);
    rmSync(`${dir}/a.txt.sigstore.json`);
    for (const drop of flags) {
      const r = denoRun(dir, without(flags, drop), args, env);
      if (drop.startsWith("--allow-env=")) {
        // Without it the token variable reads as unset: no explicit token (here the local issuer's
        // auto-approving device flow stands in, over the 127.0.0.1 grant).
        assert.doesNotMatch(
          r.stderr,
          /token from explicit/,
          `the token variable is not seen without ${drop}`,
        );
      } else {
        assert.notEqual(r.code, 0, `sign without ${drop} must fail`);
        assert.ok(!existsSync(`${dir}/a.txt.sigstore.json`), `nothing written without ${drop}`);
      }
      rmSync(`${dir}/a.txt.sigstore.json`, { force: true });
    }
    // With --output-directory the grants narrow to the input, the trust config and that directory.
    assert.ok(README.includes("`--allow-read=a.txt,DIR --allow-write=DIR`"));
    mkdirSync(`${dir}/out`);
    const narrow = ["--allow-read=a.txt,trust_config.json,out", "--allow-write=out", ...flags.slice(2)];
    const inDir = denoRun(dir, narrow, [
      "--trust-config",
      "trust_config.json",
      "sign",
      "--output-directory",
      "out",
      "a.txt",
    ], env);
    assert.equal(inDir.code, 0, inDir.stderr);
    assert.ok(existsSync(`${dir}/out/a.txt.sigstore.json`));
  });
});
