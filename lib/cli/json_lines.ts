/**
 * Bundles from a JSON Lines file, as `gh attestation download` writes them
 * (`sha256:HEX.jsonl`, one bundle per line): every line is parsed first, and
 * one that is not a bundle makes the whole file an error (as gh: "bundle
 * content could not be parsed"); blank lines are skipped. Then each bundle
 * is sorted: another predicate type or another artifact's subject is set
 * aside (as gh filters them), and every remaining one is verified in full.
 * The file verifies when at least one line does: a line that fails
 * verification (tampered, wrong signer) never passes, and it is reported.
 *
 * @module
 */

import { type Bundle, parseBundleJson } from "../bundle/mod.ts";
import { IN_TOTO_PAYLOAD_TYPE, parseStatement, verifyStatementSubjectDigests } from "../attest/mod.ts";
import { ParseError, SigstoreError, VerificationError } from "../errors/mod.ts";
import { artifactDigests, type ArtifactInput, type VerificationResult } from "../verify/mod.ts";
import { quote } from "./safe_text.ts";

/** Is this bundle path a JSON Lines file? */
export function isJsonLines(path: string): boolean {
  return path.toLowerCase().endsWith(".jsonl");
}

/** One bundle of a JSON Lines file and its 1-based line number. */
export interface BundleLine {
  readonly line: number;
  readonly bundle: Bundle;
}

/** Parses every line; a line that is not a bundle is a `ParseError` naming it. */
export function parseBundleLines(text: string, path: string): BundleLine[] {
  const out: BundleLine[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    try {
      out.push({ line: i + 1, bundle: parseBundleJson(raw) });
    } catch (e) {
      if (!(e instanceof SigstoreError)) throw e;
      throw new ParseError(
        "BUNDLE_PARSE",
        `${quote(path)} line ${i + 1} is not a bundle (the whole file is refused, as gh does): ${e.message}`,
        { cause: e },
      );
    }
  });
  if (out.length === 0) {
    throw new ParseError(
      "BUNDLE_PARSE",
      `${quote(path)} holds no bundle (a JSON Lines file has one per line)`,
    );
  }
  return out;
}

/** What happened to each line. */
export type LineOutcome =
  | { readonly line: number; readonly outcome: "verified" }
  | {
    readonly line: number;
    readonly outcome: "other-artifact" | "other-predicate-type";
    readonly detail: string;
  }
  | {
    readonly line: number;
    readonly outcome: "failed";
    readonly error: { readonly name: string; readonly code: string; readonly message: string };
  };

/** Why a line is not about this artifact (or this predicate type), or `undefined` when it is a candidate. */
function setAside(
  bundle: Bundle,
  artifact: ArtifactInput,
  predicateTypes: readonly string[] | undefined,
): LineOutcome["outcome"] | undefined {
  const content = bundle.content;
  if (content.kind !== "dsseEnvelope" || content.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return predicateTypes === undefined ? undefined : "other-predicate-type";
  }
  let statement;
  try {
    statement = parseStatement(content.payload);
  } catch {
    return undefined; // verification reports the malformed statement
  }
  if (predicateTypes !== undefined && !predicateTypes.includes(statement.predicateType)) {
    return "other-predicate-type";
  }
  try {
    verifyStatementSubjectDigests(statement, artifactDigests(artifact));
  } catch {
    return "other-artifact";
  }
  return undefined;
}

/** The outcome of a JSON Lines file: the first verified line's result and what happened to every line. */
export interface JsonLinesVerification {
  readonly line: number;
  readonly bundle: Bundle;
  readonly result: VerificationResult;
  readonly lines: readonly LineOutcome[];
}

/**
 * Verifies the lines of a JSON Lines file for one artifact with `verify`;
 * throws the first candidate's error (naming its line) when none verifies,
 * or `INTOTO_SUBJECT` when no line is about this artifact.
 */
export async function verifyBundleLines(
  lines: readonly BundleLine[],
  path: string,
  artifact: ArtifactInput,
  predicateTypes: readonly string[] | undefined,
  verify: (bundle: Bundle) => Promise<VerificationResult>,
): Promise<JsonLinesVerification> {
  const outcomes: LineOutcome[] = [];
  let first: { line: number; bundle: Bundle; result: VerificationResult } | undefined;
  let firstError: { line: number; error: SigstoreError } | undefined;
  for (const { line, bundle } of lines) {
    const aside = setAside(bundle, artifact, predicateTypes);
    if (aside === "other-artifact" || aside === "other-predicate-type") {
      outcomes.push({
        line,
        outcome: aside,
        detail: aside === "other-artifact"
          ? "its in-toto subject is another artifact"
          : "another predicate type",
      });
      continue;
    }
    try {
      const result = await verify(bundle);
      outcomes.push({ line, outcome: "verified" });
      first ??= { line, bundle, result };
    } catch (e) {
      if (!(e instanceof SigstoreError)) throw e;
      outcomes.push({ line, outcome: "failed", error: { name: e.name, code: e.code, message: e.message } });
      firstError ??= { line, error: e };
    }
  }
  if (first !== undefined) return { ...first, lines: outcomes };
  if (firstError !== undefined) {
    const e = firstError.error;
    const Class = e.constructor as new (
      code: never,
      message: string,
      options: { cause: unknown },
    ) => SigstoreError;
    throw new Class(e.code as never, `${quote(path)} line ${firstError.line}: ${e.message}`, { cause: e });
  }
  const otherType = outcomes.filter((o) => o.outcome === "other-predicate-type").length;
  throw new VerificationError(
    "INTOTO_SUBJECT",
    `No bundle in ${quote(path)} is for this artifact${
      predicateTypes === undefined
        ? ""
        : ` with predicate type ${predicateTypes.map((t) => quote(t)).join(" or ")}`
    } (${lines.length} line${lines.length === 1 ? "" : "s"}: ${
      lines.length - otherType
    } about other artifacts, ${otherType} of other predicate types)`,
  );
}
