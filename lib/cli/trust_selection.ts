/**
 * Chooses the trust a command uses, and reports and enforces its age.
 *
 * - `--trusted-root FILE` or `--trust-config FILE`: that file (no TUF).
 * - Otherwise the instance's TUF repository (production, `--staging` or
 *   `--instance URL`): with `--trust-bundle FILE`, the exported trust in the
 *   file, re-verified from the embedded root; with `--offline`, the cache,
 *   else the embedded trust; by default online: the cache while its TUF
 *   timestamp is unexpired, else a TUF refresh. A failed refresh is an
 *   error naming the URL and cause, never a silent fallback.
 * - Trust used without the network and older than 30 days gets one
 *   warning line; `--max-trust-age` turns staleness into `TRUST_STALE`.
 * - The instance's Rekor v1 logs, for commands that look entries up, come
 *   from the selected trust's signing config.
 *
 * @module
 */

import { ConfigError, type ErrorCode, SigstoreError } from "../errors/mod.ts";
import {
  checkTrustAge,
  describeDuration,
  describeTrust,
  parseClientTrustConfigJson,
  parseSigningConfigJson,
  parseTrustedRootJson,
  type SigningConfig,
  trustAgeMs,
  type TrustedRoot,
  type TrustInfo,
  type TufRepository,
  type TufTrust,
} from "../trust/mod.ts";
import {
  instanceTufRepository,
  offlineTufTrust,
  onlineTufTrust,
  publicTufRepository,
  resolveCacheDir,
  verifyTrustBundle,
} from "../trust/tuf_trust.ts";
import { readDocument } from "./files.ts";
import { type CliIo, UsageError } from "./io.ts";
import { oneLine } from "./safe_text.ts";

/** The trust flags shared by every command. */
export interface TrustFlags {
  readonly staging?: boolean | undefined;
  readonly instance?: string | undefined;
  readonly "trust-config"?: string | undefined;
  readonly "trusted-root"?: string | undefined;
  readonly "trust-bundle"?: string | undefined;
  readonly offline?: boolean | undefined;
  readonly "max-trust-age"?: string | undefined;
  readonly verbose?: boolean | undefined;
}

/** The trust a command runs with. */
export interface SelectedTrust {
  /** The parsed trusted root */
  readonly trustedRoot: TrustedRoot;
  /** The trusted root's JSON text, for `verify --jobs` workers to parse the very same root */
  readonly trustedRootJson: string;
  /** The signing config (the Rekor v2 one when `rekorV2`); `undefined` when the source has none */
  signingConfig(rekorV2: boolean): SigningConfig | undefined;
  /** Where it came from and how old it is */
  readonly info: TrustInfo;
}

/** Trust used without the network and older than this gets a warning. */
const WARN_AGE_MS = 30 * 86400_000;

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: 86400_000, w: 7 * 86400_000 };

/** Parses `30d`, `12h`, `90m`, `45s`, `2w` into milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = text.match(/^([1-9][0-9]{0,6})([smhdw])$/);
  if (m === null) {
    throw new UsageError(`${flag} takes a duration such as 30d, 12h, 90m or 2w, not ${JSON.stringify(text)}`);
  }
  return Number(m[1]) * UNITS[m[2]!]!;
}

/** The TUF repository the flags name: `--instance URL`, `--staging`, or production. */
export function selectRepository(flags: TrustFlags, cacheDir: string): TufRepository {
  if (flags.staging && flags.instance !== undefined) {
    throw new UsageError("--staging and --instance cannot be used together");
  }
  if (flags.instance !== undefined) return instanceTufRepository(flags.instance, cacheDir);
  return publicTufRepository(flags.staging ? "staging" : "production");
}

function fileInfo(path: string): TrustInfo {
  return {
    source: "file",
    location: path,
    repositoryUrl: undefined,
    versions: { root: undefined, timestamp: undefined, snapshot: undefined, targets: undefined },
    fetchedAt: undefined,
    timestampExpires: undefined,
    asOf: undefined,
  };
}

/** Rewords a failed refresh: the URL, the cause, and what `--offline` would use. */
function refreshFailure(
  e: SigstoreError,
  repository: TufRepository,
  cacheDir: string,
  now: Date,
): SigstoreError {
  let fallback: string;
  try {
    const trust = offlineTufTrust({ repository, cacheDir });
    fallback = `with --offline the ${trust.info.source} trust would be used, ${
      describeDuration(trustAgeMs(trust.info, now) ?? 0)
    } old`;
  } catch {
    fallback = "and there is no trust to use with --offline";
  }
  const message = `Cannot refresh the trust from ${repository.url} (${fallback}): ${e.message}`;
  // The same class and code, so callers and -v see what failed; only the message gains the context.
  const same = e.constructor as new (
    code: ErrorCode,
    message: string,
    options: { cause: unknown },
  ) => SigstoreError;
  return new same(e.code, message, { cause: e });
}

function tufSelected(trust: TufTrust): SelectedTrust {
  return {
    trustedRoot: parseTrustedRootJson(trust.trustedRootJson),
    trustedRootJson: trust.trustedRootJson,
    signingConfig(rekorV2) {
      const text = rekorV2 ? trust.signingConfigRekorV2Json : trust.signingConfigJson;
      return text === undefined ? undefined : parseSigningConfigJson(text);
    },
    info: trust.info,
  };
}

/** A runtime permission that was not granted (Deno's `--allow-read`, `--allow-sys`, …). */
function isPermissionDenied(e: unknown): boolean {
  const name = (e as { name?: string })?.name;
  return name === "NotCapable" || name === "PermissionDenied";
}

/** Refuses more than one instance or trust source; returns the one given, if any. */
function checkOneSource(flags: TrustFlags): string[] {
  const given = [
    flags.staging ? "--staging" : "",
    flags.instance !== undefined ? "--instance" : "",
    flags["trust-config"] !== undefined ? "--trust-config" : "",
    flags["trusted-root"] !== undefined ? "--trusted-root" : "",
  ].filter(Boolean);
  if (given.length > 1) throw new UsageError(`${given.join(" and ")} cannot be used together`);
  return given;
}

/** Refuses trust flags that name no Rekor (a trusted root alone), before anything is read. */
export function checkRekorSource(flags: TrustFlags, why: string): void {
  checkOneSource(flags);
  if (flags["trusted-root"]) {
    throw new UsageError(
      `${why} needs the instance's Rekor, which --trusted-root does not name: use --trust-config, or --staging`,
    );
  }
}

/**
 * The base URLs of the instance's Rekor v1 logs, from the signing config of
 * the trust in use, in the config's order.
 *
 * @throws {ConfigError} `CONFIG` when there is no signing config or it lists no Rekor v1 log
 */
export function selectRekorV1Urls(trust: SelectedTrust, why: string): string[] {
  const signingConfig = trust.signingConfig(false);
  if (signingConfig === undefined) {
    throw new ConfigError("CONFIG", `The trust in use has no signing config: ${why} needs its Rekor URL`);
  }
  const urls = [
    ...new Set(signingConfig.rekorTlogUrls.filter((s) => s.majorApiVersion === 1).map((s) => s.url)),
  ];
  if (urls.length === 0) {
    throw new ConfigError(
      "CONFIG",
      `The signing config lists no Rekor v1 log: ${why} looks entries up in Rekor v1`,
    );
  }
  return urls;
}

/**
 * Loads the trust the flags name, prints the age warning and (with `-v`)
 * the trust used, and enforces `--max-trust-age`.
 *
 * @throws {UsageError} for contradictory flags
 * @throws {SigstoreError} `TUF_*` when a refresh or a trust bundle fails, `TRUST_STALE` when too old
 */
export async function selectTrust(flags: TrustFlags, io: CliIo): Promise<SelectedTrust> {
  const given = checkOneSource(flags);
  const file = flags["trusted-root"] ?? flags["trust-config"];
  if (file !== undefined && flags["trust-bundle"] !== undefined) {
    throw new UsageError(`--trust-bundle cannot be used with ${given[0]}: both name the trust to use`);
  }
  const maxAge = flags["max-trust-age"] === undefined
    ? undefined
    : parseDuration(flags["max-trust-age"], "--max-trust-age");
  const now = io.now();
  let selected: SelectedTrust;
  if (flags["trusted-root"] !== undefined) {
    const trustedRootJson = readDocument(flags["trusted-root"], "trusted root");
    const trustedRoot = parseTrustedRootJson(trustedRootJson);
    selected = {
      trustedRoot,
      trustedRootJson,
      signingConfig: () => undefined,
      info: fileInfo(flags["trusted-root"]),
    };
  } else if (flags["trust-config"] !== undefined) {
    const text = readDocument(flags["trust-config"], "trust config");
    const config = parseClientTrustConfigJson(text);
    selected = {
      trustedRoot: config.trustedRoot,
      // Parsed above, so the JSON and its trustedRoot member are known to be well-formed.
      trustedRootJson: JSON.stringify((JSON.parse(text) as { trustedRoot: unknown }).trustedRoot),
      signingConfig: () => config.signingConfig,
      info: fileInfo(flags["trust-config"]),
    };
  } else {
    // Without the network, a cache the runtime gives no access to (least-privilege `deno run`:
    // read access to the inputs only) is treated as absent: the embedded trust is used, and the
    // age warning below names it.
    const withoutNetwork = flags.offline === true || flags["trust-bundle"] !== undefined;
    const publicInstance = flags.instance === undefined;
    let cacheDir: string | undefined;
    try {
      cacheDir = resolveCacheDir(io.env);
    } catch (e) {
      if (!(withoutNetwork && publicInstance)) throw e;
    }
    const repository = selectRepository(flags, cacheDir ?? "");
    const load = async (dir: string | undefined): Promise<TufTrust> => {
      const options = { repository, cacheDir: dir, now };
      if (flags["trust-bundle"] !== undefined) {
        const path = flags["trust-bundle"];
        return await verifyTrustBundle(readDocument(path, "trust bundle"), path, options);
      }
      return offlineTufTrust(options);
    };
    let trust: TufTrust;
    if (withoutNetwork) {
      try {
        trust = await load(cacheDir);
      } catch (e) {
        if (!(publicInstance && cacheDir !== undefined && isPermissionDenied(e))) throw e;
        trust = await load(undefined);
      }
    } else {
      const options = { repository, cacheDir: cacheDir!, now }; // resolveCacheDir threw unless offline
      try {
        trust = await onlineTufTrust(options);
      } catch (e) {
        if (e instanceof SigstoreError && e.code !== "TUF_CACHE") {
          throw refreshFailure(e, repository, options.cacheDir, now);
        }
        throw e;
      }
    }
    selected = tufSelected(trust);
  }
  const info = selected.info;
  if (flags.verbose) io.stderr(`trust: ${oneLine(describeTrust(info, now))}\n`);
  if (maxAge !== undefined) checkTrustAge(info, now, maxAge);
  const age = trustAgeMs(info, now);
  const withoutNetwork = flags.offline === true || flags["trust-bundle"] !== undefined;
  if (withoutNetwork && age !== undefined && age > WARN_AGE_MS) {
    io.stderr(
      `warning: the ${info.source} trust in use is ${describeDuration(age)} old; refresh it online ` +
        `(sigstore-ts plumbing update-trust-root), or import a newer trust bundle (sigstore-ts trust import FILE)\n`,
    );
  }
  return selected;
}
