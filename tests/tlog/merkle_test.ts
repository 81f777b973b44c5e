import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeRootFromProof, hashLeaf, hashNode, verifyInclusionProof } from "../../lib/tlog/mod.ts";
import { decodeHex, encodeHex } from "../../lib/encoding/mod.ts";
import { flipBit } from "./_helpers.ts";

// The RFC 6962 reference tree: the eight leaves and the roots of its prefixes used by the
// certificate-transparency Merkle tests (also in transparency-dev/merkle's test constants).
// The reference MTH and PATH below follow the definitions of RFC 6962 §2.1 literally.
const LEAVES = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
]
  .map((h) => decodeHex(h)!);
const ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return hashLeaf(leaves[0]!);
  const k = split(leaves.length);
  return hashNode(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

function path(m: number, leaves: Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

function leavesOf(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => new TextEncoder().encode(`leaf ${i}`));
}

describe("hashLeaf() and hashNode()", () => {
  it("hashLeaf() hashes the empty leaf as in RFC 6962", () => {
    assert.equal(encodeHex(hashLeaf(new Uint8Array())), ROOTS[0]);
  });

  it("the reference tree reproduces the RFC 6962 roots for sizes 1 to 8", () => {
    for (let n = 1; n <= 8; n++) assert.equal(encodeHex(mth(LEAVES.slice(0, n))), ROOTS[n - 1], `size ${n}`);
  });
});

describe("verifyInclusionProof()", () => {
  it("accepts every leaf of the RFC 6962 trees of sizes 1 to 8", () => {
    for (let n = 1; n <= 8; n++) {
      const rootHash = decodeHex(ROOTS[n - 1]!)!;
      for (let m = 0; m < n; m++) {
        const proof = {
          index: BigInt(m),
          treeSize: BigInt(n),
          hashes: path(m, LEAVES.slice(0, n)),
          rootHash,
        };
        assert.ok(verifyInclusionProof(hashLeaf(LEAVES[m]!), proof), `leaf ${m} of ${n}`);
      }
    }
  });

  it("accepts every leaf of every tree up to size 40", () => {
    for (let n = 1; n <= 40; n++) {
      const leaves = leavesOf(n);
      const rootHash = mth(leaves);
      for (let m = 0; m < n; m++) {
        const proof = { index: BigInt(m), treeSize: BigInt(n), hashes: path(m, leaves), rootHash };
        assert.ok(verifyInclusionProof(hashLeaf(leaves[m]!), proof), `leaf ${m} of ${n}`);
      }
    }
  });

  it("rejects a proof with one flipped bit in the leaf, any path hash or the root", () => {
    for (const n of [2, 3, 7, 8, 13, 32]) {
      const leaves = leavesOf(n);
      const rootHash = mth(leaves);
      for (let m = 0; m < n; m++) {
        const hashes = path(m, leaves);
        const leaf = hashLeaf(leaves[m]!);
        const base = { index: BigInt(m), treeSize: BigInt(n), hashes, rootHash };
        assert.equal(verifyInclusionProof(flipBit(leaf, 5, 3), base), false);
        assert.equal(verifyInclusionProof(leaf, { ...base, rootHash: flipBit(rootHash, 31, 7) }), false);
        for (let i = 0; i < hashes.length; i++) {
          const tampered = hashes.map((h, j) => (j === i ? flipBit(h, i % 32, i % 8) : h));
          assert.equal(
            verifyInclusionProof(leaf, { ...base, hashes: tampered }),
            false,
            `hash ${i} of ${m}/${n}`,
          );
        }
      }
    }
  });

  it("rejects a proof for a different leaf index", () => {
    for (const n of [2, 5, 8, 13]) {
      const leaves = leavesOf(n);
      const rootHash = mth(leaves);
      for (let m = 0; m < n; m++) {
        const proof = { treeSize: BigInt(n), hashes: path(m, leaves), rootHash };
        const other = m ^ 1;
        assert.equal(verifyInclusionProof(hashLeaf(leaves[m]!), { ...proof, index: BigInt(other) }), false);
      }
    }
  });

  it("rejects a proof for a different root", () => {
    const leaves = leavesOf(10);
    const proof = { index: 3n, treeSize: 10n, hashes: path(3, leaves), rootHash: mth(leaves.slice(0, 9)) };
    assert.equal(verifyInclusionProof(hashLeaf(leaves[3]!), proof), false);
  });

  it("rejects a tree size that changes the shape of the path", () => {
    const leaves = leavesOf(8);
    const base = { index: 5n, hashes: path(5, leaves), rootHash: mth(leaves) };
    assert.equal(verifyInclusionProof(hashLeaf(leaves[5]!), { ...base, treeSize: 6n }), false);
    assert.equal(verifyInclusionProof(hashLeaf(leaves[5]!), { ...base, treeSize: 16n }), false);
  });

  it("rejects an index not below the tree size, and a negative index", () => {
    const leaf = hashLeaf(new Uint8Array([1]));
    assert.equal(verifyInclusionProof(leaf, { index: 1n, treeSize: 1n, hashes: [], rootHash: leaf }), false);
    assert.equal(verifyInclusionProof(leaf, { index: -1n, treeSize: 1n, hashes: [], rootHash: leaf }), false);
    assert.equal(verifyInclusionProof(leaf, { index: 0n, treeSize: 0n, hashes: [], rootHash: leaf }), false);
  });

  it("rejects a path that is one hash too long or too short", () => {
    const leaves = leavesOf(6);
    const hashes = path(2, leaves);
    const base = { index: 2n, treeSize: 6n, rootHash: mth(leaves) };
    const leaf = hashLeaf(leaves[2]!);
    assert.ok(verifyInclusionProof(leaf, { ...base, hashes }));
    assert.equal(verifyInclusionProof(leaf, { ...base, hashes: [...hashes, new Uint8Array(32)] }), false);
    assert.equal(verifyInclusionProof(leaf, { ...base, hashes: hashes.slice(0, -1) }), false);
  });

  it("rejects path hashes that are not 32 bytes", () => {
    const leaves = leavesOf(2);
    const leaf = hashLeaf(leaves[0]!);
    const short = hashLeaf(leaves[1]!).subarray(0, 31);
    assert.equal(computeRootFromProof(leaf, { index: 0n, treeSize: 2n, hashes: [short] }), undefined);
  });

  it("a single-leaf tree's root is the leaf hash", () => {
    const leaf = hashLeaf(new Uint8Array([9]));
    assert.deepEqual(computeRootFromProof(leaf, { index: 0n, treeSize: 1n, hashes: [] }), leaf);
  });

  it("handles indices and sizes beyond 2^53 with bigint arithmetic", () => {
    // The last leaf of a tree of 2^62 + 1 leaves: its only sibling is the root of the first 2^62.
    const leaf = hashLeaf(new Uint8Array([7]));
    const left = hashLeaf(new Uint8Array([8]));
    const proof = { index: 2n ** 62n, treeSize: 2n ** 62n + 1n, hashes: [left] };
    assert.deepEqual(computeRootFromProof(leaf, proof), hashNode(left, leaf));
    assert.equal(computeRootFromProof(leaf, { ...proof, index: 2n ** 62n - 1n }), undefined);
  });
});
