/**
 * The trust commands: `trust show` (the trust in use and every key's
 * window), `trust export FILE` (refresh online, write a trust bundle for an
 * air-gapped machine), `trust import FILE` (verify a bundle from the
 * embedded root and cache it), `plumbing update-trust-root` (refresh the
 * cache now) and `trust-instance ROOT.json` (trust a private instance's TUF
 * repository, given with `--instance URL`).
 *
 * @module
 */

import { existsSync } from "node:fs";
import {
  type CertificateAuthority,
  describePeriod,
  describeTrust,
  type TransparencyLogInstance,
  type TrustedRoot,
  trustInfoJson,
  type ValidityPeriod,
} from "../trust/mod.ts";
import {
  exportTrustBundle,
  importTrustBundle,
  normalizeRepositoryUrl,
  PUBLIC_TUF_REPOSITORIES,
  refreshTufTrust,
  resolveCacheDir,
  storeInstanceRoot,
} from "../trust/tuf_trust.ts";
import { readDocument } from "./files.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { writeFilesAtomically } from "./outputs.ts";
import { oneLine } from "./safe_text.ts";
import { selectRepository, selectTrust, type TrustFlags } from "./trust_selection.ts";

/** Flags of the trust commands. */
export interface TrustCommandFlags extends TrustFlags {
  readonly json?: boolean | undefined;
  readonly overwrite?: boolean | undefined;
}

function windowJson(period: ValidityPeriod): { start: string | null; end: string | null } {
  return { start: period.start?.toISOString() ?? null, end: period.end?.toISOString() ?? null };
}

/** The trusted root's keys by kind: [JSON name, heading, entries]. */
function keysOf(root: TrustedRoot): [string, string, { url: string; validFor: ValidityPeriod }[]][] {
  const log = (l: TransparencyLogInstance) => ({ url: l.baseUrl, validFor: l.validFor });
  const authority = (a: CertificateAuthority) => ({ url: a.uri, validFor: a.validFor });
  return [
    ["tlogs", "transparency logs", root.tlogs.map(log)],
    ["certificateAuthorities", "certificate authorities", root.certificateAuthorities.map(authority)],
    ["ctlogs", "CT logs", root.ctlogs.map(log)],
    ["timestampAuthorities", "timestamp authorities", root.timestampAuthorities.map(authority)],
  ];
}

/** `trust show`: the trust in use (source, versions, age) and each key's log/CA/TSA and window. */
export async function runTrustShow(flags: TrustCommandFlags, io: CliIo): Promise<number> {
  const trust = await selectTrust(flags, io);
  const now = io.now();
  const keys = keysOf(trust.trustedRoot);
  if (flags.json) {
    const entry = (e: { url: string; validFor: ValidityPeriod }) => ({
      url: e.url,
      validFor: windowJson(e.validFor),
    });
    const json = Object.fromEntries(keys.map(([name, , list]) => [name, list.map(entry)]));
    io.stdout(`${JSON.stringify({ trust: trustInfoJson(trust.info, now), keys: json }, null, 2)}\n`);
    return EXIT.OK;
  }
  const lines = [`trust: ${describeTrust(trust.info, now)}`];
  if (trust.info.fetchedAt !== undefined) {
    lines.push("  (TUF timestamp metadata has no signing time: the age counts from when it was fetched)");
  }
  for (const [, title, list] of keys) {
    lines.push(`${title}:`);
    for (const e of list) lines.push(`  ${e.url || "(no URL)"}  valid ${describePeriod(e.validFor)}`);
  }
  io.stdout(`${lines.map((l) => oneLine(l)).join("\n")}\n`);
  return EXIT.OK;
}

/** `plumbing update-trust-root`: refreshes the cached trust over TUF now. */
export async function runUpdateTrustRoot(flags: TrustCommandFlags, io: CliIo): Promise<number> {
  const cacheDir = resolveCacheDir(io.env);
  const now = io.now();
  const trust = await refreshTufTrust({ repository: selectRepository(flags, cacheDir), cacheDir, now });
  io.stderr(`updated: ${oneLine(describeTrust(trust.info, now))}\n`);
  return EXIT.OK;
}

/** `trust export FILE`: refreshes online and writes the verified state as a trust bundle. */
export async function runTrustExport(flags: TrustCommandFlags, file: string, io: CliIo): Promise<number> {
  if (existsSync(file) && flags.overwrite !== true) {
    throw new UsageError(`Refusing to overwrite ${JSON.stringify(file)}: it exists (use --overwrite)`);
  }
  const cacheDir = resolveCacheDir(io.env);
  const now = io.now();
  const trust = await refreshTufTrust({ repository: selectRepository(flags, cacheDir), cacheDir, now });
  writeFilesAtomically([{ path: file, contents: exportTrustBundle(trust.bundle) }]);
  io.stderr(`wrote ${oneLine(file)}: ${oneLine(describeTrust(trust.info, now))}\n`);
  return EXIT.OK;
}

/** `trust import FILE`: verifies a trust bundle from the embedded root and stores it in the cache. */
export async function runTrustImport(flags: TrustCommandFlags, file: string, io: CliIo): Promise<number> {
  const cacheDir = resolveCacheDir(io.env);
  const now = io.now();
  const repository = selectRepository(flags, cacheDir);
  const trust = await importTrustBundle(readDocument(file, "trust bundle"), file, {
    repository,
    cacheDir,
    now,
  });
  io.stderr(`imported ${oneLine(file)}: ${oneLine(describeTrust(trust.info, now))}\n`);
  return EXIT.OK;
}

/** `trust-instance ROOT.json`: trusts the TUF repository `--instance URL` from this root. */
export async function runTrustInstance(flags: TrustCommandFlags, file: string, io: CliIo): Promise<number> {
  const url = flags.instance;
  if (url === undefined) throw new UsageError("trust-instance needs --instance URL");
  if (Object.values(PUBLIC_TUF_REPOSITORIES).includes(normalizeRepositoryUrl(url))) {
    throw new UsageError(`${url} is a public-good instance: its TUF root is embedded`);
  }
  const cacheDir = resolveCacheDir(io.env);
  await storeInstanceRoot(url, readDocument(file, "TUF root"), cacheDir);
  io.stderr(`trusting ${oneLine(url)} from ${oneLine(file)}\n`);
  return EXIT.OK;
}
