import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { describe, it } from "node:test";
import { encodeBase64Js } from "../../lib/encoding/base64.ts";
import {
  canonicalJson,
  decodeBase64,
  decodeHex,
  decodePem,
  encodeBase64,
  encodeBase64Url,
  encodeHex,
  encodePem,
} from "../../lib/encoding/mod.ts";

describe("base64", () => {
  it("encodeBase64() matches node:buffer for every length 0..64", () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      assert.equal(encodeBase64(bytes), Buffer.from(bytes).toString("base64"));
      assert.equal(encodeBase64Js(bytes), Buffer.from(bytes).toString("base64"), "portable encoder");
      assert.equal(encodeBase64Url(bytes), Buffer.from(bytes).toString("base64url"));
      assert.deepEqual(decodeBase64(encodeBase64(bytes)), bytes);
      assert.deepEqual(decodeBase64(encodeBase64Url(bytes)), bytes);
    }
  });
  it("decodeBase64() accepts unpadded and URL-safe forms", () => {
    assert.deepEqual(decodeBase64("-_8"), Uint8Array.of(0xfb, 0xff));
    assert.deepEqual(decodeBase64("+/8="), Uint8Array.of(0xfb, 0xff));
  });
  it("decodeBase64() rejects non-base64", () => {
    for (const bad of ["a", "ab=c", "abc==", "ab$d", "abcd=", "a===", "ab==="]) {
      assert.equal(decodeBase64(bad), undefined, bad);
    }
  });
  it("decodeBase64() rejects non-zero trailing bits", () => {
    assert.equal(decodeBase64("AB=="), undefined);
    assert.deepEqual(decodeBase64("AA=="), Uint8Array.of(0));
  });
});

describe("hex", () => {
  it("round-trips and rejects odd or non-hex text", () => {
    assert.equal(encodeHex(Uint8Array.of(0, 15, 255)), "000fff");
    assert.deepEqual(decodeHex("000FfF"), Uint8Array.of(0, 15, 255));
    assert.equal(decodeHex("abc"), undefined);
    assert.equal(decodeHex("zz"), undefined);
  });
});

describe("PEM", () => {
  it("round-trips a block and rejects bad base64 inside one", () => {
    const der = Uint8Array.from({ length: 100 }, (_, i) => i);
    const pem = encodePem("PUBLIC KEY", der);
    assert.deepEqual(decodePem(pem), [{ label: "PUBLIC KEY", der }]);
    assert.equal(decodePem("-----BEGIN X-----\n!!!\n-----END X-----"), undefined);
    assert.deepEqual(decodePem("no pem here"), []);
  });
});

describe("canonicalJson()", () => {
  it("sorts keys, drops whitespace and keeps JSON number forms (RFC 8785)", () => {
    assert.equal(
      canonicalJson({ b: [1, "x", null, true], a: { d: 1.5, c: "é\n" }, logIndex: 79605083 }),
      '{"a":{"c":"é\\n","d":1.5},"b":[1,"x",null,true],"logIndex":79605083}',
    );
  });
  it("rejects non-finite numbers", () => {
    assert.throws(() => canonicalJson({ a: NaN }), RangeError);
  });
});
