/**
 * Builds `dist/verify.html`: the verify page (scripts/verify_page/) bundled
 * for browsers with the library's `./verify` entry and the embedded trust
 * roots, inlined into one self-contained HTML file. A Content Security
 * Policy allows only that inline script and style (by hash) and no network
 * at all (`default-src 'none'`).
 *
 * The bundle must not contain any Node built-in: an import of one from any
 * module (ours or a dependency's) fails the build. (`lib/crypto/_node_crypto.ts`
 * looks `node:crypto` up at run time with `process.getBuiltinModule`, which a
 * browser does not have, so it needs no import.)
 *
 * Run (Bun): bun scripts/build_verify_html.ts [--outfile dist/verify.html]
 *
 * @module
 */

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, resolve } from "node:path";
import process from "node:process";

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");
const PAGE = `${ROOT}/scripts/verify_page`;

/** The subset of Bun's build API this script uses. */
interface BunBuild {
  build(options: {
    entrypoints: string[];
    target: "browser";
    format: "esm";
    minify: boolean;
    keepNames: boolean;
    plugins: {
      name: string;
      setup(build: {
        onResolve(
          options: { filter: RegExp },
          callback: (args: { path: string; importer: string }) => { path: string; namespace: string },
        ): void;
        onLoad(
          options: { filter: RegExp; namespace: string },
          callback: () => { contents: string; loader: "js" },
        ): void;
      }): void;
    }[];
  }): Promise<{ success: boolean; logs: unknown[]; outputs: { text(): Promise<string> }[] }>;
}

function outfileArg(): string {
  const i = process.argv.indexOf("--outfile");
  if (i === -1) return `${ROOT}/dist/verify.html`;
  const value = process.argv[i + 1];
  if (value === undefined) throw new Error("--outfile needs a path");
  return resolve(value);
}

const builtin = new RegExp(`^(node:.*|${builtinModules.map((m) => m.replace(/[/]/g, "\\/")).join("|")})$`);
const refused: string[] = [];
const bun = (globalThis as unknown as { Bun?: BunBuild }).Bun;
if (bun === undefined) throw new Error("Run this build with Bun: bun scripts/build_verify_html.ts");

const built = await bun.build({
  entrypoints: [`${PAGE}/page.ts`],
  target: "browser",
  format: "esm",
  minify: true,
  keepNames: true, // error classes set `name` from their class name
  plugins: [{
    name: "no-node-builtins",
    setup(build) {
      build.onResolve({ filter: builtin }, (args) => {
        refused.push(`${args.importer} imports ${args.path}`);
        return { path: args.path, namespace: "absent-in-browsers" };
      });
      build.onLoad({ filter: /.*/, namespace: "absent-in-browsers" }, () => ({
        contents: 'throw new Error("Node built-ins are not available in a browser");',
        loader: "js",
      }));
    },
  }],
});
if (refused.length > 0) {
  console.error(`build_verify_html: Node built-ins in the browser bundle:\n  ${refused.join("\n  ")}`);
  process.exit(1);
}
if (!built.success || built.outputs.length !== 1) {
  console.error("build_verify_html: bundling failed", ...built.logs);
  process.exit(1);
}

// Inside a <script> element only "</script" ends the element; escaping the slash keeps the JS the same.
const script = (await built.outputs[0]!.text()).replaceAll("</script", "<\\/script");
const template = readFileSync(`${PAGE}/page.html`, "utf8");
const style = /<style>([\s\S]*?)<\/style>/.exec(template)?.[1];
if (style === undefined) throw new Error("page.html has no <style>");
const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
const csp = [
  "default-src 'none'",
  `script-src ${sha256(script)}`,
  `style-src ${sha256(style)}`,
  "img-src data:",
  "form-action 'none'",
  "base-uri 'none'",
].join("; ");
const version = JSON.parse(readFileSync(`${ROOT}/package.json`, "utf8")).version as string;
const html = template
  .replace("__CSP__", csp)
  .replace("__VERSION__", version)
  .replace(/<!-- __SCRIPT__[^>]*-->/, () => `<script type="module">${script}</script>`);
if (!html.includes(script)) throw new Error("page.html has no <!-- __SCRIPT__ --> placeholder");

const outfile = outfileArg();
mkdirSync(dirname(outfile), { recursive: true });
const partial = `${outfile}.partial-${process.pid}`;
writeFileSync(partial, html);
renameSync(partial, outfile);
console.log(`wrote ${outfile} (${(new TextEncoder().encode(html).length / 1024).toFixed(0)} KiB)`);
