/**
 * Runs the CLI in-process with captured output.
 *
 * @module
 */

import { main } from "../../lib/cli/mod.ts";

/** What one CLI run produced. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `sigstore-ts args...` in-process. */
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
    env,
    now: () => now,
  });
  return { code, stdout, stderr };
}
