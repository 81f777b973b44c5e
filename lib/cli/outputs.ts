/**
 * Output files of `sign` and `attest`: where each goes, refusing to
 * overwrite before any network call, and writing through a temporary file
 * and a rename so a failure leaves nothing half-written.
 *
 * @module
 */

import { existsSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SigstoreError } from "../errors/mod.ts";
import { describeIoError } from "./files.ts";
import { UsageError } from "./io.ts";
import { quote } from "./safe_text.ts";

/** The outputs of one input. */
export interface InputOutputs {
  readonly input: string;
  readonly bundle: string | undefined;
  readonly signature: string | undefined;
  readonly certificate: string | undefined;
}

/** The output flags shared by `sign` and `attest`. */
export interface OutputFlags {
  readonly bundle?: string | undefined;
  readonly signature?: string | undefined;
  readonly certificate?: string | undefined;
  readonly "output-directory"?: string | undefined;
  readonly "no-default-files"?: boolean | undefined;
  readonly overwrite?: boolean | undefined;
}

/** Works out every output path, then refuses existing files unless `--overwrite`. */
export function planOutputs(inputs: readonly string[], flags: OutputFlags): InputOutputs[] {
  const single = inputs.length === 1;
  for (const flag of ["bundle", "signature", "certificate"] as const) {
    if (flags[flag] !== undefined && !single) {
      throw new UsageError(`--${flag} names the output of a single input; give one input, or omit --${flag}`);
    }
  }
  if (
    flags["output-directory"] !== undefined &&
    (flags.bundle ?? flags.signature ?? flags.certificate) !== undefined
  ) {
    throw new UsageError("--output-directory cannot be combined with --bundle, --signature or --certificate");
  }
  const plans = inputs.map((input): InputOutputs => {
    const dir = flags["output-directory"];
    const place = (suffix: string) =>
      dir === undefined ? `${input}${suffix}` : join(dir, `${basename(input)}${suffix}`);
    const defaults = flags["no-default-files"] !== true;
    return {
      input,
      bundle: flags.bundle ?? (defaults ? place(".sigstore.json") : undefined),
      signature: flags.signature,
      certificate: flags.certificate,
    };
  });
  const seen = new Set<string>();
  for (const plan of plans) {
    const outs = [plan.bundle, plan.signature, plan.certificate].filter((p): p is string => p !== undefined);
    if (outs.length === 0) {
      throw new UsageError(
        "Nothing would be written: --no-default-files needs --bundle, --signature or --certificate",
      );
    }
    for (const out of outs) {
      if (seen.has(out)) throw new UsageError(`Two outputs would be written to ${quote(out)}`);
      seen.add(out);
      if (out === plan.input) throw new UsageError(`Output ${quote(out)} would overwrite its input`);
      if (existsSync(out)) {
        if (flags.overwrite !== true) {
          throw new UsageError(`Refusing to overwrite ${quote(out)}: it exists (use --overwrite)`);
        }
        if (statSync(out).isDirectory()) throw new UsageError(`Output ${quote(out)} is a directory`);
      }
      if (!existsSync(dirname(out) || ".")) {
        throw new UsageError(`Output directory ${quote(dirname(out))} does not exist`);
      }
    }
  }
  return plans;
}

/**
 * Writes several files all-or-nothing: each goes to a temporary file beside
 * its target first; only when all are written are they renamed into place.
 */
export function writeFilesAtomically(files: readonly { path: string; contents: string }[]): void {
  const temps: { temp: string; path: string }[] = [];
  try {
    for (const { path, contents } of files) {
      const temp = join(dirname(path) || ".", `.${basename(path)}.${crypto.randomUUID()}.tmp`);
      temps.push({ temp, path });
      writeFileSync(temp, contents, { flag: "wx", mode: 0o644 });
    }
    for (const { temp, path } of temps) renameSync(temp, path);
  } catch (e) {
    for (const { temp } of temps) rmSync(temp, { force: true });
    const failed = temps[temps.length - 1]?.path;
    throw new SigstoreError(
      "IO",
      `Cannot write ${failed === undefined ? "the outputs" : quote(failed)}: ${describeIoError(e, "write")}`,
      { cause: e },
    );
  }
}
