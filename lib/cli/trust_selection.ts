/**
 * Chooses the trust root for a command: `--trusted-root FILE`,
 * `--trust-config FILE`, `--staging`, or the embedded production root; and
 * the instance's Rekor v1 logs, for commands that look entries up.
 *
 * @module
 */

import { ConfigError } from "../errors/mod.ts";
import {
  embeddedSigningConfig,
  embeddedTrustedRoot,
  parseClientTrustConfigJson,
  parseTrustedRootJson,
  type TrustedRoot,
} from "../trust/mod.ts";
import { readDocument } from "./files.ts";
import { UsageError } from "./io.ts";

/** The trust flags shared by every command. */
export interface TrustFlags {
  readonly staging?: boolean | undefined;
  readonly "trust-config"?: string | undefined;
  readonly "trusted-root"?: string | undefined;
}

function checkOneSource(flags: TrustFlags): void {
  const given = [
    flags.staging ? "--staging" : "",
    flags["trust-config"] ? "--trust-config" : "",
    flags["trusted-root"] ? "--trusted-root" : "",
  ]
    .filter(Boolean);
  if (given.length > 1) throw new UsageError(`${given.join(" and ")} cannot be used together`);
}

/** Loads the trusted root the flags name; at most one source may be given. */
export function selectTrustedRoot(flags: TrustFlags): TrustedRoot {
  checkOneSource(flags);
  if (flags["trusted-root"]) return parseTrustedRootJson(readDocument(flags["trusted-root"], "trusted root"));
  if (flags["trust-config"]) {
    return parseClientTrustConfigJson(readDocument(flags["trust-config"], "trust config")).trustedRoot;
  }
  return embeddedTrustedRoot(flags.staging ? "staging" : "production");
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
 * The base URLs of the instance's Rekor v1 logs, from its signing config
 * (the trust config's, or the embedded production or staging one), in the
 * config's order. A trusted root alone names none.
 */
export function selectRekorV1Urls(flags: TrustFlags, why: string): string[] {
  checkRekorSource(flags, why);
  const signingConfig = flags["trust-config"]
    ? parseClientTrustConfigJson(readDocument(flags["trust-config"], "trust config")).signingConfig
    : embeddedSigningConfig(flags.staging ? "staging" : "production", false);
  if (signingConfig === undefined) {
    throw new ConfigError("CONFIG", `The trust config has no signingConfig: ${why} needs its Rekor URL`);
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
