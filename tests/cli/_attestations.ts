/**
 * Genuine GitHub Actions bundles from testdata/genuine, and JSON Lines files
 * assembled from them (one bundle per line, as `gh attestation download`
 * writes them), with tampered twins.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { TESTDATA } from "../_support/paths.ts";

/** The genuine GitHub Actions attestation (SLSA provenance v1) for `a.txt`: loosebazooka/aa-test. */
export const AA_TEST = `${TESTDATA}/genuine/java2-dsse-prod`;
/** Its artifact. */
export const AA_ARTIFACT = `${AA_TEST}/artifact`;
/** Its certificate's claims. */
export const AA = {
  repo: "loosebazooka/aa-test",
  workflow: "loosebazooka/aa-test/.github/workflows/provenance.yaml",
  commit: "ebff8dfbd609b7b22237c7719ce07f2dc7934f5f",
  ref: "refs/heads/main",
} as const;

/** Genuine bundles for other artifacts or of other kinds. */
export const OTHERS = {
  /** SLSA provenance v1 for another artifact (slsa-framework/slsa-github-generator). */
  fib: `${TESTDATA}/genuine/more-slsa-verifier-fib-v01-intoto-prod`,
  /** A conda attestation (another predicate type) for another artifact. */
  conda: `${TESTDATA}/genuine/rsgo-rs-dsse-v001-conda`,
  /** A message signature (not an attestation) from GitHub Actions. */
  wheel: `${TESTDATA}/genuine/py-github-whl-v02`,
} as const;

/** A bundle directory's bundle as one JSON line. */
export function line(dir: string): string {
  return JSON.stringify(JSON.parse(readFileSync(`${dir}/bundle.sigstore.json`, "utf8")));
}

/** The aa-test bundle with one bit of its DSSE signature flipped. */
export function tamperedSignature(): string {
  const b = JSON.parse(line(AA_TEST));
  const sig = Buffer.from(b.dsseEnvelope.signatures[0].sig, "base64");
  sig[sig.length - 5]! ^= 1;
  b.dsseEnvelope.signatures[0].sig = sig.toString("base64");
  return JSON.stringify(b);
}

/** The aa-test bundle whose statement's predicate was edited (same subject: still "for" a.txt). */
export function tamperedPayload(): string {
  const b = JSON.parse(line(AA_TEST));
  const statement = JSON.parse(Buffer.from(b.dsseEnvelope.payload, "base64").toString("utf8"));
  statement.predicate.buildDefinition.externalParameters = { tampered: true };
  b.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
  return JSON.stringify(b);
}

/** Writes `lines` as `sha256:HEX.jsonl` (named after the artifact, as gh does) in a fresh directory. */
export function jsonl(lines: readonly string[], artifact = AA_ARTIFACT): string {
  const dir = mkdtempSync(`${os.tmpdir()}/sigstore-ts-jsonl-`);
  const hex = createHash("sha256").update(readFileSync(artifact)).digest("hex");
  const path = `${dir}/sha256:${hex}.jsonl`;
  writeFileSync(path, lines.map((l) => `${l}\n`).join(""));
  return path;
}
