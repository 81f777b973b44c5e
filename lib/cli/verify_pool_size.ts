/**
 * The number of cores this process may use, for `--jobs auto`: Deno's
 * `navigator.hardwareConcurrency` (no `node:` module, which would start
 * Deno's Node compatibility layer on every verification), `node:os`'s
 * `availableParallelism` on Bun and Node.
 *
 * @module
 */

/** The part of `node:os` used here. */
interface NodeOs {
  availableParallelism?(): number;
  cpus(): readonly unknown[];
}

/** The cores available to this process (at least 1). */
export function availableCores(): number {
  let n: number;
  if ((globalThis as { Deno?: unknown }).Deno !== undefined) {
    n = navigator.hardwareConcurrency;
  } else {
    const nodeProcess = (globalThis as { process?: { getBuiltinModule(id: string): unknown } }).process!;
    const os = nodeProcess.getBuiltinModule("node:os") as NodeOs;
    n = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  }
  return Math.max(1, n || 1);
}
