/**
 * The number of cores this process may use, for `--jobs auto`.
 *
 * @module
 */

import os from "node:os";

/** The cores available to this process (at least 1). */
export function availableCores(): number {
  const n = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, n || 1);
}
