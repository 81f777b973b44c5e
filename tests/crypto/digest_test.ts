/**
 * SHA-2 digests: FIPS 180-2 vectors one-shot and streamed, streams without
 * async iteration (older browsers), and the pure-JS fallback the browser
 * build uses (`@noble/hashes`) against `node:crypto` on the same data.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { digest, digestStream, digestStreamMany, type HashAlgorithm } from "../../lib/crypto/mod.ts";
import { nodeCrypto } from "../../lib/crypto/_node_crypto.ts";
import { encodeHex } from "../../lib/encoding/mod.ts";

// FIPS 180-2 appendix examples for "abc".
const ABC: Record<HashAlgorithm, string> = {
  sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  sha384: "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
  sha512:
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
};

const abc = new TextEncoder().encode("abc");

function pseudoRandom(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 0x12345678;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function* chunked(bytes: Uint8Array, sizes: readonly number[]): Generator<Uint8Array> {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

describe("digest()", () => {
  it("digest() of several parts is the digest of their concatenation, below, at and above the 4 KiB join buffer, and returns a plain Uint8Array the next call does not overwrite", () => {
    const data = pseudoRandom(9000);
    for (const total of [0, 1, 65, 4095, 4096, 4097, 9000]) {
      for (const alg of ["sha256", "sha384", "sha512"] as const) {
        const whole = data.subarray(0, total);
        const expected = createHash(alg).update(whole).digest("hex");
        const cut = Math.floor(total / 3);
        const parts = [whole.subarray(0, cut), whole.subarray(cut, 2 * cut), whole.subarray(2 * cut)];
        const d = digest(alg, ...parts);
        assert.equal(encodeHex(d), expected, `${alg} of ${total} bytes in three parts`);
        assert.equal(encodeHex(digest(alg, whole)), expected, `${alg} of ${total} bytes in one part`);
        assert.equal(Object.getPrototypeOf(d), Uint8Array.prototype);
        digest(alg, Uint8Array.of(1), Uint8Array.of(2)); // reuses the join buffer
        assert.equal(encodeHex(d), expected, "an earlier digest is not a view of the join buffer");
      }
    }
  });
  for (const alg of ["sha256", "sha384", "sha512"] as const) {
    it(`digest() gives the FIPS 180-2 ${alg} of "abc", in one part or several`, () => {
      assert.equal(encodeHex(digest(alg, abc)), ABC[alg]);
      assert.equal(encodeHex(digest(alg, abc.subarray(0, 1), new Uint8Array(0), abc.subarray(1))), ABC[alg]);
    });
  }
});

describe("digestStream()", () => {
  const data = pseudoRandom(3 * 65536 + 17);

  it("digestStreamMany() hashes odd-sized chunks like one-shot node:crypto, for every algorithm at once", async () => {
    const got = await digestStreamMany(
      ["sha256", "sha384", "sha512"],
      ReadableStream.from(chunked(data, [1, 7, 65536, 3])),
    );
    for (const alg of ["sha256", "sha384", "sha512"] as const) {
      assert.equal(encodeHex(got.get(alg)!), createHash(alg).update(data).digest("hex"), alg);
    }
  });

  it("digestStream() reads a stream that is not async-iterable through its reader", async () => {
    const stream = ReadableStream.from(chunked(data, [1000]));
    const readerOnly = { getReader: () => stream.getReader() } as unknown as ReadableStream<Uint8Array>;
    assert.equal(
      encodeHex(await digestStream("sha256", readerOnly)),
      createHash("sha256").update(data).digest("hex"),
    );
  });

  it("digestStream() of an empty stream is the digest of nothing", async () => {
    assert.equal(
      encodeHex(await digestStream("sha512", ReadableStream.from([]))),
      createHash("sha512").update(new Uint8Array(0)).digest("hex"),
    );
  });

  it("on Deno, Bun and Node the fast path is in use: node:crypto's native hash objects", () => {
    const native = nodeCrypto()!.createHash("sha256");
    native.update(abc);
    assert.equal(encodeHex(new Uint8Array(native.digest())), ABC.sha256);
  });

  it("the pure-JS SHA-2 the browser build uses agrees with node:crypto, streamed in odd chunks", () => {
    for (const [alg, js] of [["sha256", sha256], ["sha384", sha384], ["sha512", sha512]] as const) {
      const h = js.create();
      for (const c of chunked(data, [5, 64, 127, 4096])) h.update(c);
      assert.equal(encodeHex(h.digest()), createHash(alg).update(data).digest("hex"), alg);
      assert.equal(encodeHex(js(abc)), ABC[alg]);
    }
  });
});
