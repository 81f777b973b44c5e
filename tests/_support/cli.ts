/**
 * Runs the CLI in-process with captured output.
 *
 * @module
 */

import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";
import { main } from "../../lib/cli/mod.ts";
import { seedFreshTrustCache } from "./trust_cache.ts";

/** What one CLI run produced. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The trust cache of CLI runs that name none (`SIGSTORE_TS_CACHE_DIR`): fresh production and staging
 * trust (tests/_support/trust_cache.ts), so tests never read or write the user's own cache, never
 * reach the public TUF repositories, and do not depend on the age of the embedded trust.
 */
export const TEST_CACHE_DIR: string = mkdtempSync(`${tmpdir()}/sigstore-ts-test-cache-`);
seedFreshTrustCache(TEST_CACHE_DIR);
chmodSync(TEST_CACHE_DIR, 0o755); // readable by the tests that run the CLI as another user
const removeTestCache = () => rmSync(TEST_CACHE_DIR, { recursive: true, force: true });
process.on("exit", removeTestCache); // Node and Bun
globalThis.addEventListener?.("unload", removeTestCache); // Deno, whose test runner does not emit "exit"

/**
 * Runs `sigstore-ts args...` in-process (with {@linkcode TEST_CACHE_DIR} unless `env` names a cache);
 * `stdin`, when given, is its standard input (in 3 chunks). The clock is `now` when given, else the
 * real one (a time fixed before `sign` runs would predate the certificate it gets).
 */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  now?: Date,
  stdin?: Uint8Array,
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { SIGSTORE_TS_CACHE_DIR: TEST_CACHE_DIR, ...env },
    now: () => now ?? new Date(),
    ...(stdin === undefined ? {} : { stdin: () => chunked(stdin) }),
  });
  return { code, stdout, stderr };
}

async function* chunked(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  const third = Math.ceil(bytes.length / 3);
  for (let i = 0; i < bytes.length; i += third) yield bytes.subarray(i, i + third);
}
