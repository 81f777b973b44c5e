/**
 * The shape of a CLI command: its name, help, the flag groups it accepts,
 * how many positionals it takes, and the handler that runs it. Commands
 * with subcommands (`verify`, `plumbing`, `trust`) are groups of commands.
 *
 * @example A command
 * ```ts
 * import type { CommandSpec } from "./command_spec.ts";
 * import { COMMON_FLAGS, TRUST_FLAGS } from "./flags.ts";
 * const show: CommandSpec = {
 *   kind: "command",
 *   name: "show",
 *   summary: "print the trusted root in use",
 *   groups: [TRUST_FLAGS, COMMON_FLAGS],
 *   positionals: { metavar: "", min: 0, max: 0 },
 *   run: () => Promise.resolve(0),
 * };
 * ```
 *
 * @module
 */

import type { FlagGroup } from "./flags.ts";
import type { CliIo } from "./io.ts";
import type { ParsedArgs } from "./parse_args.ts";
import type { SignDependencies } from "./sign_command.ts";

/** Everything a command's handler gets. */
export interface Invocation {
  /** The command's full name (`verify identity`). */
  readonly command: string;
  /** Its parsed flags and positionals. */
  readonly args: ParsedArgs;
  /** Output streams, environment, clock. */
  readonly io: CliIo;
  /** Injected dependencies (the HTTP client), for tests. */
  readonly deps: SignDependencies;
}

/** How many positional arguments a command takes. */
export interface PositionalSpec {
  /** Their placeholder in help text (`FILE...`); "" when none. */
  readonly metavar: string;
  /** At least this many. */
  readonly min: number;
  /** At most this many (`Infinity` for any number). */
  readonly max: number;
  /** The message when fewer than `min` are given. */
  readonly missing?: string;
}

/** A command that runs. */
export interface CommandSpec {
  /** Discriminator. */
  readonly kind: "command";
  /** Its name within its group (`identity`). */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Paragraphs of help shown by `COMMAND --help` after the usage line. */
  readonly description?: string;
  /** The flag groups it accepts, in help order. Every other flag is a usage error. */
  readonly groups: readonly FlagGroup[];
  /** Its positional arguments. */
  readonly positionals: PositionalSpec;
  /**
   * Flags (by spelling, `--cert-oidc-issuer`) it refuses with a specific
   * message instead of the generic "not an option of".
   */
  readonly refuse?: Readonly<Record<string, string>>;
  /** Runs it; returns the exit code. */
  readonly run: (invocation: Invocation) => Promise<number>;
}

/** A command with subcommands. */
export interface CommandGroupSpec {
  /** Discriminator. */
  readonly kind: "group";
  /** Its name (`verify`). */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Its subcommands. */
  readonly commands: readonly (CommandSpec | CommandGroupSpec)[];
}
