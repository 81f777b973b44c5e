/**
 * Each error class accepts only its own codes, so a class and its code
 * cannot disagree; prefixError keeps both.
 *
 * @module
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CONFIG_ERROR_CODES,
  ConfigError,
  type ErrorCode,
  NETWORK_ERROR_CODES,
  NetworkError,
  PARSE_ERROR_CODES,
  ParseError,
  POLICY_ERROR_CODES,
  PolicyError,
  prefixError,
  SIGSTORE_ERROR_CODES,
  SigstoreError,
  VERIFICATION_ERROR_CODES,
  VerificationError,
} from "../../lib/errors/mod.ts";

const CLASSES: [new (code: never, message: string) => SigstoreError, readonly ErrorCode[]][] = [
  [SigstoreError, SIGSTORE_ERROR_CODES],
  [ParseError, PARSE_ERROR_CODES],
  [VerificationError, VERIFICATION_ERROR_CODES],
  [PolicyError, POLICY_ERROR_CODES],
  [NetworkError, NETWORK_ERROR_CODES],
  [ConfigError, CONFIG_ERROR_CODES],
];
const ALL = CLASSES.flatMap(([, codes]) => codes);

describe("error classes", () => {
  it("no code belongs to two classes", () => {
    assert.equal(new Set(ALL).size, ALL.length);
  });
  for (const [Class, codes] of CLASSES) {
    it(`${Class.name} accepts each of its codes and refuses every other code`, () => {
      for (const code of ALL) {
        const make = () => new Class(code as never, "m");
        if (codes.includes(code)) {
          const e = make();
          assert.equal(e.code, code);
          assert.equal(e.name, Class.name);
          assert.ok(e instanceof SigstoreError);
        } else {
          assert.throws(make, TypeError, `${Class.name} took ${code}`);
        }
      }
    });
  }
  it("prefixError() keeps the class, the code and the cause", () => {
    const inner = new PolicyError("POLICY_ISSUER", "wrong issuer");
    const outer = prefixError(inner, "step: ");
    assert.ok(outer instanceof PolicyError);
    assert.equal(outer.code, "POLICY_ISSUER");
    assert.equal(outer.message, "step: wrong issuer");
    assert.equal(outer.cause, inner);
  });
});
