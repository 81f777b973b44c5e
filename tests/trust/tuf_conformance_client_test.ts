/**
 * scripts/tuf-conformance-client speaks the TUF conformance client
 * protocol against a generated repository on 127.0.0.1.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { REPO_ROOT } from "../_support/paths.ts";
import { runProcess } from "../_support/process.ts";
import { createTestRepository } from "./_tuf_repo.ts";
import { serveFiles } from "./_tuf_server.ts";

const CLIENT = `${REPO_ROOT}/scripts/tuf-conformance-client`;

async function client(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const r = await runProcess(CLIENT, args);
  return { status: r.code, stderr: r.stderr };
}

test("tuf-conformance-client runs init, refresh and download, and refuses a tampered target", async () => {
  const target = new TextEncoder().encode("hello target\n");
  const repo = createTestRepository(new Date(), new Map([["file.txt", target]]));
  const server = await serveFiles(repo.files);
  const dir = mkdtempSync(`${tmpdir()}/sigstore-ts-tufc-`);
  try {
    const meta = `${dir}/metadata`;
    const targets = `${dir}/targets`;
    mkdirSync(meta);
    mkdirSync(targets);
    writeFileSync(`${dir}/root.json`, repo.roots.get(1)!);
    assert.equal((await client(["--metadata-dir", meta, "init", `${dir}/root.json`])).status, 0);
    assert.ok(existsSync(`${meta}/root.json`));
    const refresh = await client(["--metadata-dir", meta, "--metadata-url", server.url, "refresh"]);
    assert.equal(refresh.status, 0, refresh.stderr);
    for (const role of ["timestamp", "snapshot", "targets"]) {
      assert.ok(existsSync(`${meta}/${role}.json`), role);
    }
    const download = [
      "--metadata-dir",
      meta,
      "--metadata-url",
      server.url,
      "--target-name",
      "file.txt",
      "--target-base-url",
      `${server.url}/targets`,
      "--target-dir",
      targets,
      "download",
    ];
    const ok = await client(download);
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(new Uint8Array(readFileSync(`${targets}/file.txt`)), target);
    rmSync(`${targets}/file.txt`);
    const name = [...repo.files.keys()].find((n) => n.startsWith("targets/"))!;
    repo.files.set(name, new TextEncoder().encode("evil target!\n"));
    const bad = await client(download);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /TUF_HASH_MISMATCH/);
    assert.ok(!existsSync(`${targets}/file.txt`));
    assert.equal((await client(["--metadata-dir", meta, "init", `${dir}/nope.json`])).status, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
});
