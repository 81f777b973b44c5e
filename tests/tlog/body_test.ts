import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DsseEnvelope, MessageSignature, TransparencyLogEntry } from "../../lib/bundle/mod.ts";
import { encodeBase64, encodeHex, utf8Decode, utf8Encode } from "../../lib/encoding/mod.ts";
import { VerificationError } from "../../lib/errors/mod.ts";
import { entryType, verifyEntryBody } from "../../lib/tlog/mod.ts";
import type { EntryBodyExpectation } from "../../lib/tlog/mod.ts";
import { bundleVerifyDir, flipBit, loadCase } from "./_helpers.ts";
import type { ConformanceCase } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

function withBody(entry: TransparencyLogEntry, mutate: (body: Json) => void): TransparencyLogEntry {
  const body = JSON.parse(utf8Decode(entry.canonicalizedBody)!);
  mutate(body);
  return { ...entry, canonicalizedBody: utf8Encode(JSON.stringify(body)) };
}

function expectation(c: ConformanceCase): EntryBodyExpectation {
  return { content: c.bundle.content, signer: c.signer!, artifactDigests: c.artifactDigests };
}

function assertMismatch(fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof VerificationError, String(e));
    assert.equal(e.code, "TLOG_BODY_MISMATCH", e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

const flipB64 = (b64: string): string => {
  const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  return encodeBase64(flipBit(bytes, bytes.length - 1, 0));
};

describe("entryType()", () => {
  it("knows the Rekor v1 and v2 entry types", () => {
    const t = (kind: string, kindVersion: string) => entryType({ kind, kindVersion } as TransparencyLogEntry);
    assert.equal(t("hashedrekord", "0.0.1").rekorVersion, 1);
    assert.equal(t("dsse", "0.0.1").rekorVersion, 1);
    assert.equal(t("intoto", "0.0.2").rekorVersion, 1);
    assert.equal(t("hashedrekord", "0.0.2").rekorVersion, 2);
    assert.equal(t("dsse", "0.0.2").rekorVersion, 2);
  });

  it("rejects unknown kinds and versions with an upgrade hint", () => {
    for (
      const [kind, version] of [["rekord", "0.0.1"], ["hashedrekord", "0.0.3"], ["intoto", "0.0.1"], ["", ""]]
    ) {
      assert.throws(() => entryType({ kind, kindVersion: version } as TransparencyLogEntry), (e: unknown) => {
        assert.ok(e instanceof VerificationError);
        assert.equal(e.code, "TLOG_KIND");
        assert.match(e.message, /upgrade/);
        return true;
      });
    }
  });
});

describe("verifyEntryBody()", () => {
  const root = bundleVerifyDir();
  if (root === undefined) return;

  describe("hashedrekord 0.0.1", () => {
    const c = loadCase(root, "happy-path-v0.3");
    const entry = c.bundle.tlogEntries[0]!;

    it("accepts the entry of happy-path-v0.3", () => {
      assert.deepEqual(verifyEntryBody(entry, expectation(c)), {
        kind: "hashedrekord",
        version: "0.0.1",
        rekorVersion: 1,
      });
    });

    it("accepts a digest map given as a record", () => {
      assert.ok(
        verifyEntryBody(entry, {
          ...expectation(c),
          artifactDigests: { sha256: c.artifactDigests.get("sha256")! },
        }),
      );
    });

    it("accepts a managed-key entry whose publicKey is a PEM PUBLIC KEY (managed-key-happy-path)", () => {
      const k = loadCase(root, "managed-key-happy-path");
      assert.ok(verifyEntryBody(k.bundle.tlogEntries[0]!, expectation(k)));
    });

    it("rejects tampered twins of every checked field", () => {
      const twins: [string, (b: Json) => void, RegExp][] = [
        [
          "signature",
          (b) => (b.spec.signature.content = flipB64(b.spec.signature.content)),
          /signature differs/,
        ],
        [
          "digest",
          (b) => (b.spec.data.hash.value = encodeHex(flipBit(c.artifactDigests.get("sha256")!, 0, 0))),
          /digest differs/,
        ],
        ["algorithm", (b) => (b.spec.data.hash.algorithm = "sha1"), /unsupported hash algorithm/],
        [
          "key",
          (
            b,
          ) => (b.spec.signature.publicKey.content = encodeBase64(
            utf8Encode("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
          )),
          /signer/,
        ],
        [
          "key label",
          (
            b,
          ) => (b.spec.signature.publicKey.content = encodeBase64(
            utf8Encode("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
          )),
          /PRIVATE KEY/,
        ],
        ["kind", (b) => (b.kind = "dsse"), /kindVersion/],
        ["apiVersion", (b) => (b.apiVersion = "0.0.2"), /kindVersion/],
        ["missing spec", (b) => delete b.spec, /spec/],
        ["spec shape", (b) => (b.spec.data = []), /spec\.data/],
      ];
      for (const [what, mutate, message] of twins) {
        assertMismatch(() => verifyEntryBody(withBody(entry, mutate), expectation(c)), message);
        assert.ok(what.length > 0);
      }
    });

    it("rejects a body that is not JSON or not UTF-8", () => {
      assertMismatch(
        () => verifyEntryBody({ ...entry, canonicalizedBody: utf8Encode("{") }, expectation(c)),
        /not valid JSON/,
      );
      assertMismatch(
        () => verifyEntryBody({ ...entry, canonicalizedBody: new Uint8Array([0xff]) }, expectation(c)),
        /UTF-8/,
      );
      assertMismatch(
        () => verifyEntryBody({ ...entry, canonicalizedBody: utf8Encode("[]") }, expectation(c)),
        /object/,
      );
    });

    it("rejects a different signer or artifact", () => {
      assertMismatch(
        () => verifyEntryBody(entry, { ...expectation(c), signer: flipBit(c.signer!, 100, 1) }),
        /signer/,
      );
      assertMismatch(() =>
        verifyEntryBody(entry, { ...expectation(c), artifactDigests: { sha256: new Uint8Array(32) } })
      );
      assertMismatch(
        () => verifyEntryBody(entry, { ...expectation(c), artifactDigests: { sha512: new Uint8Array(64) } }),
        /none of the artifact/,
      );
    });

    it("rejects a DSSE bundle against a hashedrekord 0.0.1 entry", () => {
      const dsse = loadCase(root, "happy-path-intoto-in-dsse-v3");
      assertMismatch(
        () => verifyEntryBody(entry, { ...expectation(c), content: dsse.bundle.content }),
        /DSSE envelope/,
      );
    });

    it("throws TypeError when a message signature comes without artifact digests", () => {
      assert.throws(
        () => verifyEntryBody(entry, { content: c.bundle.content, signer: c.signer! }),
        TypeError,
      );
    });

    it("rejects an unsupported kind with TLOG_KIND before reading the body", () => {
      assert.throws(() => verifyEntryBody({ ...entry, kind: "rekord" }, expectation(c)), {
        code: "TLOG_KIND",
      });
    });
  });

  describe("dsse 0.0.1", () => {
    const c = loadCase(root, "happy-path-intoto-in-dsse-v3");
    const entry = c.bundle.tlogEntries[0]!;
    const envelope = c.bundle.content as DsseEnvelope;

    it("accepts the entry of happy-path-intoto-in-dsse-v3", () => {
      assert.equal(verifyEntryBody(entry, expectation(c)).kind, "dsse");
    });

    it("rejects tampered twins", () => {
      assertMismatch(
        () =>
          verifyEntryBody(
            withBody(entry, (b) => (b.spec.payloadHash.value = "00".repeat(32))),
            expectation(c),
          ),
        /payload/,
      );
      assertMismatch(
        () =>
          verifyEntryBody(
            withBody(
              entry,
              (b) => (b.spec.signatures[0].signature = flipB64(b.spec.signatures[0].signature)),
            ),
            expectation(c),
          ),
        /signature/,
      );
      assertMismatch(
        () =>
          verifyEntryBody(
            withBody(entry, (b) => b.spec.signatures.push(b.spec.signatures[0])),
            expectation(c),
          ),
        /exactly one/,
      );
      assertMismatch(
        () =>
          verifyEntryBody(entry, {
            ...expectation(c),
            content: { ...envelope, payload: flipBit(envelope.payload, 3, 3) },
          }),
        /payload/,
      );
    });

    it("rejects a message-signature bundle", () => {
      const m = loadCase(root, "happy-path-v0.3");
      assertMismatch(
        () =>
          verifyEntryBody(entry, {
            ...expectation(c),
            content: m.bundle.content as MessageSignature,
            artifactDigests: {},
          }),
        /message signature/,
      );
    });
  });

  describe("intoto 0.0.2", () => {
    const c = loadCase(root, "intoto-with-custom-trust-root");
    const entry = c.bundle.tlogEntries[0]!;
    const envelope = c.bundle.content as DsseEnvelope;

    it("accepts the entry of intoto-with-custom-trust-root", () => {
      assert.equal(verifyEntryBody(entry, expectation(c)).kind, "intoto");
    });

    it("rejects tampered twins, including the logged payload and payload type", () => {
      const twins: ((b: Json) => void)[] = [
        (b) => (b.spec.content.payloadHash.value = "00".repeat(32)),
        (b) => (b.spec.content.envelope.payloadType = "text/plain"),
        (b) => (b.spec.content.envelope.payload = encodeBase64(utf8Encode(encodeBase64(utf8Encode("{}"))))),
        (b) => (b.spec.content.envelope.signatures[0].sig = encodeBase64(envelope.signature)),
      ];
      for (const mutate of twins) {
        assertMismatch(() => verifyEntryBody(withBody(entry, mutate), expectation(c)));
      }
    });
  });

  describe("hashedrekord 0.0.2", () => {
    const c = loadCase(root, "rekor2-happy-path");
    const entry = c.bundle.tlogEntries[0]!;

    it("accepts the entries of rekor2-happy-path and rekor2-dsse-happy-path", () => {
      assert.equal(verifyEntryBody(entry, expectation(c)).rekorVersion, 2);
      const d = loadCase(root, "rekor2-dsse-happy-path");
      assert.equal(verifyEntryBody(d.bundle.tlogEntries[0]!, expectation(d)).rekorVersion, 2);
    });

    it("rejects tampered twins of every checked field", () => {
      const v = (b: Json) => b.spec.hashedRekordV002;
      const twins: ((b: Json) => void)[] = [
        (b) => (v(b).data.digest = flipB64(v(b).data.digest)),
        (b) => (v(b).data.algorithm = "SHA2_384"),
        (b) => (v(b).data.algorithm = "SHA1"),
        (b) => (v(b).signature.content = flipB64(v(b).signature.content)),
        (
          b,
        ) => (v(b).signature.verifier.x509Certificate.rawBytes = flipB64(
          v(b).signature.verifier.x509Certificate.rawBytes,
        )),
        (b) => (v(b).signature.verifier.publicKey = { rawBytes: "AAAA" }),
        (b) => delete v(b).signature.verifier.x509Certificate,
        (b) => (b.spec = { dsseV002: {} }),
      ];
      for (const mutate of twins) {
        assertMismatch(() => verifyEntryBody(withBody(entry, mutate), expectation(c)));
      }
    });

    it("checks the DSSE PAE digest with the key's prehash", () => {
      const d = loadCase(root, "rekor2-dsse-happy-path");
      const de = d.bundle.tlogEntries[0]!;
      const envelope = d.bundle.content as DsseEnvelope;
      const v = (b: Json) => b.spec.hashedRekordV002;
      assertMismatch(
        () => verifyEntryBody(de, { ...expectation(d), content: { ...envelope, payloadType: "x" } }),
        /PAE/,
      );
      assertMismatch(
        () =>
          verifyEntryBody(
            withBody(de, (b) => (v(b).signature.verifier.keyDetails = "PKIX_ED25519")),
            expectation(d),
          ),
        /no prehash/,
      );
      assertMismatch(
        () =>
          verifyEntryBody(
            withBody(de, (b) => (v(b).signature.verifier.keyDetails = "PKIX_ECDSA_P384_SHA_384")),
            expectation(d),
          ),
        /prehash/,
      );
    });
  });

  describe("dsse 0.0.2", () => {
    // No conformance bundle uses dsse 0.0.2; build its body from the rekor2-dsse-happy-path data.
    const d = loadCase(root, "rekor2-dsse-happy-path");
    const base = d.bundle.tlogEntries[0]!;
    const envelope = d.bundle.content as DsseEnvelope;
    const body = (hash: Uint8Array) => ({
      apiVersion: "0.0.2",
      kind: "dsse",
      spec: {
        dsseV002: {
          payloadHash: { algorithm: "SHA2_256", digest: encodeBase64(hash) },
          signatures: [{
            content: encodeBase64(envelope.signature),
            verifier: {
              keyDetails: "PKIX_ECDSA_P256_SHA_256",
              x509Certificate: { rawBytes: encodeBase64(d.signer!) },
            },
          }],
        },
      },
    });
    const entryWith = (json: unknown): TransparencyLogEntry => ({
      ...base,
      kindVersion: "0.0.2",
      kind: "dsse",
      canonicalizedBody: utf8Encode(JSON.stringify(json)),
    });

    it("accepts a matching body and rejects a wrong payload hash or signature", async () => {
      const sha = new Uint8Array(await crypto.subtle.digest("SHA-256", envelope.payload as BufferSource));
      assert.equal(verifyEntryBody(entryWith(body(sha)), expectation(d)).kind, "dsse");
      assertMismatch(() => verifyEntryBody(entryWith(body(flipBit(sha, 0, 0))), expectation(d)), /payload/);
      const badSig = body(sha);
      badSig.spec.dsseV002.signatures[0]!.content = flipB64(badSig.spec.dsseV002.signatures[0]!.content);
      assertMismatch(() => verifyEntryBody(entryWith(badSig), expectation(d)), /signature/);
    });
  });

  describe("conformance mismatch cases", () => {
    for (
      const name of [
        "wrong-hashedrekord-entry_fail",
        "incorrect-public-key_fail",
        "dsse-mismatch-envelope_fail",
        "dsse-mismatch-sig_fail",
        "rekor2-dsse-mismatch-envelope_fail",
        "rekor2-dsse-mismatch-sig_fail",
        "intoto-log-entry-mismatch_fail",
      ]
    ) {
      it(`rejects ${name} with TLOG_BODY_MISMATCH`, () => {
        const c = loadCase(root, name);
        assertMismatch(() => verifyEntryBody(c.bundle.tlogEntries[0]!, expectation(c)));
      });
    }
  });
});
