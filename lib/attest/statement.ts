/**
 * in-toto Statements (v0.1 and v1) carried in DSSE envelopes, and matching
 * an artifact digest against the statement's subjects.
 *
 * @module
 */

import {
  encodeHex,
  JsonShapeError,
  parseJsonText,
  quote,
  readArray,
  readObject,
  readString,
  utf8Decode,
} from "../encoding/mod.ts";
import { VerificationError } from "../errors/mod.ts";

/** The DSSE payload type of in-toto statements. */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

const STATEMENT_TYPES = new Set(["https://in-toto.io/Statement/v1", "https://in-toto.io/Statement/v0.1"]);

/**
 * How deep a statement may nest. Predicates such as SBOMs nest components in
 * components, so the limit is far above the bundle's 64, yet low enough that
 * no runtime's JSON parser runs out of stack.
 */
const MAX_STATEMENT_DEPTH = 512;

/** One statement subject. */
export interface StatementSubject {
  readonly name: string;
  /** Digest algorithm name → lower-case hex. */
  readonly digest: Readonly<Record<string, string>>;
}

/** A parsed in-toto Statement. */
export interface Statement {
  readonly type: string;
  readonly subjects: readonly StatementSubject[];
  readonly predicateType: string;
  readonly predicate: unknown;
}

/** Parses an in-toto Statement from DSSE payload bytes. */
export function parseStatement(payload: Uint8Array): Statement {
  const text = utf8Decode(payload);
  if (text === undefined) throw new VerificationError("INTOTO_SUBJECT", "in-toto statement is not UTF-8");
  try {
    const root = readObject(parseJsonText(text, { maxDepth: MAX_STATEMENT_DEPTH }), "");
    const type = readString(root._type, "_type");
    if (!STATEMENT_TYPES.has(type)) {
      throw new JsonShapeError("_type", `unsupported statement type ${quote(type)}`);
    }
    const subjects = readArray(root.subject, "subject").map((s, i) => {
      const subject = readObject(s, `subject[${i}]`);
      const digests = readObject(subject.digest, `subject[${i}].digest`);
      const digest: Record<string, string> = {};
      for (const [alg, value] of Object.entries(digests)) {
        digest[alg] = readString(value, `subject[${i}].digest.${alg}`);
      }
      return { name: typeof subject.name === "string" ? subject.name : "", digest };
    });
    return {
      type,
      subjects,
      // in-toto spec (v0.1.0 and v1): predicateType is a required TypeURI, so never empty.
      predicateType: readString(root.predicateType, "predicateType"),
      predicate: root.predicate,
    };
  } catch (e) {
    if (e instanceof JsonShapeError) {
      throw new VerificationError("INTOTO_SUBJECT", `Malformed in-toto statement at ${e.message}`, {
        cause: e,
      });
    }
    throw e;
  }
}

/**
 * Requires a subject whose digest matches the artifact for at least one
 * algorithm both sides have (sha256, sha384, sha512; hex compared
 * case-insensitively). Throws `VerificationError` (`INTOTO_SUBJECT`).
 */
export function verifyStatementSubjectDigests(
  statement: Statement,
  artifactDigests: ReadonlyMap<string, Uint8Array>,
): StatementSubject {
  for (const algorithm of artifactDigests.keys()) {
    // Only algorithms some subject offers: a byte artifact's digest is computed when first asked for.
    if (!statement.subjects.some((s) => s.digest[algorithm] !== undefined)) continue;
    const hex = encodeHex(artifactDigests.get(algorithm)!);
    const match = statement.subjects.find((s) => s.digest[algorithm]?.toLowerCase() === hex);
    if (match !== undefined) return match;
  }
  const offered = [...new Set(statement.subjects.flatMap((s) => Object.keys(s.digest)))].join(", ") || "none";
  const sha256 = artifactDigests.get("sha256");
  throw new VerificationError(
    "INTOTO_SUBJECT",
    `Artifact ${
      sha256 ? `sha256:${encodeHex(sha256)}` : ""
    } is not a subject of the in-toto statement (${statement.subjects.length} subject${
      statement.subjects.length === 1 ? "" : "s"
    }; digests offered: ${offered}; artifact digests known: ${[...artifactDigests.keys()].join(", ")})`
      .replace("Artifact  is", "Artifact is"),
  );
}
