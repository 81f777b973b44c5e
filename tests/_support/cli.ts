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

/**
 * Runs `sigstore-ts args...` in-process; `stdin`, when given, is its standard
 * input (in 3 chunks). The clock is `now` when given, else the real one (a
 * time fixed before `sign` runs would predate the certificate it gets).
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
    env,
    now: () => now ?? new Date(),
    ...(stdin === undefined ? {} : { stdin: () => chunked(stdin) }),
  });
  return { code, stdout, stderr };
}

async function* chunked(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  const third = Math.ceil(bytes.length / 3);
  for (let i = 0; i < bytes.length; i += third) yield bytes.subarray(i, i + third);
}
