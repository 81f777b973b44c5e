/**
 * The embedded trust material: every document matches the sha256 recorded
 * beside it and parses, and a document whose bytes do not match is refused
 * before use.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { PRODUCTION, STAGING } from "../../lib/trust/_embedded_data.ts";
import { embeddedDocument, embeddedTrustedRoot } from "../../lib/trust/embedded.ts";

describe("embedded trust documents", () => {
  it("each matches its recorded sha256, parses as JSON, and is returned as it is", () => {
    for (const [instance, docs] of [["production", PRODUCTION], ["staging", STAGING]] as const) {
      assert.ok(docs.length >= 4, `${instance} embeds its root, trusted root and signing configs`);
      for (const doc of docs) {
        assert.equal(
          createHash("sha256").update(doc.text).digest("hex"),
          doc.sha256,
          `${instance} ${doc.name}`,
        );
        assert.doesNotThrow(() => JSON.parse(doc.text), `${instance} ${doc.name}`);
        assert.equal(embeddedDocument(instance, doc.name), doc.text);
      }
      const root = embeddedTrustedRoot(instance);
      assert.ok(root.certificateAuthorities.length > 0 && root.tlogs.length > 0 && root.ctlogs.length > 0);
    }
  });

  it("refuses a document whose bytes do not match its sha256, every time it is asked for", () => {
    const docs = STAGING as unknown as { name: string; source: string; sha256: string; text: string }[];
    const good = docs[0]!;
    docs.push({ ...good, name: "tampered.json", text: `${good.text} ` });
    try {
      for (let i = 0; i < 2; i++) {
        assert.throws(() => embeddedDocument("staging", "tampered.json"), {
          code: "CONFIG",
          message: /^Embedded staging tampered\.json is corrupt: sha256 [0-9a-f]{64}, expected [0-9a-f]{64}$/,
        });
      }
    } finally {
      docs.pop();
    }
  });

  it("names a document it does not hold", () => {
    assert.throws(() => embeddedDocument("production", "nothing.json"), {
      code: "CONFIG",
      message: 'No embedded production document named "nothing.json"',
    });
  });
});
