import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TransparencyLogEntry } from "../../lib/bundle/mod.ts";
import { utf8Decode } from "../../lib/encoding/mod.ts";
import {
  selectTransparencyLog,
  signedEntryTimestampPayload,
  verifySignedEntryTimestamp,
} from "../../lib/tlog/mod.ts";
import type { TransparencyLogInstance } from "../../lib/trust/mod.ts";
import { bundleVerifyDir, flipBit, generateTestKey, loadCase, testLog } from "./_helpers.ts";

describe("signedEntryTimestampPayload()", () => {
  it("builds the JCS payload with base64 body, hex log ID and bare integers", () => {
    const entry = {
      canonicalizedBody: new TextEncoder().encode('{"a":1}'),
      integratedTime: 1689177396n,
      logId: new Uint8Array([0xc0, 0xd2, 0x3d]),
      logIndex: 27246492n,
    } as TransparencyLogEntry;
    assert.equal(
      utf8Decode(signedEntryTimestampPayload(entry)),
      '{"body":"eyJhIjoxfQ==","integratedTime":1689177396,"logID":"c0d23d","logIndex":27246492}',
    );
  });

  it("refuses numbers JavaScript cannot represent exactly", () => {
    const entry = {
      canonicalizedBody: new Uint8Array(),
      integratedTime: 2n ** 60n,
      logId: new Uint8Array(),
      logIndex: 1n,
    } as TransparencyLogEntry;
    assert.throws(() => signedEntryTimestampPayload(entry), { code: "TLOG_SET" });
  });
});

describe("verifySignedEntryTimestamp() with a generated key", () => {
  async function signed(time = 1700000000n) {
    const key = await generateTestKey("ecdsa");
    const log = testLog(key.publicKey);
    const unsigned = {
      logIndex: 5n,
      logId: log.logId,
      kind: "hashedrekord",
      kindVersion: "0.0.1",
      integratedTime: time,
      signedEntryTimestamp: undefined,
      inclusionProof: undefined,
      canonicalizedBody: new TextEncoder().encode("{}"),
    } satisfies TransparencyLogEntry;
    const entry = {
      ...unsigned,
      signedEntryTimestamp: await key.sign(signedEntryTimestampPayload(unsigned)),
    };
    return { entry, log };
  }

  it("returns the integrated time when the SET verifies", async () => {
    const { entry, log } = await signed();
    assert.deepEqual(await verifySignedEntryTimestamp(entry, log), new Date(1700000000_000));
  });

  it("rejects tampered twins: flipped SET bit, changed time, index, log ID or body", async () => {
    const { entry, log } = await signed();
    const twins: TransparencyLogEntry[] = [
      { ...entry, signedEntryTimestamp: flipBit(entry.signedEntryTimestamp, 20, 2) },
      { ...entry, integratedTime: entry.integratedTime + 1n },
      { ...entry, logIndex: entry.logIndex ^ 1n },
      { ...entry, logId: flipBit(entry.logId, 0, 0) },
      { ...entry, canonicalizedBody: flipBit(entry.canonicalizedBody, 0, 1) },
    ];
    for (const twin of twins) {
      await assert.rejects(verifySignedEntryTimestamp(twin, log), { code: "TLOG_SET" });
    }
  });

  it("rejects an entry without a SET", async () => {
    const { entry, log } = await signed();
    await assert.rejects(verifySignedEntryTimestamp({ ...entry, signedEntryTimestamp: undefined }, log), {
      code: "TLOG_SET",
      message: /no signed entry timestamp/,
    });
  });

  it("rejects an integrated time outside the log key's window, which is closed at both ends", async () => {
    const { entry, log } = await signed();
    const at = new Date(1700000000_000);
    const window = (start: Date | undefined, end: Date | undefined): TransparencyLogInstance => ({
      ...log,
      validFor: { start, end },
    });
    assert.ok(await verifySignedEntryTimestamp(entry, window(at, at)));
    await assert.rejects(
      verifySignedEntryTimestamp(entry, window(new Date(at.getTime() + 1000), undefined)),
      {
        code: "TRUST_KEY_VALIDITY",
      },
    );
    await assert.rejects(
      verifySignedEntryTimestamp(entry, window(new Date(0), new Date(at.getTime() - 1000))),
      {
        code: "TRUST_KEY_VALIDITY",
      },
    );
    await assert.rejects(verifySignedEntryTimestamp(entry, window(undefined, undefined)), {
      code: "TRUST_KEY_VALIDITY",
    });
  });
});

describe("verifySignedEntryTimestamp() with conformance bundles", () => {
  const root = bundleVerifyDir();
  if (root === undefined) return;

  it("verifies the SET of happy-path-v0.1", async () => {
    const c = loadCase(root, "happy-path-v0.1");
    const entry = c.bundle.tlogEntries[0]!;
    const time = await verifySignedEntryTimestamp(entry, selectTransparencyLog(entry, c.tlogs));
    assert.equal(time.toISOString(), "2023-07-12T15:56:36.000Z");
  });

  it("accepts an integrated time equal to the end of the key's window (trust-root-tlog-validity-end-inclusive)", async () => {
    const c = loadCase(root, "trust-root-tlog-validity-end-inclusive");
    const entry = c.bundle.tlogEntries[0]!;
    const log = selectTransparencyLog(entry, c.tlogs);
    assert.equal(log.validFor.end?.toISOString(), "2023-07-12T15:56:36.000Z");
    assert.ok(await verifySignedEntryTimestamp(entry, log));
  });

  it("rejects set-invalid-signature_fail", async () => {
    const c = loadCase(root, "set-invalid-signature_fail");
    const entry = c.bundle.tlogEntries[0]!;
    await assert.rejects(verifySignedEntryTimestamp(entry, selectTransparencyLog(entry, c.tlogs)), {
      code: "TLOG_SET",
    });
  });
});
