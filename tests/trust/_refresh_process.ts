/**
 * One process of the concurrent-cache test: refreshes the trust of a TUF
 * repository into a shared cache directory several times, printing the
 * timestamp version each time.
 *
 * Run: deno run -A tests/trust/_refresh_process.ts URL ROOT_FILE CACHE_DIR NOW ROUNDS
 *
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";
import { refreshTufTrust } from "../../lib/trust/tuf_trust.ts";

const [url, rootFile, cacheDir, now, rounds] = process.argv.slice(2);
const repository = { url: url!, bootstrapRoot: new Uint8Array(readFileSync(rootFile!)), instance: undefined };
for (let i = 0; i < Number(rounds); i++) {
  const trust = await refreshTufTrust({ repository, cacheDir: cacheDir!, now: new Date(now!) });
  console.log(trust.info.versions.timestamp);
}
