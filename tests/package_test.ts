/**
 * The JSR package's entry points: `.` (mod.ts) loads no command-line code
 * and none of the Node-only OIDC environment, even through lazy imports;
 * `./cli` (cli.ts) runs the command line only as the main module, so
 * importing it has no effect; every export in deno.json is a published file.
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";
import { describe, it } from "node:test";
import { REPO_ROOT } from "./_support/paths.ts";

const DENO = `${REPO_ROOT}/node_modules/.bin/deno`;

function deno(args: string[]) {
  const r = spawnSync(DENO, args, {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every module `entry` can load, lazily imported ones included (`deno info` follows dynamic imports). */
function moduleGraph(entry: string): string[] {
  const info = deno(["info", "--json", entry]);
  assert.equal(info.code, 0, info.stderr);
  return (JSON.parse(info.stdout) as { modules: { specifier: string }[] }).modules.map((m) => m.specifier);
}

describe("JSR entry points", () => {
  it("the library root loads no CLI, no Node OIDC environment, no node:http/child_process/readline", () => {
    const graph = moduleGraph("mod.ts");
    assert.ok(graph.some((s) => s.endsWith("/lib/verify/verify_bundle.ts")), "the graph was read");
    const forbidden = graph.filter((s) =>
      s.includes("/lib/cli/") || s.endsWith("/lib/oidc/node_environment.ts") ||
      ["node:http", "node:child_process", "node:readline"].includes(s)
    );
    assert.deepEqual(forbidden, []);
  });

  it("the cli entry does load them (the check above can fail)", () => {
    const graph = moduleGraph("cli.ts");
    assert.ok(graph.includes("node:child_process") && graph.some((s) => s.endsWith("/lib/cli/mod.ts")));
  });

  it("./cli runs main as the main module and does nothing when imported", () => {
    const run = deno(["run", "cli.ts", "--version"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^sigstore-ts \d+\.\d+\.\d+\n$/);
    const noArgs = deno(["run", "cli.ts"]);
    assert.equal(noArgs.code, 2);
    assert.match(noArgs.stderr, /^usage: sigstore-ts/);
    const imported = deno([
      "eval",
      'const m = await import("./cli.ts"); console.log(typeof m.main, Object.keys(m).join(","));',
    ]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(imported.stdout, "function main\n");
    assert.equal(imported.stderr, "");
  });

  it("deno.json exports `.`, `./cli`, `./oidc/node` and `./verify`, each a published file", () => {
    const config = JSON.parse(readFileSync(`${REPO_ROOT}/deno.json`, "utf8"));
    assert.deepEqual(config.exports, {
      ".": "./mod.ts",
      "./cli": "./cli.ts",
      "./oidc/node": "./lib/oidc/node_environment.ts",
      "./verify": "./lib/verify/entry.ts",
    });
    const include: string[] = config.publish.include;
    for (
      const file of [...Object.values(config.exports as Record<string, string>), "./LICENSE", "./README.md"]
    ) {
      const path = file.replace(/^\.\//, "");
      assert.ok(
        include.some((p) => path === p || (p.endsWith("/") && path.startsWith(p))),
        `${path} published`,
      );
    }
    assert.match(readFileSync(`${REPO_ROOT}/LICENSE`, "utf8"), /Apache License\s+Version 2\.0, January 2004/);
    assert.equal(config.license, "Apache-2.0");
  });
});
