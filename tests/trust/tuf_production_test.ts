/**
 * The real Sigstore production TUF repository (../shared/tuf), served on
 * 127.0.0.1 in its published layout, with the clock set inside its
 * validity: the client walks the real root rotations, verifies timestamp,
 * snapshot, targets and the npm delegation, and writes the real targets.
 *
 * @module
 */

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createHttpTufSource, type TufRepository } from "../../lib/trust/mod.ts";
import {
  offlineTufTrust,
  onlineTufTrust,
  openTufClient,
  publicTufRepository,
  refreshTufTrust,
} from "../../lib/trust/tuf_trust.ts";
import {
  publishedLayout,
  serveFiles,
  SHARED_TRUST,
  SHARED_TUF_REPOSITORY,
  sharedTest,
} from "./_tuf_server.ts";

const NOW = new Date("2026-08-22T00:00:00Z");
const SHARED = SHARED_TUF_REPOSITORY === undefined || SHARED_TRUST === undefined
  ? undefined
  : SHARED_TUF_REPOSITORY;

function tempDir(): string {
  return mkdtempSync(`${tmpdir()}/sigstore-ts-tuf-`);
}

sharedTest(
  "refreshTufTrust() walks the production roots 5 to 15 and writes the real trusted_root.json",
  SHARED,
  async (dir) => {
    const server = await serveFiles(publishedLayout(dir));
    const cacheDir = tempDir();
    try {
      const repository: TufRepository = {
        url: server.url,
        bootstrapRoot: new Uint8Array(readFileSync(`${dir}/metadata/root_history/5.root.json`)),
        instance: undefined,
      };
      const trust = await refreshTufTrust({ repository, cacheDir, now: NOW });
      assert.equal(
        trust.trustedRootJson,
        readFileSync(`${SHARED_TRUST}/production/trusted_root.json`, "utf8"),
      );
      assert.equal(
        trust.signingConfigJson,
        readFileSync(`${SHARED_TRUST}/production/signing_config.v0.2.json`, "utf8"),
      );
      assert.equal(
        trust.signingConfigRekorV2Json,
        readFileSync(`${SHARED_TRUST}/production/signing_config_rekor_v2.v0.2.json`, "utf8"),
      );
      assert.deepEqual(trust.info.versions, { root: 15, timestamp: 762, snapshot: 165, targets: 14 });
      assert.equal(trust.info.source, "tuf");
      assert.equal(trust.info.timestampExpires?.toISOString(), "2026-08-28T19:25:56.000Z");
      assert.deepEqual(
        trust.bundle.roots.map((r) => JSON.parse(new TextDecoder().decode(r)).signed.version),
        [
          6,
          7,
          8,
          9,
          10,
          11,
          12,
          13,
          14,
          15,
        ],
      );
      assert.ok(trust.bundle.roles.has("registry.npmjs.org"), "the npm delegation was loaded");
      for (let v = 6; v <= 16; v++) assert.ok(server.requests.includes(`${v}.root.json`), `asked for ${v}`);
      assert.ok(server.requests.includes("165.snapshot.json"));
      assert.ok(server.requests.includes("8.registry.npmjs.org.json"));

      // The cache now answers offline, and online while the timestamp is fresh, without a request.
      const before = server.requests.length;
      const cached = await onlineTufTrust({ repository, cacheDir, now: NOW });
      assert.equal(cached.info.source, "cache");
      assert.equal(cached.trustedRootJson, trust.trustedRootJson);
      assert.equal(offlineTufTrust({ repository, cacheDir }).info.source, "cache");
      assert.equal(server.requests.length, before, "a fresh cache makes no network call");
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
      await server.close();
    }
  },
);

sharedTest("the npm delegation resolves registry.npmjs.org/keys.json", SHARED, async (dir) => {
  const server = await serveFiles(publishedLayout(dir));
  try {
    const session = await openTufClient({
      trustedRoot: new Uint8Array(readFileSync(`${dir}/metadata/root_history/10.root.json`)),
      source: createHttpTufSource(server.url),
      now: NOW,
    });
    const info = await session.findTarget("registry.npmjs.org/keys.json");
    assert.ok(info !== undefined);
    const bytes = await session.fetchTarget(info);
    assert.deepEqual(bytes, new Uint8Array(readFileSync(`${dir}/targets/registry.npmjs.org/keys.json`)));
    assert.ok(server.requests.includes("8.registry.npmjs.org.json"));
    assert.equal(await session.findTarget("registry.npmjs.org/no-such-file.json"), undefined);
  } finally {
    await server.close();
  }
});

sharedTest(
  "from the embedded root v16 the refresh keeps v16 and completes against the v15 repository",
  SHARED,
  async (dir) => {
    const server = await serveFiles(publishedLayout(dir));
    const cacheDir = tempDir();
    try {
      const repository = { ...publicTufRepository("production"), url: server.url };
      const trust = await refreshTufTrust({ repository, cacheDir, now: NOW });
      assert.equal(trust.info.versions.root, 16);
      assert.deepEqual(trust.bundle.roots, [], "no root newer than the embedded one");
      assert.ok(server.requests.includes("17.root.json"));
      assert.ok(!server.requests.includes("15.root.json"), "older roots are never fetched");
      assert.equal(
        trust.trustedRootJson,
        readFileSync(`${SHARED_TRUST}/production/trusted_root.json`, "utf8"),
      );
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
      await server.close();
    }
  },
);

sharedTest("the same repository is refused once its timestamp has expired (freeze)", SHARED, async (dir) => {
  const server = await serveFiles(publishedLayout(dir));
  const cacheDir = tempDir();
  try {
    const repository = { ...publicTufRepository("production"), url: server.url };
    await assert.rejects(
      refreshTufTrust({ repository, cacheDir, now: new Date("2026-08-29T00:00:00Z") }),
      (e: Error & { code?: string }) => e.code === "TUF_EXPIRED" && /timestamp/.test(e.message),
    );
    assert.equal(offlineTufTrust({ repository, cacheDir }).info.source, "embedded", "nothing was cached");
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
    await server.close();
  }
});
