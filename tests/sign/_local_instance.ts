/**
 * The local Sigstore instance for round-trip tests: the one named by
 * LOCAL_SIGSTORE_STATE (as `scripts/local_sigstore.sh run` and .ci/run set
 * it). Returns `undefined` when none is named (tests skip locally and fail
 * under CI=true).
 *
 * @module
 */

import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import process from "node:process";

/** A running instance. */
export interface LocalInstance {
  readonly state: string;
  readonly env: Readonly<Record<string, string>>;
  readonly binDir: string;
  /** Releases it (nothing to do: the instance belongs to whoever started it). */
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

/** The running instance named by LOCAL_SIGSTORE_STATE, if any. */
export function localInstance(): LocalInstance | undefined {
  const binDir = process.env.LOCAL_SIGSTORE_BIN ?? `${homedir()}/.cache/sigstore-ts-local`;
  const given = process.env.LOCAL_SIGSTORE_STATE;
  // Never started from here: the instance's ports (80, 2112) are fixed, so a second one would fail
  // or disturb the running one. `scripts/local_sigstore.sh run CMD` starts one and names it.
  if (!given || !existsSync(`${given}/env`)) return undefined;
  return { state: given, env: readEnvFile(`${given}/env`), binDir, stop: () => {} };
}

/** Mints an identity token from the local issuer. */
export async function mintToken(instance: LocalInstance, query = "email=alice@example.com"): Promise<string> {
  const res = await fetch(`${instance.env.OIDC_URL}/token?${query}`);
  if (!res.ok) throw new Error(`token endpoint: HTTP ${res.status}`);
  return (await res.text()).trim();
}
