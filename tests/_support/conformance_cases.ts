/**
 * The conformance suite's bundle-verify cases as the library sees them: the
 * bundle text, the artifact (bytes and sha256 digest), the trust root and the
 * signer policy the upstream harness would pass on the command line.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { parseBundleJson } from "../../lib/bundle/mod.ts";
import { parsePublicKey } from "../../lib/crypto/mod.ts";
import { decodePem } from "../../lib/encoding/mod.ts";
import { ParseError, SigstoreError } from "../../lib/errors/mod.ts";
import { embeddedTrustedRoot, parseTrustedRootJson } from "../../lib/trust/mod.ts";
import { type ArtifactInput, type SignerPolicy, verifyBundle } from "../../lib/verify/mod.ts";

/** The identity the conformance harness expects when a case names none. */
export const CONFORMANCE_IDENTITY =
  "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
/** The issuer the conformance harness expects when a case names none. */
export const CONFORMANCE_ISSUER = "https://token.actions.githubusercontent.com";

/** One bundle-verify case, read from disk. */
export interface ConformanceCase {
  readonly name: string;
  readonly bundleText: string;
  /** The trusted root JSON of the case, or `undefined` for the embedded production root. */
  readonly trustedRootText: string | undefined;
  readonly artifact: Uint8Array;
  /** `key.pub` when the case verifies with a managed key. */
  readonly keyPem: string | undefined;
  readonly identity: string;
  readonly issuer: string;
}

/** The case names under `assets/bundle-verify`, sorted. */
export function conformanceCaseNames(conformanceDir: string): string[] {
  return readdirSync(`${conformanceDir}/assets/bundle-verify`, { withFileTypes: true })
    .filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

/** Reads one case. */
export function loadConformanceCase(conformanceDir: string, name: string): ConformanceCase {
  const assets = `${conformanceDir}/assets/bundle-verify`;
  const dir = `${assets}/${name}`;
  const optional = (f: string) => existsSync(`${dir}/${f}`) ? readFileSync(`${dir}/${f}`, "utf8") : undefined;
  return {
    name,
    bundleText: readFileSync(`${dir}/bundle.sigstore.json`, "utf8"),
    trustedRootText: optional("trusted_root.json"),
    artifact: new Uint8Array(
      readFileSync(existsSync(`${dir}/artifact`) ? `${dir}/artifact` : `${assets}/a.txt`),
    ),
    keyPem: optional("key.pub"),
    identity: optional("identity")?.trim() ?? CONFORMANCE_IDENTITY,
    issuer: optional("issuer")?.trim() ?? CONFORMANCE_ISSUER,
  };
}

/** How the artifact is handed over: its bytes, or its sha256 digest (as the harness's two modes do). */
export type ArtifactMode = "bytes" | "digest";

/** The artifact input of a case in the given mode. */
export function artifactOf(c: ConformanceCase, mode: ArtifactMode): ArtifactInput {
  return mode === "bytes" ? { kind: "bytes", bytes: c.artifact } : {
    kind: "digest",
    digests: new Map([["sha256", new Uint8Array(createHash("sha256").update(c.artifact).digest())]]),
  };
}

/** The signer policy the harness passes: `--key key.pub` (as the CLI reads it), else the identity and issuer. */
export function signerOf(c: ConformanceCase): SignerPolicy {
  if (c.keyPem !== undefined) {
    const block = decodePem(c.keyPem)?.find((b) => b.label === "PUBLIC KEY");
    if (block === undefined) throw new ParseError("KEY_PARSE", `${c.name}/key.pub is not a PEM public key`);
    return { kind: "key", key: parsePublicKey(block.der) };
  }
  return { kind: "identity", policy: { subject: { exact: c.identity }, issuer: c.issuer, extensions: [] } };
}

/** What verifying a case gave: `"OK"`, or a `SigstoreError`'s code and message. */
export interface CaseOutcome {
  readonly code: string;
  readonly message: string;
}

/**
 * Parses and verifies `bundleText` (the case's own, or a mutant) as the
 * harness would; rethrows anything that is not a `SigstoreError`.
 */
export async function verifyCaseOutcome(
  c: ConformanceCase,
  mode: ArtifactMode,
  bundleText: string = c.bundleText,
): Promise<CaseOutcome> {
  try {
    const trustedRoot = c.trustedRootText === undefined
      ? embeddedTrustedRoot("production")
      : parseTrustedRootJson(c.trustedRootText);
    await verifyBundle(parseBundleJson(bundleText), artifactOf(c, mode), {
      trustedRoot,
      signer: signerOf(c),
      now: new Date(),
    });
    return { code: "OK", message: "" };
  } catch (e) {
    if (e instanceof SigstoreError) return { code: e.code, message: e.message };
    throw e;
  }
}
