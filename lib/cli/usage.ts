/**
 * Help text, generated from the command tree and flag tables so it can
 * never list a flag a command does not take, or miss one it does.
 *
 * @example
 * ```ts
 * import { COMMANDS } from "./commands.ts";
 * import { groupUsage } from "./usage.ts";
 * console.log(groupUsage([COMMANDS]));
 * ```
 *
 * @module
 */

import type { CommandGroupSpec, CommandSpec } from "./command_spec.ts";
import type { FlagSpec } from "./flags.ts";

const PROGRAM = "sigstore-ts";
const EXIT_STATUS = "Exit status: 0 success, 1 a verification or signing failure, 2 a usage error.";

/** The full name of a command from its path in the tree (`verify identity`). */
export function commandName(path: readonly (CommandSpec | CommandGroupSpec)[]): string {
  return path.slice(1).map((c) => c.name).join(" ");
}

function leaves(
  node: CommandGroupSpec,
  prefix: string,
): { name: string; summary: string }[] {
  return node.commands.flatMap((c) => {
    const name = prefix ? `${prefix} ${c.name}` : c.name;
    return c.kind === "group" ? leaves(c, name) : [{ name, summary: c.summary }];
  });
}

const LINE_WIDTH = 100;

/** Breaks `text` into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line];
}

/** Two columns: names and their help, the help wrapped. */
function table(rows: readonly [string, string][]): string {
  const width = Math.min(30, Math.max(...rows.map(([left]) => left.length)) + 2);
  const indent = " ".repeat(width + 2);
  return rows
    .map(([left, right]) => {
      const lines = wrap(right, LINE_WIDTH - width - 2);
      const head = left.length + 2 > width
        ? `  ${left}\n${indent}${lines[0]}`
        : `  ${left.padEnd(width)}${lines[0]}`;
      return [head, ...lines.slice(1).map((l) => `${indent}${l}`)].join("\n");
    })
    .join("\n");
}

/** Help of a group (the root included): its commands. `path` runs from the root to it. */
export function groupUsage(path: readonly CommandGroupSpec[]): string {
  const node = path[path.length - 1]!;
  const name = commandName(path);
  const prefix = name ? `${PROGRAM} ${name}` : PROGRAM;
  const rows = leaves(node, name).map(({ name, summary }): [string, string] => [name, summary]);
  const root = path.length === 1;
  return [
    `usage: ${prefix} COMMAND [options] ...`,
    "",
    root ? "Sign and verify with Sigstore (the reference client's command line)." : sentence(node.summary),
    "",
    "Commands:",
    table(rows),
    "",
    ...(root
      ? [
        "Inputs are file paths, sha256:<64 hex> digests, or - for standard input. Instance options",
        "(--staging, --instance URL, --trust-config FILE, --trusted-root FILE) may come before or after",
        "the command. Trust is refreshed over TUF unless --offline, --trust-bundle or a file is given.",
        "",
        "Options: -h, --help (also after a command: its own options), -V, --version",
        "",
      ]
      : []),
    `Run ${prefix} COMMAND --help for a command's options.`,
    EXIT_STATUS,
    "",
  ].join("\n");
}

/** A summary as a sentence: capitalised, with a full stop. */
function sentence(summary: string): string {
  return `${summary[0]!.toUpperCase()}${summary.slice(1)}.`;
}

function flagLabel(spec: FlagSpec): string {
  const long = `--${spec.name}${spec.metavar ? ` ${spec.metavar}` : ""}`;
  return spec.short ? `-${spec.short}, ${long}` : long;
}

function flagHelp(spec: FlagSpec): string {
  const notes = [
    ...(spec.aliases?.length ? [`also ${spec.aliases.map((a) => `--${a}`).join(", ")}`] : []),
    ...(spec.env ? [`env $${spec.env}`] : []),
  ];
  return notes.length ? `${spec.help} [${notes.join("; ")}]` : spec.help;
}

/** Help of one command: its usage line, description and every flag it takes, by group. */
export function commandUsage(path: readonly (CommandSpec | CommandGroupSpec)[]): string {
  const spec = path[path.length - 1] as CommandSpec;
  const name = commandName(path);
  const positional = spec.positionals.metavar ? ` ${spec.positionals.metavar}` : "";
  const sections = spec.groups.map((g) =>
    `${g.title}:\n${table(g.flags.map((f): [string, string] => [flagLabel(f), flagHelp(f)]))}`
  );
  return [
    `usage: ${PROGRAM} ${name} [options]${positional}`,
    "",
    sentence(spec.summary),
    ...(spec.description ? [spec.description] : []),
    "",
    sections.join("\n\n"),
    "",
    EXIT_STATUS,
    "",
  ].join("\n");
}
