import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeInteger, decodeOid, decodeTime, derChildren, parseDer } from "../../lib/der/mod.ts";
import { ParseError } from "../../lib/errors/mod.ts";

const der = (...b: number[]) => Uint8Array.from(b);

describe("DER reader", () => {
  it("decodes OIDs, integers and times", () => {
    assert.equal(
      decodeOid(parseDer(der(0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07))),
      "1.2.840.10045.3.1.7",
    );
    assert.equal(decodeInteger(parseDer(der(0x02, 0x02, 0x00, 0x80))), 128n);
    assert.equal(decodeInteger(parseDer(der(0x02, 0x01, 0xff))), -1n);
    const utc = new TextEncoder().encode("230712155635Z");
    assert.equal(
      decodeTime(parseDer(Uint8Array.of(0x17, utc.length, ...utc))).toISOString(),
      "2023-07-12T15:56:35.000Z",
    );
    const gen = new TextEncoder().encode("20250612120220.5Z");
    assert.equal(
      decodeTime(parseDer(Uint8Array.of(0x18, gen.length, ...gen))).toISOString(),
      "2025-06-12T12:02:20.500Z",
    );
  });
  it("quotes a malformed time escaped, so the message stays one line (found by the fuzzer)", () => {
    for (const [tag, text] of [[0x17, "230712\n\u001b[2KOK: x"], [0x18, "2025\u0000\r\n0612Z"]] as const) {
      const bytes = new TextEncoder().encode(text);
      assert.throws(() => decodeTime(parseDer(Uint8Array.of(tag, bytes.length, ...bytes))), (e: unknown) => {
        assert.ok(e instanceof ParseError);
        assert.equal(e.code, "DER_PARSE");
        // deno-lint-ignore no-control-regex
        assert.doesNotMatch(e.message, /[\u0000-\u001f]/);
        assert.match(e.message, /\\n/);
        return true;
      });
    }
  });
  it("walks constructed nodes keeping raw bytes", () => {
    const seq = der(0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xaa);
    const [a, b] = derChildren(parseDer(seq));
    assert.deepEqual(a!.raw, der(0x02, 0x01, 0x05));
    assert.deepEqual(b!.value, der(0xaa));
  });
  for (
    const [name, bytes] of [
      ["truncated content", der(0x30, 0x05, 0x02, 0x01)],
      ["indefinite length", der(0x30, 0x80, 0x00, 0x00)],
      ["non-minimal length", der(0x04, 0x81, 0x01, 0x00)],
      ["trailing bytes", der(0x05, 0x00, 0x00)],
      ["empty input", der()],
    ] as const
  ) {
    it(`rejects ${name} with DER_PARSE`, () => {
      assert.throws(() => parseDer(bytes), (e: unknown) => e instanceof ParseError && e.code === "DER_PARSE");
    });
  }
  it("rejects non-minimal integers", () => {
    assert.throws(() => decodeInteger(parseDer(der(0x02, 0x02, 0x00, 0x01))), ParseError);
  });
});
