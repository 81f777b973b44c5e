/**
 * A trust cache as a user has it right after an online refresh, for tests
 * that verify with the default (online) trust: the production and staging
 * entries hold the embedded trust documents under TUF metadata whose
 * timestamp is fresh for a week, so no test reaches the public TUF
 * repositories, and none depends on how old the embedded trust is. The
 * metadata is signed by a generated repository's keys (tests/trust/_tuf_repo.ts):
 * a cache is only re-verified when it is refreshed, which a fresh one is not.
 *
 * @module
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { embeddedDocument, type EmbeddedInstance } from "../../lib/trust/mod.ts";
import { exportTrustBundle, PUBLIC_TUF_REPOSITORIES, SIGSTORE_TARGETS } from "../../lib/trust/tuf_trust.ts";
import { createTestRepository } from "../trust/_tuf_repo.ts";

/** Writes fresh production and staging trust into the cache directory `dir`. */
export function seedFreshTrustCache(dir: string, now = new Date()): void {
  mkdirSync(`${dir}/tuf`, { recursive: true });
  for (const instance of ["production", "staging"] as EmbeddedInstance[]) {
    const targets = new Map(
      Object.values(SIGSTORE_TARGETS).map((
        name,
      ) => [name, new TextEncoder().encode(embeddedDocument(instance, name))]),
    );
    const repo = createTestRepository(now, targets);
    const url = PUBLIC_TUF_REPOSITORIES[instance];
    const text = exportTrustBundle({
      repositoryUrl: url,
      fetchedAt: now,
      roots: [],
      timestamp: repo.files.get("timestamp.json")!,
      snapshot: repo.files.get("1.snapshot.json")!,
      roles: new Map([["targets", repo.files.get("1.targets.json")!]]),
      targets,
    });
    writeFileSync(`${dir}/tuf/${encodeURIComponent(url)}.trust.json`, text);
  }
}
