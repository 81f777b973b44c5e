/**
 * TUF conformance-suite client (theupdateframework/tuf-conformance client
 * protocol), on the same TUF session the trust refresh of `verify` uses
 * (lib/trust `openTufClient`):
 *
 *   CLIENT --metadata-dir DIR init TRUSTED_ROOT_FILE
 *   CLIENT --metadata-dir DIR --metadata-url URL refresh
 *   CLIENT --metadata-dir DIR --metadata-url URL --target-name PATH [--target-name PATH ...]
 *          --target-base-url URL --target-dir DIR download
 *
 * Metadata is stored in DIR under unversioned names (`root.json`,
 * `timestamp.json`, `snapshot.json`, `targets.json`, `ROLE.json`) as each
 * file is trusted. Exit 0 only when every step succeeded; diagnostics on
 * stderr.
 *
 * @module
 */

import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { createHttpTufSource } from "../lib/trust/mod.ts";
import { openTufClient, verifyTufRoot } from "../lib/trust/tuf_trust.ts";

function fail(message: string): never {
  console.error(`tuf-conformance-client: ${message}`);
  process.exit(1);
}

function readOptional(path: string): Uint8Array | undefined {
  return existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined;
}

function writeAtomically(path: string, bytes: Uint8Array): void {
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, path);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      options: {
        "metadata-dir": { type: "string" },
        "metadata-url": { type: "string" },
        "target-name": { type: "string", multiple: true },
        "target-base-url": { type: "string" },
        "target-dir": { type: "string" },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    fail((e as Error).message);
  }
})();
const dir = values["metadata-dir"] ?? fail("--metadata-dir is required");
const [command, ...rest] = positionals;

if (command === "init") {
  if (rest.length !== 1) fail("init takes one TRUSTED_ROOT_FILE");
  const root = readOptional(rest[0]!) ?? fail(`cannot read ${rest[0]}`);
  try {
    await verifyTufRoot(root, rest[0]!);
  } catch (e) {
    fail((e as Error).message);
  }
  writeAtomically(join(dir, "root.json"), root);
  process.exit(0);
}
if (command !== "refresh" && command !== "download") fail(`unknown command ${JSON.stringify(command)}`);
const url = values["metadata-url"] ?? fail("--metadata-url is required");
const stored = (role: string) => join(dir, `${encodeURIComponent(role)}.json`);
const roles = new Map<string, Uint8Array>();
for (const name of readdirSync(dir)) {
  const role = decodeURIComponent(name.replace(/\.json$/, ""));
  if (name.endsWith(".json") && !["root", "timestamp", "snapshot"].includes(role)) {
    roles.set(role, new Uint8Array(readFileSync(join(dir, name))));
  }
}
const trustedRoot = readOptional(stored("root")) ?? fail(`no trusted root in ${dir}: run init first`);
try {
  const local = {
    timestamp: readOptional(stored("timestamp")),
    snapshot: readOptional(stored("snapshot")),
    roles,
  };
  const session = await openTufClient({
    trustedRoot,
    local,
    source: createHttpTufSource(url, {
      targetBaseUrl: values["target-base-url"],
      timeoutMs: 10_000,
      retries: 0,
    }),
    now: new Date(),
    onTrusted: (role, bytes) => writeAtomically(stored(role), bytes),
  });
  if (command === "download") {
    const targetDir = values["target-dir"] ?? fail("--target-dir is required");
    if (values["target-base-url"] === undefined) fail("--target-base-url is required");
    for (const name of values["target-name"] ?? fail("--target-name is required")) {
      const info = await session.findTarget(name);
      if (info === undefined) fail(`no target ${JSON.stringify(name)} in the repository`);
      const path = join(targetDir, encodeURIComponent(name));
      const existing = readOptional(path);
      if (existing !== undefined && session.matchesTarget(info, existing)) continue;
      writeAtomically(path, await session.fetchTarget(info));
    }
  }
} catch (e) {
  fail(`${(e as { code?: string }).code ?? "ERROR"}: ${(e as Error).message}`);
}
process.exit(0);
