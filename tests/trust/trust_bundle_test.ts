/**
 * Trust bundles for air-gapped machines: an export re-verifies from the
 * bootstrap root on import; tampered, truncated, rolled-back, expired and
 * foreign bundles are refused with their own codes.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { embeddedDocument, type TufRepository } from "../../lib/trust/mod.ts";
import {
  exportTrustBundle,
  importTrustBundle,
  offlineTufTrust,
  refreshTufTrust,
  verifyTrustBundle,
} from "../../lib/trust/tuf_trust.ts";
import { createTestRepository } from "./_tuf_repo.ts";
import { serveFiles } from "./_tuf_server.ts";

const NOW = new Date("2026-08-22T00:00:00Z");
const TRUSTED_ROOT = new TextEncoder().encode(embeddedDocument("production", "trusted_root.json"));

/** An online machine's export (after root rotations), an older export, and a fresh offline cache dir. */
async function exports(): Promise<
  { repository: TufRepository; current: string; older: string; offline: string }
> {
  const repo = createTestRepository(NOW, new Map([["trusted_root.json", TRUSTED_ROOT]]));
  repo.publishRoot();
  repo.publishRoot();
  const server = await serveFiles(repo.files);
  const online = mkdtempSync(`${tmpdir()}/sigstore-ts-online-`);
  try {
    const repository = { url: server.url, bootstrapRoot: repo.roots.get(1)!, instance: undefined };
    const older = exportTrustBundle(
      (await refreshTufTrust({ repository, cacheDir: online, now: NOW })).bundle,
    );
    repo.publish();
    const current = exportTrustBundle(
      (await refreshTufTrust({ repository, cacheDir: online, now: NOW })).bundle,
    );
    return { repository, current, older, offline: mkdtempSync(`${tmpdir()}/sigstore-ts-offline-`) };
  } finally {
    rmSync(online, { recursive: true, force: true });
    await server.close();
  }
}

function refusedWith(code: string, pattern: RegExp) {
  return (e: Error & { code?: string }) => {
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

test("a trust bundle verifies offline from the bootstrap root and imports into the cache", async () => {
  const { repository, current, offline } = await exports();
  try {
    const options = { repository, cacheDir: offline, now: NOW };
    const used = await verifyTrustBundle(current, "trust.json", options);
    assert.equal(used.info.source, "trust-bundle");
    assert.deepEqual(used.info.versions, { root: 3, timestamp: 2, snapshot: 2, targets: 2 });
    assert.equal(used.trustedRootJson, new TextDecoder().decode(TRUSTED_ROOT));
    assert.throws(
      () => offlineTufTrust(options),
      refusedWith("TUF_CACHE", /No cached trust/),
      "not imported",
    );
    const imported = await importTrustBundle(current, "trust.json", options);
    assert.equal(imported.info.source, "cache");
    assert.deepEqual(offlineTufTrust(options).info.versions, used.info.versions);
  } finally {
    rmSync(offline, { recursive: true, force: true });
  }
});

test("verifyTrustBundle() refuses tampered, truncated, rolled-back, expired and foreign bundles", async () => {
  const { repository, current, older, offline } = await exports();
  try {
    const options = { repository, cacheDir: offline, now: NOW };
    const json = JSON.parse(current);
    const edit = (change: (j: typeof json) => void) => {
      const copy = structuredClone(json);
      change(copy);
      return JSON.stringify(copy);
    };
    const b64 = (text: string) => btoa(text);
    const unb64 = (text: string) => atob(text);
    // A changed target: its hash no longer matches the signed targets metadata.
    await assert.rejects(
      verifyTrustBundle(
        edit((j) => (j.targets["trusted_root.json"] = b64(`${unb64(j.targets["trusted_root.json"])} `))),
        "t",
        options,
      ),
      refusedWith("TUF_TOO_LARGE", /trusted_root.json in t is larger/),
    );
    await assert.rejects(
      verifyTrustBundle(
        edit((
          j,
        ) => (j.targets["trusted_root.json"] = b64(
          unb64(j.targets["trusted_root.json"]).replace("https", "httpx"),
        ))),
        "t",
        options,
      ),
      refusedWith("TUF_HASH_MISMATCH", /trusted_root.json.*does not match/),
    );
    // A changed signed field: the signature no longer verifies.
    await assert.rejects(
      verifyTrustBundle(
        edit((
          j,
        ) => (j.metadata.timestamp = b64(unb64(j.metadata.timestamp).replace('"version":2', '"version":9')))),
        "t",
        options,
      ),
      refusedWith("TUF_SIGNATURE", /timestamp was signed by 0\/1 keys/),
    );
    await assert.rejects(
      verifyTrustBundle(current.slice(0, current.length / 2), "t", options),
      refusedWith("TUF_BUNDLE_PARSE", /not valid JSON/),
    );
    await assert.rejects(
      verifyTrustBundle(edit((j) => delete j.metadata.snapshot), "t", options),
      refusedWith("TUF_BUNDLE_PARSE", /metadata.snapshot/),
    );
    await assert.rejects(
      verifyTrustBundle(current, "t", { ...options, now: new Date("2026-09-01T00:00:00Z") }),
      refusedWith("TUF_EXPIRED", /timestamp.json is expired/),
    );
    await assert.rejects(
      verifyTrustBundle(edit((j) => (j.repositoryUrl = "https://example.com")), "t", options),
      refusedWith("TUF_BUNDLE_PARSE", /is for https:\/\/example.com/),
    );
    await assert.rejects(
      verifyTrustBundle(edit((j) => (j.fetchedAt = "2030-01-01T00:00:00Z")), "t", options),
      refusedWith("TUF_BUNDLE_PARSE", /after the local clock/),
    );
    // Rollback: once the newer state is imported, the older export is refused.
    await verifyTrustBundle(older, "older", options);
    await importTrustBundle(current, "current", options);
    await assert.rejects(
      verifyTrustBundle(older, "older", options),
      refusedWith("TUF_ROLLBACK", /less than current version 2/),
    );
  } finally {
    rmSync(offline, { recursive: true, force: true });
  }
});
