/**
 * The README tells the truth about the CLI: its runnable commands work as
 * written on a machine where Deno is not on the PATH (only what `npm ci`
 * installs), `cli.ts` is executable, and every flag and command its
 * "Command line" synopses name exists in the flag tables.
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import process from "node:process";
import { describe, it } from "node:test";
import { COMMANDS } from "../../lib/cli/commands.ts";
import type { CommandGroupSpec } from "../../lib/cli/command_spec.ts";
import { spellings } from "../../lib/cli/parse_args.ts";
import { REPO_ROOT } from "../_support/paths.ts";

const README = readFileSync(`${REPO_ROOT}/README.md`, "utf8");

/** The fenced blocks of `text`, with their language ("" for none). */
function fencedBlocks(text: string): { lang: string; body: string }[] {
  const blocks: { lang: string; body: string }[] = [];
  let open: { lang: string; lines: string[] } | undefined;
  for (const line of text.split("\n")) {
    if (open === undefined) {
      if (line.startsWith("```")) open = { lang: line.slice(3).trim(), lines: [] };
    } else if (line === "```") {
      blocks.push({ lang: open.lang, body: open.lines.join("\n").trim() });
      open = undefined;
    } else {
      open.lines.push(line);
    }
  }
  return blocks;
}

/** The ```sh blocks of the README. */
const SH_BLOCKS = fencedBlocks(README).filter((b) => b.lang === "sh").map((b) => b.body);

/** A PATH like a fresh machine's: the system, node and npm, but no deno or bun. */
function freshPath(): string {
  const node = spawnSync("sh", ["-c", 'dirname "$(command -v node)"'], { encoding: "utf8" }).stdout.trim();
  return ["/usr/local/bin", "/usr/bin", "/bin", node].join(":");
}

function runBlock(block: string) {
  const r = spawnSync("bash", ["-euo", "pipefail", "-c", block], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { PATH: freshPath(), HOME: process.env.HOME ?? "/tmp" },
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe("README commands work as written", () => {
  it("no deno on the fresh PATH (the README must not assume it)", () => {
    const r = spawnSync("bash", ["-c", "command -v deno"], { env: { PATH: freshPath() } });
    assert.notEqual(r.status, 0, "this test needs a PATH without deno to mean anything");
  });
  const runnable = SH_BLOCKS.filter((b) =>
    /^(node_modules\/\.bin\/deno |npm run demo$|export PATH=)/.test(b)
  );
  it("finds the runnable blocks (at least the demo, the command it runs, ./cli.ts)", () => {
    assert.ok(runnable.includes("npm run demo"), runnable.join("\n---\n"));
    assert.ok(runnable.some((b) => /verify identity --offline/.test(b)), runnable.join("\n---\n"));
    assert.ok(runnable.some((b) => /\.\/cli\.ts /.test(b)), runnable.join("\n---\n"));
  });
  for (const block of runnable) {
    it(block.split("\n")[0]!, () => {
      const run = runBlock(block);
      assert.equal(run.code, 0, run.out);
      if (block === "npm run demo" || /java-bundle-v3-prod\/artifact$/.test(block)) {
        assert.match(run.out, /OK: testdata\/genuine\/java-bundle-v3-prod\/artifact/);
      }
      if (/verify (identity|github)/.test(block)) assert.match(run.out, /^OK: /m);
      // Nothing in a runnable block fails.
      assert.doesNotMatch(run.out, /^FAIL: /m);
    });
  }
  it("the twin: the old literal `deno run …` fails on the fresh PATH", () => {
    assert.notEqual(runBlock("deno run --allow-read cli.ts --version").code, 0);
  });
});

describe("cli.ts is executable", () => {
  it("has its run bit and a deno shebang", () => {
    assert.ok((statSync(`${REPO_ROOT}/cli.ts`).mode & 0o111) !== 0, "mode has x bits");
    assert.match(readFileSync(`${REPO_ROOT}/cli.ts`, "utf8"), /^#!\/usr\/bin\/env -S deno run /);
    const git = spawnSync("git", ["ls-files", "-s", "cli.ts"], { cwd: REPO_ROOT, encoding: "utf8" });
    if (git.status === 0 && git.stdout !== "") assert.match(git.stdout, /^100755 /, "git records the mode");
  });
});

describe("the Command line section names only real commands and flags", () => {
  const section = README.slice(README.indexOf("## Command line"), README.indexOf("## Library"));
  const synopses = fencedBlocks(section).filter((b) => b.lang === "").map((b) => b.body).join("\n");
  const allSpellings = new Set<string>();
  const names = new Set<string>();
  const walk = (node: CommandGroupSpec, prefix: string) => {
    for (const c of node.commands) {
      const name = prefix ? `${prefix} ${c.name}` : c.name;
      names.add(name);
      if (c.kind === "group") walk(c, name);
      else c.groups.flatMap((g) => g.flags).flatMap(spellings).forEach((s) => allSpellings.add(s));
    }
  };
  walk(COMMANDS, "");
  it("every flag exists", () => {
    const flags = [...new Set(synopses.match(/--[a-z][a-z0-9-]*/g) ?? [])];
    assert.ok(flags.length > 20);
    for (const f of flags) assert.ok(allSpellings.has(f), `${f} is in no command's table`);
  });
  it("every command exists", () => {
    for (const line of synopses.split("\n").filter((l) => l.startsWith("sigstore-ts"))) {
      const words = line.replace(/\[[^\]]*\]/g, " ").split(/\s+/).slice(1).filter((w) =>
        /^[a-z][a-z-|]*$/.test(w)
      );
      const command = words.slice(0, 2).join(" ").split("|")[0]!;
      assert.ok(names.has(command) || names.has(words[0]!), `${line}`);
    }
  });
});
