/**
 * Chooses the trust root for a command: `--trusted-root FILE`,
 * `--trust-config FILE`, `--staging`, or the embedded production root.
 *
 * @module
 */

import {
  embeddedTrustedRoot,
  parseClientTrustConfigJson,
  parseTrustedRootJson,
  type TrustedRoot,
} from "../trust/mod.ts";
import { readTextFile } from "./files.ts";
import { UsageError } from "./io.ts";

/** The trust flags shared by every command. */
export interface TrustFlags {
  readonly staging?: boolean | undefined;
  readonly "trust-config"?: string | undefined;
  readonly "trusted-root"?: string | undefined;
}

/** Loads the trusted root the flags name; at most one source may be given. */
export function selectTrustedRoot(flags: TrustFlags): TrustedRoot {
  const given = [
    flags.staging ? "--staging" : "",
    flags["trust-config"] ? "--trust-config" : "",
    flags["trusted-root"] ? "--trusted-root" : "",
  ]
    .filter(Boolean);
  if (given.length > 1) throw new UsageError(`${given.join(" and ")} cannot be used together`);
  if (flags["trusted-root"]) return parseTrustedRootJson(readTextFile(flags["trusted-root"], "trusted root"));
  if (flags["trust-config"]) {
    return parseClientTrustConfigJson(readTextFile(flags["trust-config"], "trust config")).trustedRoot;
  }
  return embeddedTrustedRoot(flags.staging ? "staging" : "production");
}
