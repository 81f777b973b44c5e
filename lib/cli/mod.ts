/**
 * The `sigstore-ts` command line, with the reference Python client's
 * commands and flags. `main(args, io)` takes its I/O as an argument so tests
 * drive it in-process.
 *
 * The commands live in `lib/cli/commands.ts`, their flags in
 * `lib/cli/flags.ts`; this module finds the command named by `args`, parses
 * the rest against that command's flags only, and runs it.
 *
 * @module
 */

import { SigstoreError } from "../errors/mod.ts";
import type { CommandGroupSpec, CommandSpec } from "./command_spec.ts";
import { COMMANDS } from "./commands.ts";
import { type FlagSpec, HELP, VERSION_FLAG } from "./flags.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { flagsBySpelling, parseCommandArgs, spellings } from "./parse_args.ts";
import { describePermissionDenied } from "./permissions.ts";
import { describeFailure } from "./report.ts";
import { oneLine, quote } from "./safe_text.ts";
import type { SignDependencies } from "./sign_command.ts";
import { commandName, commandUsage, groupUsage } from "./usage.ts";

export type { CliIo } from "./io.ts";
export type { SignDependencies } from "./sign_command.ts";
export { EXIT, UsageError } from "./io.ts";

/** The version printed by `--version`. */
export const VERSION = "0.1.0";

type Node = CommandSpec | CommandGroupSpec;

/** Every command in the tree with its path from the root. */
function allCommands(node: CommandGroupSpec, path: Node[] = [node]): { spec: CommandSpec; path: Node[] }[] {
  return node.commands.flatMap((c) =>
    c.kind === "group" ? allCommands(c, [...path, c]) : [{ spec: c, path: [...path, c] }]
  );
}

const EVERY_COMMAND = allCommands(COMMANDS);

let anyFlags: Map<string, FlagSpec> | undefined;

/**
 * Every spelling of every flag of any command -> the flag, built when first
 * needed (an option before the command's name): most runs name the command
 * first, and building it is a measurable part of a cold start.
 */
function anyFlag(spelling: string): FlagSpec | undefined {
  anyFlags ??= flagsBySpelling(EVERY_COMMAND.flatMap(({ spec }) => spec.groups.flatMap((g) => g.flags)));
  return anyFlags.get(spelling);
}

let owners: Map<string, string[]> | undefined;

/** Which commands take each flag spelling, for "it belongs to …" in messages (built when first needed). */
function flagOwners(): Map<string, string[]> {
  if (owners !== undefined) return owners;
  owners = new Map();
  for (const { spec, path } of EVERY_COMMAND) {
    for (const s of new Set(spec.groups.flatMap((g) => g.flags).flatMap(spellings))) {
      owners.set(s, [...(owners.get(s) ?? []), commandName(path)]);
    }
  }
  return owners;
}

/** Runs the CLI with `args` (without the program name); returns the exit code. */
export async function main(args: readonly string[], io: CliIo, deps: SignDependencies = {}): Promise<number> {
  let located: Located | undefined;
  try {
    located = locate(args);
    return await dispatch(located, io, deps);
  } catch (e) {
    if (e instanceof UsageError) {
      const where = e.command ?? (located ? commandName(located.path) : "");
      const help = where ? `sigstore-ts ${where} --help` : "sigstore-ts --help";
      io.stderr(`error: ${oneLine(e.message)} (see ${help})\n`);
      return EXIT.USAGE;
    }
    if (e instanceof SigstoreError) {
      io.stderr(describeFailure("error", e, located?.verbose ?? false));
      return EXIT.FAILED;
    }
    const denied = describePermissionDenied(e);
    if (denied !== undefined) {
      io.stderr(`error: ${oneLine(denied)}\n`);
      return EXIT.FAILED;
    }
    io.stderr(`internal error: ${oneLine((e as Error)?.message ?? String(e))}\n`);
    return EXIT.FAILED;
  }
}

/** The command `args` name, and the arguments left for it. */
interface Located {
  /** Root to the command (or to the group, when no command was named). */
  readonly path: Node[];
  /** Every argument except the command words. */
  readonly rest: string[];
  /** `-v` was given (for reporting failures). */
  readonly verbose: boolean;
}

/**
 * Walks the command words in `args`, skipping options (and the values of
 * options that take one, so `--bundle sign` is not the sign command).
 */
function locate(args: readonly string[]): Located {
  const path: Node[] = [COMMANDS];
  const rest: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const node = path[path.length - 1]!;
    const arg = args[i]!;
    if (node.kind === "command" || arg === "--") break;
    if (arg.startsWith("-") && arg !== "-") {
      rest.push(arg);
      const spec = anyFlag(arg);
      if (spec !== undefined && spec.kind !== "boolean" && i + 1 < args.length) rest.push(args[++i]!);
      continue;
    }
    const next = node.commands.find((c) => c.name === arg);
    if (next === undefined) {
      if (path.length === 1) throw new UsageError(`Unknown command ${quote(arg)}`);
      throw new UsageError(
        `${commandName(path)} needs a subcommand: ${node.commands.map((c) => c.name).join(" or ")}, not ${
          quote(arg)
        }`,
        commandName(path),
      );
    }
    path.push(next);
  }
  rest.push(...args.slice(i));
  const verbose = optionsPart(rest).some((a) => a === "-v" || a === "--verbose");
  return { path, rest, verbose };
}

/** The arguments before a `--` terminator (after it, everything is positional). */
function optionsPart(args: readonly string[]): readonly string[] {
  const end = args.indexOf("--");
  return end === -1 ? args : args.slice(0, end);
}

async function dispatch(located: Located, io: CliIo, deps: SignDependencies): Promise<number> {
  const { path, rest } = located;
  const node = path[path.length - 1]!;
  const options = optionsPart(rest);
  const asked = (spec: FlagSpec) => options.some((a) => spellings(spec).includes(a));
  if (node.kind === "group") {
    if (asked(VERSION_FLAG)) {
      io.stdout(`sigstore-ts ${VERSION}\n`);
      return EXIT.OK;
    }
    if (asked(HELP)) {
      io.stdout(groupUsage(path as CommandGroupSpec[]));
      return EXIT.OK;
    }
    if (rest.length === 0 && path.length === 1) {
      io.stderr(groupUsage(path as CommandGroupSpec[]));
      return EXIT.USAGE;
    }
    // Options before a missing command: report an unknown one first, else the missing command.
    const unknown = options.find((a) =>
      a.startsWith("-") && a !== "-" && anyFlag(a.split("=", 1)[0]!) === undefined
    );
    if (unknown !== undefined) throw new UsageError(`Unknown option ${quote(unknown.split("=", 1)[0]!)}`);
    if (path.length === 1) throw new UsageError("No command given");
    throw new UsageError(
      `${commandName(path)} needs a subcommand: ${node.commands.map((c) => c.name).join(" or ")}`,
    );
  }
  const name = commandName(path);
  if (asked(HELP)) {
    io.stdout(commandUsage(path));
    return EXIT.OK;
  }
  if (asked(VERSION_FLAG)) {
    io.stdout(`sigstore-ts ${VERSION}\n`);
    return EXIT.OK;
  }
  const flags = node.groups.flatMap((g) => g.flags);
  const refuse: Readonly<Record<string, string>> = node.refuse ?? {};
  const knownElsewhere = {
    get(spelling: string): string | undefined {
      if (Object.hasOwn(refuse, spelling)) return refuse[spelling];
      const owners = flagOwners().get(spelling);
      return owners === undefined
        ? undefined
        : `${spelling} is not an option of ${name} (it belongs to ${owners.join(", ")})`;
    },
  };
  const parsed = parseCommandArgs(rest, { command: name, flags, knownElsewhere, env: io.env });
  if (parsed.values.help) { // -h inside a group of short flags (-vh)
    io.stdout(commandUsage(path));
    return EXIT.OK;
  }
  if (parsed.values.version) {
    io.stdout(`sigstore-ts ${VERSION}\n`);
    return EXIT.OK;
  }
  const count = parsed.positionals.length;
  const { min, max, metavar } = node.positionals;
  if (count < min) throw new UsageError(node.positionals.missing ?? `${name} needs ${metavar}`);
  if (count > max) {
    throw new UsageError(
      max === 0
        ? `${name} takes no arguments, got ${quote(parsed.positionals[0]!)}`
        : `${name} takes ${max === 1 ? "one" : max} ${metavar}, got ${count} arguments`,
    );
  }
  return await node.run({ command: name, args: parsed, io, deps });
}
