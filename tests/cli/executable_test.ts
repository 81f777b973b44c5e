/**
 * The standalone executable (`npm run build`, dist/sigstore-ts) takes
 * nothing from the directory it runs in: a compiled Bun program would by
 * default load `.env` and `bunfig.toml` from there at startup, and
 * `bunfig.toml`'s `preload` runs code. Verifying inside a downloaded
 * directory must neither run its code nor take its environment.
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";
import { after, describe, it } from "node:test";
import { REPO_ROOT, TESTDATA } from "../_support/paths.ts";
import { skipTest } from "../_support/unavailable.ts";

const EXE = `${REPO_ROOT}/dist/sigstore-ts`;
const JAVA = `${TESTDATA}/genuine/java-bundle-v3-prod`;
const ID_ARGS = ["--cert-identity", "appu@google.com", "--cert-oidc-issuer", "https://accounts.google.com"];

describe("the executable ignores the working directory's .env and bunfig.toml", () => {
  const dir = mkdtempSync(`${tmpdir()}/sigstore-ts-exe-`);
  after(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(`${JAVA}/artifact`, `${dir}/a.txt`);
  copyFileSync(`${JAVA}/bundle.sigstore.json`, `${dir}/a.txt.sigstore.json`);
  writeFileSync(
    `${dir}/.env`,
    `SIGSTORE_CERT_IDENTITY=${ID_ARGS[1]}\nSIGSTORE_CERT_OIDC_ISSUER=${ID_ARGS[3]}\n`,
  );
  writeFileSync(`${dir}/preload.js`, 'console.error("PRELOAD RAN");\n');
  writeFileSync(`${dir}/bunfig.toml`, 'preload = ["./preload.js"]\n');
  const run = (args: string[]) => {
    const r = spawnSync(EXE, args, { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  };

  it("no preload runs and .env sets no default; with the flags it verifies", (t) => {
    if (!existsSync(EXE)) return skipTest(t, `${EXE} not built (npm run build)`);
    const withoutFlags = run(["verify", "identity", "--offline", "a.txt"]);
    assert.doesNotMatch(withoutFlags.out, /PRELOAD RAN/);
    assert.equal(withoutFlags.code, 2, withoutFlags.out);
    assert.match(withoutFlags.out, /needs --cert-identity and --cert-oidc-issuer/);
    const withFlags = run(["verify", "identity", "--offline", ...ID_ARGS, "a.txt"]);
    assert.equal(withFlags.code, 0, withFlags.out);
    // (after the one warning line while the embedded trust is more than 30 days old)
    assert.match(
      withFlags.out,
      /^(warning: the embedded trust in use is \d+d \d+h old; [^\n]*\n)?OK: a\.txt\n$/,
    );
  });
});
