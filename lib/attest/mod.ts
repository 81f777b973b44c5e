/**
 * Attestations: in-toto Statements and subject matching.
 *
 * @module
 */

export { IN_TOTO_PAYLOAD_TYPE, parseStatement, verifyStatementSubjectDigests } from "./statement.ts";
export type { Statement, StatementSubject } from "./statement.ts";
