import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePublicKey } from "../../lib/crypto/mod.ts";
import { decodeBase64, encodeBase64, utf8Encode } from "../../lib/encoding/mod.ts";
import { VerificationError } from "../../lib/errors/mod.ts";
import { checkpointKeyId, checkpointKeyName, parseCheckpoint, verifyCheckpoint } from "../../lib/tlog/mod.ts";
import type { TransparencyLogInstance } from "../../lib/trust/mod.ts";
import { bundleVerifyDir, caseTlogs, generateTestKey, testLog } from "./_helpers.ts";
import type { TestKey } from "./_helpers.ts";

const ROOT = new Uint8Array(32).map((_, i) => i);
const ROOT_B64 = encodeBase64(ROOT);

async function signedNote(
  key: TestKey,
  log: TransparencyLogInstance,
  options: {
    origin?: string;
    body?: string;
    name?: string;
    hint?: Uint8Array;
    extra?: string[];
    before?: string[];
  } = {},
): Promise<string> {
  const name = options.name ?? checkpointKeyName(log.baseUrl);
  const body = options.body ?? `${options.origin ?? name}\n42\n${ROOT_B64}\n`;
  const hint = options.hint ?? checkpointKeyId(key.publicKey, name).subarray(0, 4);
  const sig = await key.sign(utf8Encode(body));
  const line = `\u2014 ${name} ${encodeBase64(new Uint8Array([...hint, ...sig]))}\n`;
  return `${body}\n${(options.before ?? []).join("")}${line}${(options.extra ?? []).join("")}`;
}

const WITNESS =
  "\u2014 witness.example O8PH5AAAAABopO8+4O9uzScQrNEnGdKLYXSPoUjH1Se4n92W+wT/j5Kel/4J2XWE4bEe9bpIVUD6EGOeUDFkSWz/rbDhvVcJ/2OrDw==\n";

function assertCheckpointError(fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof VerificationError);
    assert.equal(e.code, "TLOG_CHECKPOINT");
    if (message) assert.match(e.message, message);
    return true;
  });
}

describe("parseCheckpoint()", () => {
  it("parses origin, size, root hash, extensions and signature lines", () => {
    const cp = parseCheckpoint(
      `origin.example - 7\n10\n${ROOT_B64}\nTimestamp: 1\n\n\u2014 a AAAAAAE=\n\u2014 b BBBBBBA=\n`,
    );
    assert.equal(cp.origin, "origin.example - 7");
    assert.equal(cp.treeSize, 10n);
    assert.deepEqual(cp.rootHash, ROOT);
    assert.deepEqual(cp.extensions, ["Timestamp: 1"]);
    assert.deepEqual(cp.signedData, utf8Encode(`origin.example - 7\n10\n${ROOT_B64}\nTimestamp: 1\n`));
    assert.deepEqual(cp.signatures.map((s) => s.name), ["a", "b"]);
    assert.deepEqual(cp.signatures[0]!.keyHint, new Uint8Array([0, 0, 0, 0]));
    assert.deepEqual(cp.signatures[0]!.signature, new Uint8Array([1]));
  });

  it("rejects a note without exactly one blank line", () => {
    assertCheckpointError(() => parseCheckpoint(`o\n1\n${ROOT_B64}\n\u2014 a AAAAAAE=\n`), /blank line/);
    assertCheckpointError(
      () => parseCheckpoint(`o\n1\n${ROOT_B64}\n\nx\n\n\u2014 a AAAAAAE=\n`),
      /blank line/,
    );
  });

  it("rejects a missing origin, size or root hash", () => {
    assertCheckpointError(() => parseCheckpoint(`1\n${ROOT_B64}\n\n\u2014 a AAAAAAE=\n`));
    assertCheckpointError(() => parseCheckpoint(`o\n${ROOT_B64}\n\n\u2014 a AAAAAAE=\n`));
    assertCheckpointError(() => parseCheckpoint(`o\n1\n\n\u2014 a AAAAAAE=\n`));
    assertCheckpointError(() => parseCheckpoint(`\n1\n${ROOT_B64}\n\n\u2014 a AAAAAAE=\n`.slice(1)));
  });

  it("rejects sizes that are not canonical decimal int64", () => {
    for (const size of ["01", "-1", "1.0", "0x10", " 1", "9223372036854775808"]) {
      assertCheckpointError(
        () => parseCheckpoint(`o\n${size}\n${ROOT_B64}\n\n\u2014 a AAAAAAE=\n`),
        /tree size/,
      );
    }
    assert.equal(
      parseCheckpoint(`o\n9223372036854775807\n${ROOT_B64}\n\n\u2014 a AAAAAAE=\n`).treeSize,
      2n ** 63n - 1n,
    );
  });

  it("rejects a root hash that is not base64 of 32 bytes", () => {
    for (
      const root of [encodeBase64(new Uint8Array(31)), encodeBase64(new Uint8Array(33)), "!".repeat(43) + "="]
    ) {
      assertCheckpointError(() => parseCheckpoint(`o\n1\n${root}\n\n\u2014 a AAAAAAE=\n`), /root hash/);
    }
  });

  it("rejects a note without signature lines or with malformed ones", () => {
    const body = `o\n1\n${ROOT_B64}\n\n`;
    assertCheckpointError(() => parseCheckpoint(body), /no signature lines/);
    assertCheckpointError(() => parseCheckpoint(`${body}\u2014 a AAAAAAE=`), /newline/);
    assertCheckpointError(() => parseCheckpoint(`${body}- a AAAAAAE=\n`), /signature line 1/);
    assertCheckpointError(() => parseCheckpoint(`${body}\u2014 a AAAAAA==\n`), /key hint/);
    assertCheckpointError(() => parseCheckpoint(`${body}\u2014 AAAAAAE=\n`), /key name/);
    assertCheckpointError(() => parseCheckpoint(`${body}\u2014 a AAAAAAE=\n\n`));
  });
});

describe("checkpointKeyName() and checkpointKeyId()", () => {
  it("checkpointKeyName() takes the host and port of the base URL", () => {
    assert.equal(checkpointKeyName("https://rekor.sigstore.dev"), "rekor.sigstore.dev");
    assert.equal(checkpointKeyName("https://rekor.sigstore.dev/"), "rekor.sigstore.dev");
    assert.equal(checkpointKeyName("http://localhost:8000"), "localhost:8000");
    assert.equal(checkpointKeyName("rekor.example/path"), "rekor.example");
  });

  it("checkpointKeyId() matches the Rekor v2 log IDs of the production and staging roots", () => {
    const prod = parsePublicKey(
      decodeBase64("MCowBQYDK2VwAyEAt8rlp1knGwjfbcXAYPYAkn0XiLz1x8O4t0YkEhie244=")!,
    );
    assert.equal(
      encodeBase64(checkpointKeyId(prod, "log2025-1.rekor.sigstore.dev")),
      "zxGZFVvd0FEmjR8WrFwMdcAJ9vtaY/QXf44Y1wUeP6A=",
    );
    const stage = parsePublicKey(
      decodeBase64("MCowBQYDK2VwAyEAPn+AREHoBaZ7wgS1zBqpxmLSGnyhxXj4lFxSdWVB8o8=")!,
    );
    assert.equal(
      encodeBase64(checkpointKeyId(stage, "log2025-alpha1.rekor.sigstage.dev")),
      "8w1amZ2S5mJIQkQmPxdMuOrL/oJkvFg9MnQXmeOCXck=",
    );
  });

  it("checkpointKeyId() of an ECDSA key is the SHA-256 of its SPKI (the Rekor v1 log ID)", () => {
    const key = parsePublicKey(
      decodeBase64(
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+2tabdTV5BcGiBIx0a9fAFwrkBbmLSGtks4L3qX6yYY0zufBnhC8Ur/iy55GhWP/9A/bY2LhC30M9+RYtw==",
      )!,
    );
    assert.equal(
      encodeBase64(checkpointKeyId(key, "anything")),
      "wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=",
    );
  });
});

describe("verifyCheckpoint() with generated keys", () => {
  it("accepts an Ed25519 (Rekor v2) checkpoint and ignores witness lines before and after", async () => {
    const key = await generateTestKey("ed25519");
    const log = testLog(key.publicKey);
    const note = await signedNote(key, log, { before: [WITNESS], extra: [WITNESS] });
    const cp = await verifyCheckpoint(note, log);
    assert.equal(cp.origin, "log.example.test");
    assert.equal(cp.treeSize, 42n);
    assert.deepEqual(cp.rootHash, ROOT);
  });

  it('accepts an ECDSA (Rekor v1) checkpoint whose origin is "<host> - <tree ID>"', async () => {
    const key = await generateTestKey("ecdsa");
    const log = testLog(key.publicKey, { baseUrl: "https://rekor.example" });
    const note = await signedNote(key, log, { origin: "rekor.example - 1234" });
    assert.equal((await verifyCheckpoint(note, log)).origin, "rekor.example - 1234");
  });

  it("rejects an origin that is not the log's", async () => {
    const ed = await generateTestKey("ed25519");
    const edLog = testLog(ed.publicKey);
    await assert.rejects(
      verifyCheckpoint(await signedNote(ed, edLog, { origin: "log.example.test - 1" }), edLog),
      {
        code: "TLOG_CHECKPOINT",
        message: /origin/,
      },
    );
    const ec = await generateTestKey("ecdsa");
    const ecLog = testLog(ec.publicKey, { baseUrl: "https://rekor.example" });
    await assert.rejects(
      verifyCheckpoint(await signedNote(ec, ecLog, { origin: "rekor.example.evil - 1" }), ecLog),
      {
        code: "TLOG_CHECKPOINT",
      },
    );
  });

  it("rejects a checkpoint whose only signature has another name", async () => {
    const key = await generateTestKey("ed25519");
    const log = testLog(key.publicKey);
    const note = await signedNote(key, log, { name: "log.example.test.evil", origin: "log.example.test" });
    await assert.rejects(verifyCheckpoint(note, log), {
      code: "TLOG_CHECKPOINT",
      message: /no signature by/,
    });
  });

  it("rejects a checkpoint whose signature carries another key hint", async () => {
    const key = await generateTestKey("ed25519");
    const log = testLog(key.publicKey);
    const hint = checkpointKeyId(key.publicKey, "log.example.test").slice(0, 4);
    hint[0] = hint[0]! ^ 1;
    await assert.rejects(verifyCheckpoint(await signedNote(key, log, { hint }), log), {
      code: "TLOG_CHECKPOINT",
      message: /key hint/,
    });
  });

  it("rejects a signature by another key with the right name and hint", async () => {
    const key = await generateTestKey("ed25519");
    const other = await generateTestKey("ed25519");
    const log = testLog(key.publicKey);
    const hint = checkpointKeyId(key.publicKey, "log.example.test").subarray(0, 4);
    await assert.rejects(verifyCheckpoint(await signedNote(other, log, { hint }), log), {
      code: "TLOG_CHECKPOINT",
      message: /does not verify/,
    });
  });

  it("rejects a note whose body was changed after signing (tampered twins)", async () => {
    for (const kind of ["ed25519", "ecdsa"] as const) {
      const key = await generateTestKey(kind);
      const log = testLog(key.publicKey);
      const note = await signedNote(key, log);
      assert.ok(await verifyCheckpoint(note, log));
      const tampered = [
        note.replace("\n42\n", "\n43\n"),
        note.replace(ROOT_B64, encodeBase64(ROOT.map((b, i) => (i === 31 ? b ^ 1 : b)))),
        note.replace(`${ROOT_B64}\n`, `${ROOT_B64}\nextension\n`),
      ];
      for (const t of tampered) {
        await assert.rejects(verifyCheckpoint(t, log), {
          code: "TLOG_CHECKPOINT",
          message: /does not verify/,
        });
      }
    }
  });

  it("rejects a signature with one flipped bit", async () => {
    const key = await generateTestKey("ed25519");
    const log = testLog(key.publicKey);
    const note = await signedNote(key, log);
    const [head, line] = note.split("\n\n") as [string, string];
    const value = decodeBase64(line.trim().split(" ")[2]!)!;
    value[10] = value[10]! ^ 0x40;
    const bad = `${head}\n\n\u2014 log.example.test ${encodeBase64(value)}\n`;
    await assert.rejects(verifyCheckpoint(bad, log), { code: "TLOG_CHECKPOINT" });
  });

  it("rejects when the log key is unusable", async () => {
    const key = await generateTestKey("ed25519");
    const log = { ...testLog(key.publicKey), publicKey: undefined };
    await assert.rejects(verifyCheckpoint(await signedNote(key, testLog(key.publicKey)), log), {
      code: "TLOG_CHECKPOINT",
    });
  });
});

describe("verifyCheckpoint() with conformance checkpoints", () => {
  const root = bundleVerifyDir();
  if (root === undefined) return;
  function checkpointOf(name: string): { envelope: string; tlogs: TransparencyLogInstance[] } {
    const bundle = JSON.parse(readFileSync(join(root!, name, "bundle.sigstore.json"), "utf8"));
    return {
      envelope: bundle.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope,
      tlogs: caseTlogs(join(root!, name)),
    };
  }
  const logFor = (tlogs: TransparencyLogInstance[], url: string) => tlogs.find((t) => t.baseUrl === url)!;

  for (
    const [name, url, origin] of [
      ["happy-path-v0.3", "https://rekor.sigstore.dev", /^rekor\.sigstore\.dev - \d+$/],
      ["intoto-with-custom-trust-root", "http://localhost:8000", /^localhost:8000 - \d+$/],
      [
        "rekor2-happy-path",
        "https://log2025-alpha1.rekor.sigstage.dev",
        /^log2025-alpha1\.rekor\.sigstage\.dev$/,
      ],
      ["rekor2-checkpoint-origin-not-first", "https://log2025-alpha1.rekor.sigstage.dev", /alpha1/],
      ["rekor2-checkpoint-two-sigs-cosigned", "https://log2025-alpha1.rekor.sigstage.dev", /alpha1/],
      ["rekor2-dsse-happy-path", "https://log2025-alpha3.rekor.sigstage.dev", /alpha3/],
    ] as const
  ) {
    it(`accepts the checkpoint of ${name}`, async () => {
      const { envelope, tlogs } = checkpointOf(name);
      const cp = await verifyCheckpoint(envelope, logFor(tlogs, url));
      assert.match(cp.origin, origin);
    });
  }

  for (
    const [name, message] of [
      ["checkpoint-bad-keyhint_fail", /key hint/],
      ["invalid-checkpoint-signature_fail", /does not verify/],
      ["rekor2-checkpoint-missing-log-signature_fail", /no signature lines/],
      ["rekor2-checkpoint-missing-origin_fail", /Cannot parse/],
      ["rekor2-checkpoint-missing-root-hash_fail", /Cannot parse/],
      ["rekor2-checkpoint-missing-size_fail", /Cannot parse/],
      ["rekor2-checkpoint-no-matching-signature_fail", /origin/],
    ] as const
  ) {
    it(`rejects the checkpoint of ${name}`, async () => {
      const { envelope, tlogs } = checkpointOf(name);
      const url = name.startsWith("rekor2")
        ? "https://log2025-alpha1.rekor.sigstage.dev"
        : "https://rekor.sigstore.dev";
      await assert.rejects(verifyCheckpoint(envelope, logFor(tlogs, url)), {
        code: "TLOG_CHECKPOINT",
        message,
      });
    });
  }

  it("rejects a Rekor v1 checkpoint checked against the Rekor v2 log", async () => {
    const { envelope, tlogs } = checkpointOf("happy-path-v0.3");
    await assert.rejects(verifyCheckpoint(envelope, logFor(tlogs, "https://log2025-1.rekor.sigstore.dev")), {
      code: "TLOG_CHECKPOINT",
    });
  });
});
