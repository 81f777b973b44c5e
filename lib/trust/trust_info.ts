/**
 * What trust a command used and how old it is: the source (embedded, cache,
 * a TUF refresh, a file, a trust bundle), the TUF role versions, when the
 * TUF timestamp was fetched and verified and when it expires. TUF timestamp
 * metadata carries no signing time, so the age is measured from when this
 * client (or the machine that exported a bundle) fetched and verified it;
 * for the embedded trust, from the date its documents were taken from
 * their source.
 *
 * @module
 */

import { ConfigError } from "../errors/mod.ts";

/** Where the trust in use came from. */
export type TrustSourceKind = "embedded" | "cache" | "tuf" | "file" | "trust-bundle";

/** The trust in use, as reported by `--json`, `-v` and `trust show`. */
export interface TrustInfo {
  /** Where the trust came from */
  readonly source: TrustSourceKind;
  /** The embedded instance, cache file, repository URL or file the trust was read from */
  readonly location: string;
  /** The TUF repository the trust belongs to, when it came over TUF */
  readonly repositoryUrl: string | undefined;
  /** Versions of the TUF roles, when known */
  readonly versions: {
    readonly root: number | undefined;
    readonly timestamp: number | undefined;
    readonly snapshot: number | undefined;
    readonly targets: number | undefined;
  };
  /** When the TUF timestamp was fetched and verified (by the clock of the machine that did it) */
  readonly fetchedAt: Date | undefined;
  /** When the TUF timestamp expires (signed) */
  readonly timestampExpires: Date | undefined;
  /** The instant the age counts from; `undefined` when the age is unknown (a trust root file) */
  readonly asOf: Date | undefined;
}

/**
 * The age of the trust at `now`, in milliseconds; `undefined` when unknown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embeddedTufTrust } from "./tuf_trust.ts";
 * import { trustAgeMs } from "./trust_info.ts";
 * assert.equal(trustAgeMs(embeddedTufTrust("production").info, new Date("2026-08-22T00:00:00Z")), 86400_000);
 * ```
 */
export function trustAgeMs(info: TrustInfo, now: Date): number | undefined {
  return info.asOf === undefined ? undefined : Math.max(0, now.getTime() - info.asOf.getTime());
}

/**
 * A duration for people: `3d 4h`, `5h 2m`, `40s`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeDuration } from "./trust_info.ts";
 * assert.equal(describeDuration(90 * 60_000), "1h 30m");
 * ```
 */
export function describeDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/**
 * One line describing the trust, such as
 * `cache (https://tuf-repo-cdn.sigstore.dev), root v16, timestamp v762, fetched 2026-08-22T00:00:00.000Z (2h 5m ago), expires 2026-08-28T19:25:56.000Z`.
 *
 * @param info The trust
 * @param now The current time
 * @returns The description
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeTrust } from "./trust_info.ts";
 * const info = {
 *   source: "file", location: "root.json", repositoryUrl: undefined,
 *   versions: { root: undefined, timestamp: undefined, snapshot: undefined, targets: undefined },
 *   fetchedAt: undefined, timestampExpires: undefined, asOf: undefined,
 * } as const;
 * assert.equal(describeTrust(info, new Date()), "file root.json, age unknown");
 * ```
 */
export function describeTrust(info: TrustInfo, now: Date): string {
  const parts = [`${info.source} ${info.location}`];
  const { root, timestamp, snapshot, targets } = info.versions;
  if (root !== undefined) parts.push(`root v${root}`);
  if (timestamp !== undefined) parts.push(`timestamp v${timestamp}`);
  if (snapshot !== undefined) parts.push(`snapshot v${snapshot}`);
  if (targets !== undefined) parts.push(`targets v${targets}`);
  const age = trustAgeMs(info, now);
  if (info.fetchedAt !== undefined) {
    parts.push(`timestamp fetched ${info.fetchedAt.toISOString()} (${describeDuration(age ?? 0)} ago)`);
  } else if (info.asOf !== undefined) {
    parts.push(`as of ${info.asOf.toISOString()} (${describeDuration(age ?? 0)} old)`);
  } else {
    parts.push("age unknown");
  }
  if (info.timestampExpires !== undefined) {
    const expired = info.timestampExpires.getTime() <= now.getTime() ? "expired" : "expires";
    parts.push(`timestamp ${expired} ${info.timestampExpires.toISOString()}`);
  }
  return parts.join(", ");
}

/**
 * The trust as plain JSON (dates as ISO strings, the age in seconds).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embeddedTufTrust } from "./tuf_trust.ts";
 * import { trustInfoJson } from "./trust_info.ts";
 * assert.equal(trustInfoJson(embeddedTufTrust("staging").info, new Date()).source, "embedded");
 * ```
 */
export function trustInfoJson(info: TrustInfo, now: Date): Record<string, unknown> {
  const age = trustAgeMs(info, now);
  return {
    source: info.source,
    location: info.location,
    repositoryUrl: info.repositoryUrl ?? null,
    versions: {
      root: info.versions.root ?? null,
      timestamp: info.versions.timestamp ?? null,
      snapshot: info.versions.snapshot ?? null,
      targets: info.versions.targets ?? null,
    },
    timestampFetchedAt: info.fetchedAt?.toISOString() ?? null,
    timestampExpires: info.timestampExpires?.toISOString() ?? null,
    asOf: info.asOf?.toISOString() ?? null,
    ageSeconds: age === undefined ? null : Math.floor(age / 1000),
    note:
      "TUF timestamp metadata carries no signing time: the age counts from when it was fetched and verified",
  };
}

/**
 * Refuses trust older than `maxAgeMs`.
 *
 * @param info The trust
 * @param now The current time
 * @param maxAgeMs The largest age allowed
 * @throws {ConfigError} `TRUST_STALE` when the trust is older, or its age is unknown
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embeddedTufTrust } from "./tuf_trust.ts";
 * import { checkTrustAge } from "./trust_info.ts";
 * const { info } = embeddedTufTrust("production");
 * assert.throws(() => checkTrustAge(info, new Date("2027-01-01T00:00:00Z"), 30 * 86400_000), /older than/);
 * ```
 */
export function checkTrustAge(info: TrustInfo, now: Date, maxAgeMs: number): void {
  const age = trustAgeMs(info, now);
  if (age === undefined) {
    throw new ConfigError(
      "TRUST_STALE",
      `The age of the trust in use (${info.source} ${info.location}) is unknown, so it cannot be shown to be ` +
        `younger than ${describeDuration(maxAgeMs)}`,
    );
  }
  if (age > maxAgeMs) {
    throw new ConfigError(
      "TRUST_STALE",
      `The trust in use (${info.source} ${info.location}) is ${describeDuration(age)} old, older than the ` +
        `${describeDuration(maxAgeMs)} allowed: refresh it online or import a newer trust bundle`,
    );
  }
}
