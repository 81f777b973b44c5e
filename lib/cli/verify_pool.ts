/**
 * `verify --jobs N`: verifies inputs in N worker threads (`node:worker_threads`,
 * which Deno, Bun and Node all provide), one input per worker at a time,
 * and hands each report on in input order as soon as every earlier one is
 * in. Each worker builds the same context as the main thread from the
 * same (already parsed) flags and the same clock reading, and gets its
 * first task only once it has said it is ready (it listens for tasks).
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ConfigError } from "../errors/mod.ts";
import type { SelectedTrust } from "./trust_selection.ts";
import type { Input, InputReport, Materials, VerifyFlags } from "./verify_command.ts";

/** The `workerData` marker that makes an entry module serve verification. */
export const VERIFY_WORKER_MARKER = "sigstore-ts-verify-worker";

/** What a worker is started with. */
export interface WorkerSetup {
  readonly marker: typeof VERIFY_WORKER_MARKER;
  readonly command: "identity" | "github";
  readonly flags: VerifyFlags;
  /** The main thread's clock reading, in milliseconds. */
  readonly now: number;
  /** The main thread's trusted root (JSON) and trust information: workers never select trust again. */
  readonly trustedRootJson: string;
  readonly trustInfo: SelectedTrust["info"];
}

/** One task: an input and its materials, by position. */
export interface WorkerTask {
  readonly index: number;
  readonly input: Input;
  readonly materials: Materials;
}

/** A worker's answer. */
export type WorkerReply =
  | { readonly index: number; readonly report: InputReport }
  | { readonly index: number; readonly crash: string };

/** What a worker posts: `ready` once it listens for tasks, then a reply per task. */
export type WorkerMessage = { readonly ready: true } | WorkerReply;

/** What `verifyInWorkers` needs. */
export interface PoolRequest {
  readonly command: "identity" | "github";
  readonly flags: VerifyFlags;
  readonly now: Date;
  readonly inputs: readonly Input[];
  readonly plans: readonly Materials[];
  readonly workers: number;
  /** The module each worker runs (default `verify_worker_main.ts`). */
  readonly entry: string | URL | undefined;
  /** The trust the main thread selected (and checked for age). */
  readonly trust: SelectedTrust;
}

function entryUrl(entry: string | URL | undefined): URL {
  if (entry === undefined) return new URL("./verify_worker_main.ts", import.meta.url);
  return entry instanceof URL ? entry : new URL(entry);
}

/** Deno's permission query, when running on Deno. */
interface DenoReadPermission {
  readonly permissions: { querySync(d: { name: "read"; path: string }): { readonly state: string } };
}

/**
 * On Deno a worker thread loads its module from disk under the process's
 * read permission; refuse up front, naming the permission, when it is not
 * granted (instead of a worker dying mid-run).
 */
function checkWorkerPermission(url: URL, jobs: number): void {
  const deno = (globalThis as { Deno?: DenoReadPermission }).Deno;
  if (deno === undefined || url.protocol !== "file:") return;
  const path = fileURLToPath(url);
  if (deno.permissions.querySync({ name: "read", path }).state !== "granted") {
    throw new ConfigError(
      "CONFIG",
      `--jobs ${jobs} starts worker threads, which on Deno need read access to ${
        JSON.stringify(path)
      } and the modules it imports (add the program's directory to --allow-read, or use --jobs 1)`,
    );
  }
}

/**
 * Verifies every input in `request.workers` threads; calls `onReport` once
 * per input, in input order. Rejects when a worker fails outside
 * verification (it cannot start, or an unexpected error).
 */
export async function verifyInWorkers(
  request: PoolRequest,
  onReport: (report: InputReport) => void,
): Promise<void> {
  const url = entryUrl(request.entry);
  checkWorkerPermission(url, request.workers);
  const setup: WorkerSetup = {
    marker: VERIFY_WORKER_MARKER,
    command: request.command,
    flags: request.flags,
    now: request.now.getTime(),
    trustedRootJson: request.trust.trustedRootJson,
    trustInfo: request.trust.info,
  };
  const reports: (InputReport | undefined)[] = new Array(request.inputs.length).fill(undefined);
  let next = 0; // next task to hand out
  let flushed = 0; // reports passed on
  const threads: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const give = (worker: Worker): boolean => {
        if (next >= request.inputs.length) return false;
        const task: WorkerTask = {
          index: next,
          input: request.inputs[next]!,
          materials: request.plans[next]!,
        };
        next++;
        worker.postMessage(task);
        return true;
      };
      for (let i = 0; i < request.workers; i++) {
        const worker = new Worker(url, { workerData: setup });
        threads.push(worker);
        worker.on("message", (reply: WorkerMessage) => {
          if ("ready" in reply) {
            give(worker);
            return;
          }
          if ("crash" in reply) {
            reject(new Error(`verification worker failed on input ${reply.index + 1}: ${reply.crash}`));
            return;
          }
          reports[reply.index] = reply.report;
          while (flushed < reports.length && reports[flushed] !== undefined) {
            onReport(reports[flushed]!);
            flushed++;
          }
          if (flushed === reports.length) resolve();
          else give(worker);
        });
        worker.on("error", (e: Error) => reject(new Error(`verification worker failed: ${e.message}`)));
        worker.on("exit", (code: number) => {
          if (flushed < reports.length) reject(new Error(`verification worker exited early (code ${code})`));
        });
      }
    });
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
}
