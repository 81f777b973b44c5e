import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { describe, it } from "node:test";
import { decodeBase64Js, encodeBase64Js } from "../../lib/encoding/base64.ts";
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
  it("decodeBase64() skips line breaks only: other white space is refused, wherever it is", () => {
    assert.deepEqual(decodeBase64("AA\r\n=="), Uint8Array.of(0));
    assert.deepEqual(decodeBase64("QUJD\nREVG\n"), new TextEncoder().encode("ABCDEF"));
    for (const bad of ["AA ==", " QUJD", "QUJD ", "QU\tJD", "QUJD\f", "QQ= =", "QQ==\t"]) {
      assert.equal(decodeBase64(bad), undefined, JSON.stringify(bad));
    }
  });
  it("decodeBase64() (native where the runtime has it) and the portable decoder agree on every edge", () => {
    // Every string of up to 5 characters over an alphabet of each kind of
    // edge: both alphabets, padding, line breaks, other white space, junk.
    const symbols = ["A", "Q", "B", "/", "_", "+", "-", "=", "\n", "\r", " ", "\t", "$"];
    let cases = [""];
    let checked = 0;
    for (let length = 1; length <= 5; length++) {
      cases = cases.flatMap((c) => symbols.map((s) => c + s));
      for (const text of cases) {
        assert.deepEqual(decodeBase64(text), decodeBase64Js(text), JSON.stringify(text));
        checked++;
      }
    }
    assert.ok(checked > 400_000);
    for (let n = 0; n <= 64; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 91 + n) & 255);
      const text = Buffer.from(bytes).toString("base64");
      assert.deepEqual(decodeBase64Js(text), bytes, "portable decoder");
      assert.deepEqual(decodeBase64(text.replace(/=+$/, "")), bytes, "unpadded");
    }
  });
});

describe("hex", () => {
  it("round-trips and rejects odd or non-hex text", () => {
    assert.equal(encodeHex(Uint8Array.of(0, 15, 255)), "000fff");
    assert.deepEqual(decodeHex("000FfF"), Uint8Array.of(0, 15, 255));
    assert.equal(decodeHex("abc"), undefined);
    assert.equal(decodeHex("zz"), undefined);
    for (const bad of ["0g", " 00", "00 ", "0x00", "+0", "-0", "0\n"]) {
      assert.equal(decodeHex(bad), undefined, bad);
    }
    assert.deepEqual(decodeHex(""), new Uint8Array(0));
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.equal(encodeHex(all), Buffer.from(all).toString("hex"));
    assert.deepEqual(decodeHex(Buffer.from(all).toString("hex").toUpperCase()), all);
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
