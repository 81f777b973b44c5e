/**
 * Runs a child process without blocking the event loop (so servers in the
 * test process keep answering it).
 *
 * @module
 */

import { spawn } from "node:child_process";
import process from "node:process";

/** What a child process did. */
export interface ProcessRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command args...` (with `env` added to this process's environment, in
 * `cwd` when given) and collects its output.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
  cwd?: string,
): Promise<ProcessRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      ...(cwd === undefined ? {} : { cwd }),
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
