import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TransparencyLogEntry } from "../../lib/bundle/mod.ts";
import { VerificationError } from "../../lib/errors/mod.ts";
import { selectTransparencyLog } from "../../lib/tlog/mod.ts";
import type { TransparencyLogInstance } from "../../lib/trust/mod.ts";

function log(id: number, checkpointKeyId?: number): TransparencyLogInstance {
  return {
    baseUrl: `https://log${id}.example`,
    hashAlgorithm: "SHA2_256",
    keyDetails: "PKIX_ED25519",
    publicKey: undefined,
    publicKeyBytes: new Uint8Array(),
    validFor: { start: new Date(0), end: undefined },
    logId: new Uint8Array(32).fill(id),
    checkpointKeyId: checkpointKeyId === undefined ? undefined : new Uint8Array(32).fill(checkpointKeyId),
  };
}

const entry = (id: number) => ({ logId: new Uint8Array(32).fill(id) }) as TransparencyLogEntry;

describe("selectTransparencyLog()", () => {
  it("selects the log whose logId equals the entry's", () => {
    assert.equal(selectTransparencyLog(entry(2), [log(1), log(2), log(3)]).baseUrl, "https://log2.example");
  });

  it("selects the log whose checkpointKeyId equals the entry's", () => {
    assert.equal(selectTransparencyLog(entry(9), [log(1), log(2, 9)]).baseUrl, "https://log2.example");
  });

  it("prefers the first match in trust-root order", () => {
    assert.equal(selectTransparencyLog(entry(1), [log(5, 1), log(1)]).baseUrl, "https://log5.example");
  });

  it("rejects an entry from an unknown log with TLOG_UNKNOWN_LOG", () => {
    assert.throws(() => selectTransparencyLog(entry(7), [log(1), log(2, 3)]), (e: unknown) => {
      assert.ok(e instanceof VerificationError);
      assert.equal(e.code, "TLOG_UNKNOWN_LOG");
      assert.match(e.message, /not in the trusted root: log ID BwcH/);
      return true;
    });
    assert.throws(() => selectTransparencyLog(entry(1), []), { code: "TLOG_UNKNOWN_LOG" });
  });

  it("does not match on a prefix of the log ID", () => {
    const short = { logId: new Uint8Array(4).fill(1) } as TransparencyLogEntry;
    assert.throws(() => selectTransparencyLog(short, [log(1)]), { code: "TLOG_UNKNOWN_LOG" });
  });
});
