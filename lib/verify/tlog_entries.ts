/**
 * The transparency log step of bundle verification (Sigstore client spec
 * "Transparency log"): at least one entry, no entry twice, and every entry
 * verified (body, SET, checkpoint, inclusion proof, log key validity). Each
 * verified SET yields a signing time.
 *
 * @module
 */

import type { Bundle } from "../bundle/mod.ts";
import type { HashAlgorithm } from "../crypto/mod.ts";
import { encodeBase64 } from "../encoding/mod.ts";
import { VerificationError } from "../errors/mod.ts";
import { integratedTimeOf, verifyTlogEntry } from "../tlog/mod.ts";
import type { TrustedRoot } from "../trust/mod.ts";
import type { SigningTime } from "./timestamps.ts";
import type { VerificationResult } from "./types.ts";

/** Inputs of {@linkcode verifyTlogEntries}. */
export interface TlogEntriesContext {
  /** The trust root whose `tlogs` vouch for the entries */
  readonly trustedRoot: TrustedRoot;
  /** The signer as DER: the leaf certificate, or the SPKI of a managed key */
  readonly signer: Uint8Array;
  /** The artifact's digests by algorithm */
  readonly artifactDigests: ReadonlyMap<HashAlgorithm, Uint8Array>;
  /** Times verified by timestamp authorities, at which a log key without a SET must be valid */
  readonly timestampTimes: readonly Date[];
}

/** What {@linkcode verifyTlogEntries} established. */
export interface TlogEntriesVerification {
  /** One signing time per verified SET, in bundle order */
  readonly times: readonly SigningTime[];
  /** Integrated times that nothing signed (entries without a SET), each still bound by the certificate */
  readonly unsignedTimes: readonly Date[];
  /** The verified entries, for the result */
  readonly entries: VerificationResult["tlogEntries"];
}

/**
 * Verifies every transparency log entry of `bundle`.
 *
 * @param bundle The parsed bundle.
 * @param context Trust root, signer, artifact digests and the TSA times.
 * @returns The signed times, the unsigned integrated times and the entries.
 * @throws {VerificationError} `TLOG_MISSING` without entries, `TIME_MISSING`
 *   when neither a TSA time nor a SET can give a signing time,
 *   `BUNDLE_INVALID` for a repeated entry, `TLOG_INTEGRATED_TIME` for an
 *   integrated time beyond the range of dates, and the codes of
 *   `verifyTlogEntry` for an entry that fails.
 *
 * @example A bundle without entries is refused
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyTlogEntries } from "./tlog_entries.ts";
 * import type { Bundle } from "../bundle/mod.ts";
 * import type { TrustedRoot } from "../trust/mod.ts";
 *
 * const bundle = { tlogEntries: [] } as unknown as Bundle;
 * const context = {
 *   trustedRoot: { tlogs: [] } as unknown as TrustedRoot,
 *   signer: new Uint8Array(),
 *   artifactDigests: new Map(),
 *   timestampTimes: [],
 * };
 * await assert.rejects(verifyTlogEntries(bundle, context), { code: "TLOG_MISSING" });
 * ```
 */
export async function verifyTlogEntries(
  bundle: Bundle,
  context: TlogEntriesContext,
): Promise<TlogEntriesVerification> {
  if (bundle.tlogEntries.length === 0) {
    throw new VerificationError("TLOG_MISSING", "Bundle has no transparency log entry");
  }
  if (
    context.timestampTimes.length === 0 &&
    bundle.tlogEntries.every((e) => e.signedEntryTimestamp === undefined)
  ) {
    throw new VerificationError(
      "TIME_MISSING",
      "Bundle has no source of a signing time: no RFC 3161 timestamp and no signed entry timestamp (Rekor v2 bundles need a timestamp)",
    );
  }
  const seen = new Set<string>();
  const times: SigningTime[] = [];
  const unsignedTimes: Date[] = [];
  const entries: VerificationResult["tlogEntries"][number][] = [];
  for (const entry of bundle.tlogEntries) {
    const id = `${encodeBase64(entry.logId)}/${entry.logIndex}`;
    if (seen.has(id)) throw new VerificationError("BUNDLE_INVALID", `Bundle repeats the log entry ${id}`);
    seen.add(id);
    const result = await verifyTlogEntry(entry, {
      tlogs: context.trustedRoot.tlogs,
      content: bundle.content,
      signer: context.signer,
      artifactDigests: context.artifactDigests,
      verifiedTimes: context.timestampTimes,
    });
    if (result.integratedTime !== undefined) {
      times.push({ source: "tlog", time: result.integratedTime, by: result.log.baseUrl });
    } else {
      const claimed = integratedTimeOf(entry);
      if (claimed !== undefined) unsignedTimes.push(claimed);
    }
    entries.push({
      logIndex: entry.logIndex.toString(),
      log: result.log.baseUrl,
      kind: entry.kind,
      version: entry.kindVersion,
    });
  }
  return { times, unsignedTimes, entries };
}
