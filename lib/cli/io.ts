/**
 * The CLI's edge to the outside world: output streams, environment, clock.
 * Tests pass their own; `cli.ts` passes the process's.
 *
 * @module
 */

/** What `main` may touch besides files. */
export interface CliIo {
  /** Writes to standard output (results). */
  readonly stdout: (text: string) => void;
  /** Writes to standard error (progress, OK/FAIL lines, errors). */
  readonly stderr: (text: string) => void;
  /** Environment variables (for flag defaults such as `SIGSTORE_CERT_IDENTITY`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The current time. */
  readonly now: () => Date;
  /** Standard input as a stream of chunks, for the artifact `-`; absent when there is none. */
  readonly stdin?: () => AsyncIterable<Uint8Array>;
  /**
   * The module a `--jobs` worker thread runs: the executable's own entry
   * (`cli.ts`, or the bundle it was built into), which serves verification
   * when started as a worker. Default: `lib/cli/verify_worker_main.ts`.
   */
  readonly workerEntry?: string | URL;
}

/** Exit codes: 0 success, 1 a verification or signing failure, 2 a usage error. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

/** A usage error: bad flags or arguments (exit 2). */
export class UsageError extends Error {
  /** The command whose `--help` the message points to (`verify`); the CLI's own when absent. */
  readonly command: string | undefined;
  /** Creates a usage error with a one-line message. */
  constructor(message: string, command?: string) {
    super(message);
    this.name = "UsageError";
    this.command = command;
  }
}
