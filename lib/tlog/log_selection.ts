/**
 * Selects the trusted transparency log an entry claims to come from
 * (protocol reference §2.2 and §3.6.1).
 *
 * @module
 */

import type { TransparencyLogEntry } from "../bundle/mod.ts";
import { bytesEqual, describeBytes } from "../encoding/mod.ts";
import { VerificationError } from "../errors/mod.ts";
import type { TransparencyLogInstance } from "../trust/mod.ts";

/**
 * Finds the trusted log whose ID equals the entry's `logId.keyId`: the log's
 * `checkpointKeyId` (Rekor v2 trust roots may set it) or its `logId`
 * (SHA-256 of the SPKI for Rekor v1, the C2SP key ID for Rekor v2). When
 * several logs match, the first in trust-root order wins.
 *
 * Selection only picks the key; every later step (SET, checkpoint) must
 * still verify with that key, so a forged `logId` cannot make an entry pass.
 *
 * @param entry The transparency log entry.
 * @param tlogs The `tlogs` of the trusted root.
 * @returns The matching log instance.
 * @throws {VerificationError} `TLOG_UNKNOWN_LOG` when no trusted log matches.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { selectTransparencyLog } from "./log_selection.ts";
 * import type { TransparencyLogEntry } from "../bundle/mod.ts";
 * import type { TransparencyLogInstance } from "../trust/mod.ts";
 *
 * const log = { logId: new Uint8Array([1, 2]), checkpointKeyId: undefined } as TransparencyLogInstance;
 * const entry = { logId: new Uint8Array([1, 2]) } as TransparencyLogEntry;
 * assert.equal(selectTransparencyLog(entry, [log]), log);
 * assert.throws(
 *   () => selectTransparencyLog({ logId: new Uint8Array([3]) } as TransparencyLogEntry, [log]),
 *   { code: "TLOG_UNKNOWN_LOG" },
 * );
 * ```
 */
export function selectTransparencyLog(
  entry: TransparencyLogEntry,
  tlogs: readonly TransparencyLogInstance[],
): TransparencyLogInstance {
  const match = tlogs.find((log) =>
    (log.checkpointKeyId !== undefined && bytesEqual(log.checkpointKeyId, entry.logId)) ||
    bytesEqual(log.logId, entry.logId)
  );
  if (match === undefined) {
    throw new VerificationError(
      "TLOG_UNKNOWN_LOG",
      `Entry is from a log that is not in the trusted root: log ID ${describeBytes(entry.logId, "base64")}`,
    );
  }
  return match;
}
