/**
 * The in-toto subject check against an artifact's digests: it matches in
 * any algorithm both sides have, and asks the artifact only for digests in
 * algorithms some subject offers (a byte artifact computes each on demand).
 *
 * @module
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { parseStatement, verifyStatementSubjectDigests } from "../../lib/attest/mod.ts";
import { artifactDigests } from "../../lib/verify/artifact.ts";

const artifact = new TextEncoder().encode("an artifact");
const hex = (alg: string) => createHash(alg).update(artifact).digest("hex");

function statement(digest: Record<string, string>) {
  return parseStatement(new TextEncoder().encode(JSON.stringify({
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "other", digest: { sha256: "00".repeat(32) } }, { name: "it", digest }],
    predicateType: "https://example.com/p",
    predicate: {},
  })));
}

/** The digests of `artifact` as verifyBundle computes them, recording which algorithms were asked for. */
function recordingDigests(asked: string[]) {
  const digests = artifactDigests({ kind: "bytes", bytes: artifact });
  return new Proxy(digests, {
    get(target, property) {
      if (property === "get") {
        return (algorithm: string) => {
          asked.push(algorithm);
          return target.get(algorithm as "sha256");
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("verifyStatementSubjectDigests()", () => {
  it("matches a subject that names only sha512, without computing the artifact's sha384", () => {
    const asked: string[] = [];
    const match = verifyStatementSubjectDigests(
      statement({ sha512: hex("sha512") }),
      recordingDigests(asked),
    );
    assert.equal(match.name, "it");
    assert.deepEqual(asked, ["sha256", "sha512"]); // sha256: the other subject offers it
  });
  it("matches in sha256 first and asks for nothing else", () => {
    const asked: string[] = [];
    const match = verifyStatementSubjectDigests(
      statement({ sha256: hex("sha256").toUpperCase(), sha512: "00" }),
      recordingDigests(asked),
    );
    assert.equal(match.name, "it");
    assert.deepEqual(asked, ["sha256"]);
  });
  it("refuses a statement whose subjects differ in every algorithm they share with the artifact", () => {
    assert.throws(
      () =>
        verifyStatementSubjectDigests(
          statement({ sha512: "ab".repeat(64), md5: hex("md5") }),
          recordingDigests([]),
        ),
      { code: "INTOTO_SUBJECT", message: /digests offered: sha256, sha512, md5/ },
    );
  });
});
