/**
 * Parses one command's arguments against its flag table, strictly (the
 * rules of `node:util` `parseArgs` in strict mode, without loading it: on
 * Deno that module brings the Node compatibility layer, which costs more
 * start-up time than a whole offline verification). Checks an unknown flag,
 * a flag of another command (named as such), a missing value, a value given
 * to a boolean flag, a flag given twice, an empty file or URL, a value
 * outside a flag's choices; and applies environment-variable defaults.
 *
 * @example
 * ```ts
 * import { parseCommandArgs } from "./parse_args.ts";
 * import { COMMON_FLAGS, TRUST_FLAGS } from "./flags.ts";
 * const parsed = parseCommandArgs(["--staging", "x"], {
 *   command: "trust show",
 *   flags: [...COMMON_FLAGS.flags, ...TRUST_FLAGS.flags],
 *   knownElsewhere: new Map(),
 *   env: {},
 * });
 * // parsed.values.staging === true, parsed.positionals = ["x"]
 * ```
 *
 * @module
 */

import type { FlagSpec } from "./flags.ts";
import { UsageError } from "./io.ts";
import { quote } from "./safe_text.ts";

/** Parsed flag values keyed by flag name (aliases folded in), env defaults applied. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

/** The result of parsing one command's arguments. */
export interface ParsedArgs {
  /** Values by flag name. */
  readonly values: FlagValues;
  /** Names of the flags given on the command line. */
  readonly given: ReadonlySet<string>;
  /** Names of the flags whose value came from an environment variable. */
  readonly fromEnv: ReadonlySet<string>;
  /** The positional arguments. */
  readonly positionals: readonly string[];
  /** Every value of each repeatable flag, in order (`values` holds the first). */
  readonly lists: ReadonlyMap<string, readonly string[]>;
}

/** What `parseCommandArgs` needs to know. */
export interface ParseContext {
  /** The command's name, for messages (`verify identity`). */
  readonly command: string;
  /** The flags the command accepts. */
  readonly flags: readonly FlagSpec[];
  /**
   * Flags of other commands, by every spelling (`--x`, `-x`): a message saying
   * why this command refuses it, or `""` for the generic one.
   */
  readonly knownElsewhere: Pick<ReadonlyMap<string, string>, "get">;
  /** Environment variables, for defaults. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Every spelling of a flag on the command line: `--name`, `--alias`, `-s`. */
export function spellings(spec: FlagSpec): string[] {
  return [
    `--${spec.name}`,
    ...(spec.aliases ?? []).map((a) => `--${a}`),
    ...(spec.short ? [`-${spec.short}`] : []),
  ];
}

/**
 * Every spelling of `flags` -> its flag (plain loops: this runs once per
 * command line, while the program is cold).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flagsBySpelling } from "./parse_args.ts";
 * const verbose = { name: "verbose", short: "v", kind: "boolean", help: "more output" } as const;
 * assert.deepEqual([...flagsBySpelling([verbose]).keys()], ["--verbose", "-v"]);
 * ```
 */
export function flagsBySpelling(flags: readonly FlagSpec[]): Map<string, FlagSpec> {
  const map = new Map<string, FlagSpec>();
  for (const f of flags) {
    map.set(`--${f.name}`, f);
    for (const alias of f.aliases ?? []) map.set(`--${alias}`, f);
    if (f.short) map.set(`-${f.short}`, f);
  }
  return map;
}

/** An option as given: its flag and its value (`undefined` for a boolean). */
interface OptionToken {
  readonly spec: FlagSpec;
  readonly value: string | undefined;
}

/**
 * Splits `args` (already checked by {@linkcode checkOptionSpellings}) into
 * options and positionals: `--name=value`, `--name value`, `--flag`, groups
 * of short flags (`-vh`), `-` as a positional, and everything after `--`.
 */
function tokenize(
  args: readonly string[],
  own: ReadonlyMap<string, FlagSpec>,
): { options: OptionToken[]; positionals: string[] } {
  const options: OptionToken[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const spec = own.get(eq === -1 ? arg : arg.slice(0, eq))!;
      const value = spec.kind === "boolean" ? undefined : eq === -1 ? args[++i]! : arg.slice(eq + 1);
      options.push({ spec, value });
      continue;
    }
    for (const c of arg.slice(1)) {
      const spec = own.get(`-${c}`)!;
      options.push({ spec, value: spec.kind === "boolean" ? undefined : args[++i]! });
    }
  }
  return { options, positionals };
}

/** Parses `args` for one command; throws `UsageError` with a one-line message. */
export function parseCommandArgs(args: readonly string[], ctx: ParseContext): ParsedArgs {
  const own = flagsBySpelling(ctx.flags);
  checkOptionSpellings(args, own, ctx);
  const parsed = tokenize(args, own);
  const values: Record<string, string | boolean | undefined> = {};
  const given = new Set<string>();
  const lists = new Map<string, string[]>();
  for (const { spec, value: raw } of parsed.options) {
    if (given.has(spec.name) && spec.kind !== "boolean" && spec.repeatable !== true) {
      throw new UsageError(`--${spec.name} is given twice; give it once`);
    }
    given.add(spec.name);
    if (spec.kind === "boolean") {
      values[spec.name] = true;
      continue;
    }
    const value = checkValue(spec, raw ?? "", `--${spec.name}`);
    if (spec.repeatable === true) lists.set(spec.name, [...(lists.get(spec.name) ?? []), value]);
    values[spec.name] ??= value;
  }
  const fromEnv = new Set<string>();
  for (const spec of ctx.flags) {
    if (given.has(spec.name) || spec.env === undefined) continue;
    const value = ctx.env[spec.env];
    if (value === undefined || value === "") continue; // an empty variable counts as unset
    values[spec.name] = checkValue(spec, value, spec.env);
    if (spec.repeatable === true) lists.set(spec.name, [value]);
    fromEnv.add(spec.name);
  }
  return { values, given, fromEnv, positionals: parsed.positionals, lists };
}

/**
 * Checks each option first, for messages that name the problem: an option
 * of another command, an unknown one, a value given to a boolean, or a value
 * that is missing (the next argument is another option).
 */
function checkOptionSpellings(
  args: readonly string[],
  own: ReadonlyMap<string, FlagSpec>,
  ctx: ParseContext,
): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") return;
    if (!arg.startsWith("-") || arg === "-") continue;
    const spellingsHere = arg.startsWith("--")
      ? [arg.split("=", 1)[0]!]
      : [...arg.slice(1)].map((c) => `-${c}`); // -vh is -v -h
    for (const spelling of spellingsHere) {
      const spec = own.get(spelling);
      if (spec === undefined) {
        const why = ctx.knownElsewhere.get(spelling);
        throw new UsageError(why || `Unknown option ${quote(spelling)}`);
      }
      if (spec.kind === "boolean" && arg.startsWith("--") && arg.includes("=")) {
        throw new UsageError(`${spelling} takes no value, got ${quote(arg)}`);
      }
      if (spec.kind !== "boolean" && !arg.includes("=")) {
        const next = args[i + 1];
        if (next === undefined || (next.startsWith("-") && next !== "-")) {
          throw new UsageError(
            `${spelling} needs a value (${spec.metavar ?? "a value"})${
              next === undefined ? "" : `; for one that starts with -, write ${spelling}=VALUE`
            }`,
          );
        }
        i++; // skip the value
      }
    }
  }
}

function checkValue(spec: FlagSpec, value: string, source: string): string {
  if (value === "" && !(spec.kind === "text" && spec.allowEmpty)) {
    throw new UsageError(
      `${source} has an empty value (an unset variable?): give ${spec.metavar ?? "a value"}`,
    );
  }
  switch (spec.kind) {
    case "choice":
      if (!spec.choices!.includes(value)) {
        throw new UsageError(`${source} must be ${spec.choices!.join(" or ")}, not ${quote(value)}`);
      }
      break;
    case "url": {
      let url: URL | undefined;
      try {
        url = new URL(value);
      } catch {
        url = undefined;
      }
      if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
        throw new UsageError(`${source} must be an http or https URL, not ${quote(value)}`);
      }
      break;
    }
  }
  return value;
}
