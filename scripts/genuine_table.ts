/**
 * Regenerates the table of genuine bundles in testdata/README.md (between
 * the `<!-- genuine:begin -->` and `<!-- genuine:end -->` markers) from the
 * files in each testdata/genuine/<dir>/.
 *
 * Run: deno run --allow-read --allow-write scripts/genuine_table.ts
 *
 * @module
 */

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";

const ROOT = new URL("..", import.meta.url).pathname;
const DIR = `${ROOT}testdata/genuine`;
const read = (d: string, f: string) =>
  existsSync(`${DIR}/${d}/${f}`) ? readFileSync(`${DIR}/${d}/${f}`, "utf8").trim() : "";
const rows = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
  .sort()
  .map((name) => {
    // Raw JSON on purpose: some listed bundles are malformed and must stay readable here.
    // deno-lint-ignore no-explicit-any
    const b: any = JSON.parse(read(name, "bundle.sigstore.json"));
    const version = String(b.mediaType).match(/0\.\d/)?.[0] ?? "?";
    const kind = b.messageSignature ? "messageSignature" : "dsseEnvelope";
    const entry = b.verificationMaterial?.tlogEntries?.[0]?.kindVersion;
    const tsa = (b.verificationMaterial?.timestampVerificationData?.rfc3161Timestamps ?? []).length > 0;
    const expect = read(name, "expect-error");
    return `| \`${name}\` | ${
      read(name, "source").replace(/\|/g, "\\|").replace(/\n/g, " ")
    } | ${version} | ${kind} | ${entry ? `${entry.kind}/${entry.version}` : "—"} | ${tsa ? "yes" : "no"} | ${
      read(name, "instance")
    } | ${existsSync(`${DIR}/${name}/artifact`) ? "artifact" : "digest"} | ${
      expect ? `refused: \`${expect.split(/[\s:]/)[0]}\`` : "verifies"
    } |`;
  });
const table = [
  "| directory | source | version | content | tlog entry | TSA | instance | input | expected |",
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ...rows,
].join("\n");
const readme = readFileSync(`${ROOT}testdata/README.md`, "utf8");
const begin = "<!-- genuine:begin -->";
const end = "<!-- genuine:end -->";
const start = readme.indexOf(begin);
const stop = readme.indexOf(end);
if (start < 0 || stop < 0) throw new Error("markers missing in testdata/README.md");
writeFileSync(
  `${ROOT}testdata/README.md`,
  `${readme.slice(0, start + begin.length)}\n${table}\n${readme.slice(stop)}`,
);
console.log(`${rows.length} bundles listed`);
