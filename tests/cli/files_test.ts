import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, it } from "node:test";
import {
  ARTIFACT_CHUNK_BYTES,
  KEEP_ARTIFACT_BYTES,
  readArtifactFile,
  readArtifactStream,
} from "../../lib/cli/files.ts";
import { encodeHex } from "../../lib/encoding/mod.ts";

const work = mkdtempSync(`${tmpdir()}/sigstore-ts-files-`);
after(() => rmSync(work, { recursive: true, force: true }));

/** Bytes that differ in every chunk, so a reused buffer hashed twice or out of order shows. */
function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 4096) bytes[i] = (i / 4096) & 255;
  bytes[size - 1] = 0x5a;
  return bytes;
}

const sha = (alg: string, bytes: Uint8Array) => createHash(alg).update(bytes).digest("hex");

describe("readArtifactFile", () => {
  it("reads a small file whole", async () => {
    const bytes = pattern(1000);
    writeFileSync(`${work}/small`, bytes);
    const read = await readArtifactFile(`${work}/small`, ["sha256"]);
    assert.equal(read.kind, "bytes");
    assert.deepEqual(read.kind === "bytes" && read.bytes, bytes);
  });

  it("hashes a large file through the two reused buffers, every chunk once and in order", async () => {
    const size = KEEP_ARTIFACT_BYTES + 3 * ARTIFACT_CHUNK_BYTES + 12345; // not a whole number of chunks
    const bytes = pattern(size);
    writeFileSync(`${work}/large`, bytes);
    const read = await readArtifactFile(`${work}/large`, ["sha256", "sha384"]);
    assert.equal(read.kind, "digest");
    if (read.kind !== "digest") return;
    assert.equal(encodeHex(read.digests.get("sha256")!), sha("sha256", bytes));
    assert.equal(encodeHex(read.digests.get("sha384")!), sha("sha384", bytes));
    assert.equal(read.digests.size, 2);
  });

  it("hashes a large file the same when the process has one core (Bun, Node: one buffer, synchronous reads), at every chunk boundary", async () => {
    const nav = globalThis.navigator as unknown as Record<string, unknown>;
    Object.defineProperty(nav, "hardwareConcurrency", { value: 1, configurable: true });
    try {
      assert.equal(navigator.hardwareConcurrency, 1);
      for (const extra of [0, 1, ARTIFACT_CHUNK_BYTES - 1, ARTIFACT_CHUNK_BYTES + 1]) {
        const bytes = pattern(KEEP_ARTIFACT_BYTES + 2 * ARTIFACT_CHUNK_BYTES + extra);
        writeFileSync(`${work}/single-core`, bytes);
        const read = await readArtifactFile(`${work}/single-core`, ["sha256", "sha512"]);
        assert.equal(read.kind, "digest");
        if (read.kind !== "digest") return;
        assert.equal(
          encodeHex(read.digests.get("sha256")!),
          sha("sha256", bytes),
          `${extra} bytes past a chunk`,
        );
        assert.equal(
          encodeHex(read.digests.get("sha512")!),
          sha("sha512", bytes),
          `${extra} bytes past a chunk`,
        );
      }
    } finally {
      delete nav.hardwareConcurrency;
    }
    assert.equal(Object.hasOwn(nav, "hardwareConcurrency"), false, "the stub is gone");
  });

  it("keeps a large file whole when the key signs whole messages (RSA, Ed25519)", async () => {
    const read = await readArtifactFile(`${work}/large`, ["sha256"], true);
    assert.equal(read.kind, "bytes");
    assert.equal(
      read.kind === "bytes" && read.bytes.length,
      KEEP_ARTIFACT_BYTES + 3 * ARTIFACT_CHUNK_BYTES + 12345,
    );
  });

  it("refuses a directory", async () => {
    await assert.rejects(readArtifactFile(work, ["sha256"]), /Cannot read artifact .*: is a directory/);
  });
});

describe("readArtifactStream", () => {
  it("keeps a small stream, and hashes a large one without keeping it, even when its chunks reuse a buffer", async () => {
    const small = await readArtifactStream(
      (async function* () {
        yield new Uint8Array([1, 2]);
        yield "ab";
      })(),
      ["sha256"],
    );
    assert.deepEqual(small.kind === "bytes" && [...small.bytes], [1, 2, 97, 98]);
    const chunk = new Uint8Array(ARTIFACT_CHUNK_BYTES);
    const count = KEEP_ARTIFACT_BYTES / ARTIFACT_CHUNK_BYTES + 2;
    const expected = createHash("sha256");
    const large = await readArtifactStream(
      (async function* () {
        for (let i = 0; i < count; i++) {
          chunk.fill(i); // the same buffer, new content
          expected.update(chunk);
          yield chunk;
        }
      })(),
      ["sha256"],
    );
    assert.equal(large.kind, "digest");
    assert.equal(large.kind === "digest" && encodeHex(large.digests.get("sha256")!), expected.digest("hex"));
  });
});
