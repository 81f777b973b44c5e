/**
 * Runs the CLI in-process with captured output.
 *
 * @module
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";
import { main } from "../../lib/cli/mod.ts";

/** What one CLI run produced. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A trust cache for CLI runs that name none, so tests never read or write the user's own. */
const TEST_CACHE_DIR = mkdtempSync(`${tmpdir()}/sigstore-ts-test-cache-`);
process.on("exit", () => rmSync(TEST_CACHE_DIR, { recursive: true, force: true }));

/** Runs `sigstore-ts args...` in-process (with an empty test trust cache unless `env` names one). */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  now = new Date(),
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { SIGSTORE_TS_CACHE_DIR: TEST_CACHE_DIR, ...env },
    now: () => now,
  });
  return { code, stdout, stderr };
}
