/**
 * The local Sigstore instance for round-trip tests: reuses the one named by
 * LOCAL_SIGSTORE_STATE (as `scripts/local_sigstore.sh run` and .ci/run set
 * it), or starts one in a temporary directory when its binaries are
 * installed. Returns `undefined` (tests print SKIPPED) when neither works.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import process from "node:process";
import { REPO_ROOT } from "../_support/paths.ts";

/** A running instance. */
export interface LocalInstance {
  readonly state: string;
  readonly env: Readonly<Record<string, string>>;
  readonly binDir: string;
  /** Stops it if this process started it. */
  stop(): void;
}

function readEnvFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const m = line.match(/^([A-Z0-9_]+)='?([^']*)'?$/);
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

/** Finds or starts the instance. */
export function localInstance(): LocalInstance | undefined {
  const binDir = process.env.LOCAL_SIGSTORE_BIN ?? `${homedir()}/.cache/sigstore-ts-local`;
  const given = process.env.LOCAL_SIGSTORE_STATE;
  if (given && existsSync(`${given}/env`)) {
    return { state: given, env: readEnvFile(`${given}/env`), binDir, stop: () => {} };
  }
  if (!existsSync(`${binDir}/fulcio-v1.8.8/fulcio`)) return undefined;
  const state = mkdtempSync(`${tmpdir()}/sigstore-ts-local-`);
  const start = spawnSync("bash", [`${REPO_ROOT}/scripts/local_sigstore.sh`, "start", state], {
    encoding: "utf8",
  });
  if (start.status !== 0) {
    console.log(`local Sigstore instance did not start:\n${start.stderr.slice(-2000)}`);
    return undefined;
  }
  return {
    state,
    env: readEnvFile(`${state}/env`),
    binDir,
    stop: () => void spawnSync("bash", [`${REPO_ROOT}/scripts/local_sigstore.sh`, "stop", state, "--clean"]),
  };
}

/** Mints an identity token from the local issuer. */
export async function mintToken(instance: LocalInstance, query = "email=alice@example.com"): Promise<string> {
  const res = await fetch(`${instance.env.OIDC_URL}/token?${query}`);
  if (!res.ok) throw new Error(`token endpoint: HTTP ${res.status}`);
  return (await res.text()).trim();
}
