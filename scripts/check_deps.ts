/**
 * Enforces the module boundaries of docs/style.md §2: a folder of lib/
 * imports only the folders its row allows, only through their mod.ts, and
 * npm dependencies only from the one folder that wraps each. `errors/` is
 * shared by all. A runtime edge file kept out of its folder's mod.ts (so that
 * the library root does not load it) is listed in RUNTIME_EDGES with the
 * folders that may import it directly. Also walks the module graph of the
 * browser-safe `./verify` entry (every relative import, static or dynamic)
 * and refuses any `node:` import in it (`node:crypto` is looked up at run
 * time by lib/crypto/_node_crypto.ts, without an import), and checks that
 * every package.json dependency is imported by lib/ (a declared dependency
 * nothing imports is a defect). Exits 1 listing every violation.
 *
 * Run: deno run --allow-read scripts/check_deps.ts
 *
 * @module
 */

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import process from "node:process";

const LIB = new URL("../lib/", import.meta.url).pathname;

const ALLOWED: Record<string, string[]> = {
  errors: [],
  encoding: [],
  der: ["encoding"],
  crypto: ["encoding", "der"],
  net: ["encoding"],
  bundle: ["encoding"],
  attest: ["encoding", "crypto", "bundle"],
  x509: ["encoding", "der", "crypto"],
  trust: ["encoding", "der", "crypto", "x509", "net"],
  oidc: ["encoding", "net"],
  tlog: ["encoding", "crypto", "bundle", "trust"],
  timestamp: ["encoding", "der", "crypto", "x509", "trust"],
  policy: ["x509"],
  verify: ["encoding", "der", "crypto", "bundle", "attest", "x509", "trust", "tlog", "timestamp", "policy"],
  sign: ["*"],
  cli: ["*"],
};

/** Runtime edge files outside their folder's mod.ts, and the folders that may import each. */
const RUNTIME_EDGES: Record<string, string[]> = {
  "oidc/node_environment.ts": ["cli"],
  // The trust loaders: refresh over TUF, the cache on disk (node:fs), trust bundles.
  "trust/tuf_trust.ts": ["cli"],
};

/** npm packages and the one folder allowed to import each. */
const PACKAGES: Record<string, string> = {
  "@noble/curves": "crypto",
  "@noble/hashes": "crypto",
  "tuf-js": "trust",
};

/** Static and dynamic imports of a module's source (type-only imports are erased, so skipped). */
const IMPORT =
  /(?:^|\n)\s*(import|export)(\s+type\b)?[^"'`;]*?from\s+["']([^"']+)["']|(?:^|\n)\s*import\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** The browser-safe entry (`./verify` in deno.json); its graph may hold no `node:` import at all. */
const BROWSER_ENTRY = "lib/verify/entry.ts";
/** A module the browser graph must reach (it looks `node:crypto` up at run time, without an import). */
const BROWSER_GRAPH_PROBE = "lib/crypto/_node_crypto.ts";

const problems: string[] = [];

/** Walks the relative-import graph from `entry`; reports `node:` imports a browser cannot load. */
function checkBrowserGraph(entry: string): void {
  const root = new URL("..", import.meta.url).pathname;
  const seen = new Set<string>();
  const todo = [join(root, entry)];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const name = relative(root, file);
    for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const typeOnly = m[2] !== undefined;
      const spec = (m[3] ?? m[4] ?? m[5])!;
      if (spec.startsWith(".")) {
        if (!typeOnly) todo.push(join(dirname(file), spec));
      } else if (spec.startsWith("node:") && !typeOnly) {
        problems.push(
          `${name} imports ${spec}: not allowed in the module graph of ${entry} (it runs in browsers)`,
        );
      }
    }
  }
  if (!seen.has(join(root, BROWSER_GRAPH_PROBE))) {
    problems.push(`${entry}: the graph walk missed ${BROWSER_GRAPH_PROBE}; is the walker broken?`);
  }
}

/** The npm packages some module of lib/ imports. */
const imported = new Set<string>();

for (const folder of readdirSync(LIB)) {
  const allowed = ALLOWED[folder];
  if (allowed === undefined) {
    problems.push(`lib/${folder}: folder is not in the dependency table`);
    continue;
  }
  for (const file of readdirSync(`${LIB}${folder}`).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(`${LIB}${folder}/${file}`, "utf8");
    for (
      const m of text.matchAll(
        /(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
      )
    ) {
      const spec = m[1] ?? m[2]!;
      const where = `lib/${folder}/${file} imports ${spec}`;
      if (spec.startsWith("./")) continue;
      if (spec.startsWith("../")) {
        const [target, ...rest] = spec.slice(3).split("/");
        if (target === "errors") continue;
        const edge = RUNTIME_EDGES[`${target}/${rest.join("/")}`];
        if (edge !== undefined) {
          if (!edge.includes(folder)) problems.push(`${where}: only ${edge.join(", ")} may import this edge`);
        } else if (rest.join("/") !== "mod.ts") problems.push(`${where}: go through ../${target}/mod.ts`);
        if (!allowed.includes("*") && !allowed.includes(target!)) {
          problems.push(`${where}: ${folder} may not import ${target}`);
        }
        continue;
      }
      if (spec.startsWith("node:")) continue; // runtime edges are reviewed by hand (style.md §2)
      const pkg = Object.keys(PACKAGES).find((p) => spec === p || spec.startsWith(`${p}/`));
      if (pkg !== undefined) imported.add(pkg);
      if (pkg === undefined) problems.push(`${where}: not a declared dependency`);
      else if (PACKAGES[pkg] !== folder) {
        problems.push(`${where}: only lib/${PACKAGES[pkg]} may import ${pkg}`);
      }
    }
  }
}
// A declared dependency nothing imports is a defect: every package.json dependency must be imported and tabled.
const declared = Object.keys(
  (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    dependencies?: Record<string, string>;
  }).dependencies ?? {},
);
for (const pkg of declared) {
  if (!(pkg in PACKAGES)) problems.push(`package.json: dependency ${pkg} is not in the package table`);
  else if (!imported.has(pkg)) {
    problems.push(`package.json: dependency ${pkg} is declared but nothing in lib/ imports it`);
  }
}
for (const pkg of Object.keys(PACKAGES)) {
  if (!declared.includes(pkg)) {
    problems.push(`scripts/check_deps.ts: ${pkg} is tabled but not a package.json dependency`);
  }
}
checkBrowserGraph(BROWSER_ENTRY);
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log("module boundaries: ok");
