/**
 * How the CLI reports a failure on stderr: one escaped, bounded line
 * (`error: …` or `FAIL: INPUT: …`), and with `-v` the chain of causes and the
 * error code on further indented lines.
 *
 * @example
 * ```ts
 * import { SigstoreError } from "../errors/mod.ts";
 * import { describeFailure } from "./report.ts";
 * describeFailure("error", new SigstoreError("IO", "Cannot read x"), false); // "error: Cannot read x\n"
 * ```
 *
 * @module
 */

import type { SigstoreError } from "../errors/mod.ts";
import { oneLine } from "./safe_text.ts";

/** The lines reporting `error` after `prefix` (already safe text); `verbose` adds causes and the code. */
export function describeFailure(prefix: string, error: SigstoreError, verbose: boolean): string {
  let text = `${prefix}: ${oneLine(error.message)}\n`;
  if (verbose) {
    for (
      let c = (error as { cause?: unknown }).cause;
      c instanceof Error;
      c = (c as { cause?: unknown }).cause
    ) {
      text += `  caused by: ${oneLine(c.message)}\n`;
    }
    text += `  error code: ${error.code}\n`;
  }
  return text;
}
