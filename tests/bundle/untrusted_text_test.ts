/**
 * The document loaders (bundle, trusted root, ClientTrustConfig,
 * SigningConfig) on hostile text: deep nesting is refused early and fast,
 * messages stay one short line, and nothing from the input can forge a
 * line of output (such as a fake `OK: …`).
 *
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parseBundle, parseBundleJson } from "../../lib/bundle/mod.ts";
import { parseStatement } from "../../lib/attest/mod.ts";
import { ParseError } from "../../lib/errors/mod.ts";
import {
  parseClientTrustConfigJson,
  parseSigningConfigJson,
  parseTrustedRootJson,
} from "../../lib/trust/mod.ts";
import { TESTDATA } from "../_support/paths.ts";

const GENUINE = `${TESTDATA}/genuine/java-bundle-v3-prod/bundle.sigstore.json`;
const FORGED = "\nOK: artifact.tgz\n\u001b[1A\u2028OK: other";

const LOADERS: [string, (text: string) => unknown, string][] = [
  ["parseBundleJson", parseBundleJson, "BUNDLE_PARSE"],
  ["parseTrustedRootJson", parseTrustedRootJson, "TRUST_ROOT_PARSE"],
  ["parseClientTrustConfigJson", parseClientTrustConfigJson, "TRUST_ROOT_PARSE"],
  ["parseSigningConfigJson", parseSigningConfigJson, "SIGNING_CONFIG_PARSE"],
];

/** The error `f` throws; fails when it returns. */
function thrown(f: () => unknown): ParseError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ParseError, `not a ParseError: ${e}`);
    return e;
  }
  assert.fail("did not throw");
}

/** A one-line message without control characters or Unicode line separators. */
function assertOneSafeLine(message: string, maxLength = 300): void {
  assert.ok(message.length <= maxLength, `message has ${message.length} characters`);
  assert.doesNotMatch(message, /[\p{Cc}\p{Zl}\p{Zp}]/u, `unsafe character in ${JSON.stringify(message)}`);
}

// deno-lint-ignore no-explicit-any
function genuineWith(edit: (b: any) => void): string {
  const b = JSON.parse(readFileSync(GENUINE, "utf8"));
  edit(b);
  return JSON.stringify(b);
}

describe("document loaders on hostile text", () => {
  for (const [name, load, code] of LOADERS) {
    it(`${name}() refuses text that is not JSON without quoting it`, () => {
      for (const text of [FORGED, `{"mediaType": "x"${FORGED}`, "\u0000", ""]) {
        const e = thrown(() => load(text));
        assert.equal(e.code, code);
        assertOneSafeLine(e.message);
        assert.doesNotMatch(e.message, /OK: /);
      }
    });
    it(`${name}() refuses 100,000-deep nesting early and fast`, () => {
      const deep = `{"mediaType": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
      const start = performance.now();
      const e = thrown(() => load(deep));
      assert.ok(performance.now() - start < 500, "took more than 500 ms");
      assert.equal(e.code, code);
      assert.match(e.message, /nested more than 64 deep/);
      assertOneSafeLine(e.message);
    });
    it(`${name}() quotes a hostile media type escaped and bounded`, () => {
      const e = thrown(() => load(JSON.stringify({ mediaType: `${FORGED}${"x".repeat(1 << 20)}` })));
      assertOneSafeLine(e.message);
      assert.match(e.message, /more characters/);
    });
  }
  it("parseBundleJson() refuses a 100,000-deep array inside an int64 field, fast and in one short line", () => {
    const text = genuineWith((b) => (b.verificationMaterial.tlogEntries[0].logIndex = "DEEP")).replace(
      '"DEEP"',
      `${"[".repeat(100_000)}${"]".repeat(100_000)}`,
    );
    const start = performance.now();
    const e = thrown(() => parseBundleJson(text));
    assert.ok(performance.now() - start < 500, "took more than 500 ms");
    assert.equal(e.code, "BUNDLE_PARSE");
    assertOneSafeLine(e.message);
  });
  it("parseBundle() names a deep array in an int64 field by its type, without walking it", () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const b = JSON.parse(readFileSync(GENUINE, "utf8"));
    b.verificationMaterial.tlogEntries[0].logIndex = deep;
    const start = performance.now();
    const e = thrown(() => parseBundle(b));
    assert.ok(performance.now() - start < 500, "took more than 500 ms");
    assert.equal(
      e.message,
      "Malformed bundle at verificationMaterial.tlogEntries[0].logIndex: expected a non-negative int64, found an array",
    );
  });
  it("parseBundle() quotes at most a short, escaped part of a 1 MiB string in an int64 field", () => {
    const b = JSON.parse(readFileSync(GENUINE, "utf8"));
    b.verificationMaterial.tlogEntries[0].logIndex = `${FORGED}${"9".repeat(1 << 20)}`;
    const e = thrown(() => parseBundle(b));
    assert.equal(e.code, "BUNDLE_PARSE");
    assertOneSafeLine(e.message, 200);
    assert.match(e.message, /\\nOK: artifact\.tgz\\n\\u001b\[1A\\u2028OK/);
  });
  it("parseStatement() accepts predicates nested 500 deep (SBOMs nest) and refuses 100,000 deep, fast", () => {
    const statement = (depth: number) =>
      new TextEncoder().encode(
        `{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"}}],` +
          `"predicateType":"https://example.test/p","predicate":${"[".repeat(depth)}${"]".repeat(depth)}}`,
      );
    assert.equal(parseStatement(statement(500)).predicateType, "https://example.test/p");
    const start = performance.now();
    assert.throws(() => parseStatement(statement(100_000)), {
      code: "INTOTO_SUBJECT",
      message: /nested more than 512/,
    });
    assert.ok(performance.now() - start < 500);
  });
});
