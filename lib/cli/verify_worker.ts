/**
 * The worker side of `verify --jobs N`: builds the verify context once from
 * the flags, the clock reading and the trusted root it was started with (it
 * never selects or refreshes trust itself), then verifies each input it is
 * sent and answers with its report. It says it is ready once it listens:
 * the pool sends no task before (a message posted to a Deno worker before
 * its listener is attached can be lost, which hung `--jobs` runs when the
 * worker code was still loading).
 *
 * @module
 */

import { parentPort, workerData } from "node:worker_threads";
import { verifyAndReport, verifyChecks, type VerifyContext, workerTrust } from "./verify_command.ts";
import {
  VERIFY_WORKER_MARKER,
  type WorkerMessage,
  type WorkerReply,
  type WorkerSetup,
  type WorkerTask,
} from "./verify_pool.ts";

/** True when this thread was started as a verification worker. */
export function isVerifyWorker(): boolean {
  return parentPort !== null && (workerData as Partial<WorkerSetup> | null)?.marker === VERIFY_WORKER_MARKER;
}

/** Serves verification tasks until the main thread terminates this worker. */
export function serveVerifyWorker(): void {
  const port = parentPort;
  if (port === null || !isVerifyWorker()) throw new Error("not started as a sigstore-ts verification worker");
  const setup = workerData as WorkerSetup;
  let ctx: VerifyContext | undefined;
  port.on("message", async (task: WorkerTask) => {
    let reply: WorkerReply;
    try {
      // Output goes back in the report; a worker never reads standard input (the main thread keeps `-`).
      if (ctx === undefined) {
        const checks = verifyChecks(setup.command, setup.flags);
        const trust = workerTrust(setup.trustedRootJson, setup.trustInfo);
        const now = new Date(setup.now);
        const io = { stdout: () => {}, stderr: () => {}, env: {}, now: () => now };
        ctx = {
          signer: checks.signer,
          checks,
          trust,
          trustedRoot: trust.trustedRoot,
          now,
          flags: setup.flags,
          io,
          deps: {},
        };
      }
      reply = { index: task.index, report: await verifyAndReport(task.input, task.materials, ctx) };
    } catch (e) {
      reply = { index: task.index, crash: (e as Error)?.message ?? String(e) };
    }
    port.postMessage(reply satisfies WorkerMessage);
  });
  port.postMessage({ ready: true } satisfies WorkerMessage);
}
