/**
 * Test helpers for `verify/`: run verifyBundle on a conformance case after
 * changing exactly one thing (bundle JSON, trust root JSON, artifact, policy,
 * options) and report the error code, or "OK".
 *
 * @module
 */

import { existsSync, readFileSync } from "node:fs";
import { parseBundle } from "../../lib/bundle/mod.ts";
import { decodeBase64, encodeBase64 } from "../../lib/encoding/mod.ts";
import { SigstoreError } from "../../lib/errors/mod.ts";
import type { IdentityPolicy } from "../../lib/policy/mod.ts";
import { parseTrustedRoot } from "../../lib/trust/mod.ts";
import { type SignerPolicy, verifyBundle, type VerifyOptions } from "../../lib/verify/mod.ts";
import { CONFORMANCE_DIR } from "../_support/paths.ts";

/** The signer identity of the conformance bundles. */
export const IDENTITY =
  "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
/** The OIDC issuer of the conformance bundles. */
export const ISSUER = "https://token.actions.githubusercontent.com";
/** The fixed "now" of these tests (after every conformance bundle was made). */
export const NOW = new Date("2026-11-25T00:00:00Z");

/** Bundle and trust-root JSON, edited in place by the tests. */
// deno-lint-ignore no-explicit-any
export type Json = any;

/** One change to a conformance case. */
export interface Mutation {
  readonly bundle?: (b: Json) => void;
  readonly root?: (r: Json) => void;
  readonly artifact?: (a: Uint8Array) => Uint8Array;
  readonly policy?: IdentityPolicy;
  readonly signer?: SignerPolicy;
  /** `null` leaves `now` out, so verifyBundle reads the clock. */
  readonly now?: Date | null;
  readonly options?: Partial<Pick<VerifyOptions, "ctLogThreshold">>;
}

/** A copy of base64 `value` with one bit of the byte at `index` flipped. */
export function flipBase64(value: string, index = 10): string {
  const bytes = decodeBase64(value)!;
  bytes[Math.min(index, bytes.length - 1)]! ^= 0x01;
  return encodeBase64(bytes);
}

/** The directory of a conformance bundle-verify case. */
export function caseDir(caseName: string): string {
  return `${CONFORMANCE_DIR}/assets/bundle-verify/${caseName}`;
}

/** Reads a conformance case's bundle JSON. */
export function readCaseBundle(caseName: string): Json {
  return JSON.parse(readFileSync(`${caseDir(caseName)}/bundle.sigstore.json`, "utf8"));
}

/** Verifies a conformance case after `m`; returns "OK" or the error code. */
export async function outcome(caseName: string, m: Mutation = {}): Promise<string> {
  return (await failure(caseName, m))?.code ?? "OK";
}

/** Verifies a conformance case after `m`; returns the typed error, or `undefined` when it verifies. */
export async function failure(caseName: string, m: Mutation = {}): Promise<SigstoreError | undefined> {
  const assets = `${CONFORMANCE_DIR}/assets/bundle-verify`;
  const dir = caseDir(caseName);
  const bundleJson = readCaseBundle(caseName);
  const rootPath = existsSync(`${dir}/trusted_root.json`)
    ? `${dir}/trusted_root.json`
    : `${CONFORMANCE_DIR}/production/trusted_root.json`;
  const rootJson = JSON.parse(readFileSync(rootPath, "utf8"));
  let artifact: Uint8Array = new Uint8Array(
    readFileSync(existsSync(`${dir}/artifact`) ? `${dir}/artifact` : `${assets}/a.txt`),
  );
  m.bundle?.(bundleJson);
  m.root?.(rootJson);
  if (m.artifact) artifact = m.artifact(artifact);
  try {
    await verifyBundle(parseBundle(bundleJson), { kind: "bytes", bytes: artifact }, {
      trustedRoot: parseTrustedRoot(rootJson),
      signer: m.signer ??
        {
          kind: "identity",
          policy: m.policy ?? { subject: { exact: IDENTITY }, issuer: ISSUER, extensions: [] },
        },
      ...(m.now === null ? {} : { now: m.now ?? NOW }),
      ...m.options,
    });
    return undefined;
  } catch (e) {
    if (e instanceof SigstoreError) return e;
    throw e;
  }
}
