/**
 * Attacks on generated TUF repositories (signed with @tufjs/models) served
 * on 127.0.0.1: each is refused with its own error code, and the cache is
 * left exactly as it was before the attack.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { embeddedDocument, type TufRepository } from "../../lib/trust/mod.ts";
import { offlineTufTrust, refreshTufTrust } from "../../lib/trust/tuf_trust.ts";
import { createTestRepository, newKey, type TestRepository } from "./_tuf_repo.ts";
import { serveFiles, type TufServer } from "./_tuf_server.ts";

const NOW = new Date("2026-08-22T00:00:00Z");
const LATER = new Date("2026-08-23T00:00:00Z");
const TRUSTED_ROOT = new TextEncoder().encode(embeddedDocument("production", "trusted_root.json"));

interface Fixture {
  readonly repo: TestRepository;
  readonly server: TufServer;
  readonly repository: TufRepository;
  readonly cacheDir: string;
  /** The cache directory's files and contents */
  snapshotCache(): Record<string, string>;
  refresh(now?: Date): ReturnType<typeof refreshTufTrust>;
}

/** A repository, its server, and a cache that holds one good refresh. */
async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const repo = createTestRepository(NOW, new Map([["trusted_root.json", TRUSTED_ROOT]]));
  const server = await serveFiles(repo.files);
  const cacheDir = mkdtempSync(`${tmpdir()}/sigstore-ts-tuf-`);
  repo.publish(); // the cached state will be version 2 of each role, so rollbacks to 1 are possible
  const repository = { url: server.url, bootstrapRoot: repo.roots.get(1)!, instance: undefined };
  const fixture: Fixture = {
    repo,
    server,
    repository,
    cacheDir,
    snapshotCache() {
      const out: Record<string, string> = {};
      for (const name of readdirSync(`${cacheDir}/tuf`)) {
        out[name] = readFileSync(`${cacheDir}/tuf/${name}`, "utf8");
      }
      return out;
    },
    refresh: (now = LATER) => refreshTufTrust({ repository, cacheDir, now, timeoutMs: 300 }),
  };
  try {
    await fixture.refresh(NOW);
    await fn(fixture);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
    await server.close();
  }
}

/** Publishes a changed trusted_root.json; returns the file name it is served under. */
function publishNewTarget(f: Fixture): string {
  const before = new Set(f.server.files.keys());
  f.repo.targets.set(
    "trusted_root.json",
    new TextEncoder().encode(`${new TextDecoder().decode(TRUSTED_ROOT)} `),
  );
  f.repo.publish();
  return [...f.server.files.keys()].find((n) => n.startsWith("targets/") && !before.has(n))!;
}

/** Stages an attack, then checks the refresh fails with `code` (and `pattern`) and the cache is unchanged. */
function attack(name: string, code: string, pattern: RegExp, stage: (f: Fixture) => void): void {
  test(`refreshTufTrust() refuses ${name} with ${code} and keeps the cache`, async () => {
    await withFixture(async (f) => {
      const before = f.snapshotCache();
      stage(f);
      await assert.rejects(f.refresh(), (e: Error & { code?: string }) => {
        assert.equal(e.code, code, e.message);
        assert.match(e.message, pattern);
        assert.doesNotMatch(e.message, /\n/);
        return true;
      });
      assert.deepEqual(f.snapshotCache(), before);
      assert.equal(offlineTufTrust(f).info.versions.timestamp, 2, "the good state is still in use");
    });
  });
}

test("refreshTufTrust() accepts a good update after the first refresh (the control case)", async () => {
  await withFixture(async (f) => {
    f.repo.publish();
    const trust = await f.refresh();
    assert.deepEqual(trust.info.versions, { root: 1, timestamp: 3, snapshot: 3, targets: 3 });
    assert.equal(offlineTufTrust(f).info.versions.timestamp, 3);
  });
});

attack(
  "a rolled-back timestamp",
  "TUF_ROLLBACK",
  /timestamp version 1 is less than current version 2/,
  (f) => {
    f.repo.publish({ timestampVersion: 1 });
  },
);

attack("a rolled-back snapshot", "TUF_ROLLBACK", /snapshot version 1 is less than current version 2/, (f) => {
  f.repo.publish({ snapshotVersion: 1 });
});

attack("a rolled-back targets role", "TUF_ROLLBACK", /version 1 of targets.json is less than/, (f) => {
  f.repo.publish({ targetsVersion: 1 });
});

attack(
  "a root whose version is older than its file name",
  "TUF_ROLLBACK",
  /Expected version 2, got 1/,
  (f) => {
    f.repo.publishRoot({ version: 1 });
  },
);

attack("an expired timestamp (freeze)", "TUF_EXPIRED", /timestamp.json is expired/, (f) => {
  f.repo.publish({ expires: { timestamp: new Date("2026-08-22T12:00:00Z") } });
});

attack("an expired snapshot (freeze)", "TUF_EXPIRED", /snapshot.json is expired/, (f) => {
  f.repo.publish({ expires: { snapshot: new Date("2026-08-22T12:00:00Z") } });
});

attack("an expired targets role (freeze)", "TUF_EXPIRED", /targets.json is expired/, (f) => {
  f.repo.publish({ expires: { targets: new Date("2026-08-22T12:00:00Z") } });
});

attack("an expired root", "TUF_EXPIRED", /root.json is expired/, (f) => {
  f.repo.publishRoot({ expires: new Date("2026-08-22T12:00:00Z") });
});

attack(
  "a snapshot that is not the one the timestamp names (mix-and-match)",
  "TUF_VERSION_MISMATCH",
  /Snapshot version doesn't match timestamp/,
  (f) => {
    f.repo.publish();
    // The timestamp names snapshot 3, but the file served as 3.snapshot.json is snapshot 4.
    f.repo.publish({ timestampVersion: 4, timestampNamesSnapshot: 3, snapshotVersion: 4 });
    f.server.files.set("3.snapshot.json", f.server.files.get("4.snapshot.json")!);
  },
);

attack(
  "targets that are not the ones the snapshot names (mix-and-match)",
  "TUF_VERSION_MISMATCH",
  /Version 4 of targets does not match snapshot version 3/,
  (f) => {
    f.repo.publish();
    f.repo.publish({ snapshotNamesTargets: 3 });
    f.server.files.set("3.targets.json", f.server.files.get("4.targets.json")!);
  },
);

attack(
  "an arbitrary target of the same length (hash mismatch)",
  "TUF_HASH_MISMATCH",
  /trusted_root.json.*does not match/,
  (f) => {
    const name = publishNewTarget(f);
    const evil = f.server.files.get(name)!.slice();
    evil[10] = evil[10]! ^ 1;
    f.server.files.set(name, evil);
  },
);

attack("a shorter target (length mismatch)", "TUF_HASH_MISMATCH", /expected \d+ bytes/, (f) => {
  const name = publishNewTarget(f);
  f.server.files.set(name, f.server.files.get(name)!.subarray(1));
});

attack("a longer target (endless data)", "TUF_TOO_LARGE", /more than the \d+ bytes allowed/, (f) => {
  const name = publishNewTarget(f);
  f.server.files.set(name, new Uint8Array(TRUSTED_ROOT.length + 4096));
});

attack("a timestamp with too few signatures", "TUF_SIGNATURE", /timestamp was signed by 1\/2 keys/, (f) => {
  f.repo.keys.timestamp.push(newKey());
  f.repo.thresholds.timestamp = 2;
  f.repo.publishRoot();
  f.repo.publish({ signers: { timestamp: [f.repo.keys.timestamp[0]!] } });
});

attack(
  "a root rotation not signed by the old root keys",
  "TUF_SIGNATURE",
  /root was signed by 0\/1 keys/,
  (f) => {
    f.repo.keys.root.splice(0, 1, newKey());
    f.repo.publishRoot({ signers: f.repo.keys.root });
  },
);

attack("unsigned metadata", "TUF_SIGNATURE", /snapshot was signed by 0\/1 keys/, (f) => {
  f.repo.publish({ signers: { snapshot: [] } });
});

attack(
  "metadata signed by a key of another role",
  "TUF_SIGNATURE",
  /targets was signed by 0\/1 keys/,
  (f) => {
    f.repo.publish({ signers: { targets: f.repo.keys.snapshot } });
  },
);

attack(
  "oversized timestamp metadata",
  "TUF_TOO_LARGE",
  /timestamp.json\) answered more than the 16384 bytes/,
  (f) => {
    f.server.files.set("timestamp.json", new Uint8Array(100_000).fill(32));
  },
);

attack("a slow server (timeout)", "TUF_FETCH", /timestamp.json.*no answer within 0.3 s/, (f) => {
  f.repo.publish();
  f.server.delayMs = (path) => path === "timestamp.json" ? 5000 : 0;
});

attack("garbage metadata", "TUF_METADATA_PARSE", /timestamp/, (f) => {
  f.server.files.set("timestamp.json", new TextEncoder().encode("{not json"));
});

test("refreshTufTrust() recovers from a fast-forward attack once the timestamp key is rotated", async () => {
  await withFixture(async (f) => {
    // An attacker holding the timestamp key pushed version 1000; the client trusted it.
    f.repo.publish({ timestampVersion: 1000 });
    assert.equal((await f.refresh()).info.versions.timestamp, 1000);
    // Without a key rotation the repository cannot go back to version 3.
    f.repo.publish({ timestampVersion: 3 });
    await assert.rejects(f.refresh(), (e: { code?: string }) => e.code === "TUF_ROLLBACK");
    // The root rotates the timestamp key: the old timestamp no longer verifies, so version 4 is accepted.
    f.repo.keys.timestamp.splice(0, 1, newKey());
    f.repo.publishRoot();
    f.repo.publish({ timestampVersion: 4 });
    const trust = await f.refresh();
    assert.deepEqual([trust.info.versions.root, trust.info.versions.timestamp], [2, 4]);
  });
});
