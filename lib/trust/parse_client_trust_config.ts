/**
 * ClientTrustConfig (`application/vnd.dev.sigstore.clienttrustconfig.v0.1+json`):
 * a trusted root and a signing config in one file, for private instances.
 *
 * @module
 */

import { JsonShapeError, parseJsonText, quote, readObject, readString } from "../encoding/mod.ts";
import { ParseError } from "../errors/mod.ts";
import { parseTrustedRoot } from "./parse_trusted_root.ts";
import type { TrustedRoot } from "./types.ts";
import { parseSigningConfig, type SigningConfig } from "./signing_config.ts";

/** A parsed ClientTrustConfig. */
export interface ClientTrustConfig {
  /** The trust root used for verification */
  readonly trustedRoot: TrustedRoot;
  /** The signing config, or `undefined` when the file has none (verification only). */
  readonly signingConfig: SigningConfig | undefined;
}

const MEDIA_TYPE = "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json";

/** Parses ClientTrustConfig JSON text. */
export function parseClientTrustConfigJson(text: string): ClientTrustConfig {
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (e) {
    if (!(e instanceof JsonShapeError)) throw e;
    throw new ParseError("TRUST_ROOT_PARSE", `Trust config ${e.problem}`, { cause: e });
  }
  try {
    const root = readObject(json, "");
    const mediaType = readString(root.mediaType, "mediaType");
    if (mediaType !== MEDIA_TYPE) {
      throw new JsonShapeError(
        "mediaType",
        `expected ${quote(MEDIA_TYPE)}, found ${quote(mediaType)}`,
      );
    }
    return {
      trustedRoot: parseTrustedRoot(root.trustedRoot, "trustedRoot"),
      signingConfig: root.signingConfig === undefined || root.signingConfig === null
        ? undefined
        : parseSigningConfig(root.signingConfig, "signingConfig"),
    };
  } catch (e) {
    if (e instanceof JsonShapeError) {
      throw new ParseError("TRUST_ROOT_PARSE", `Malformed trust config at ${e.message}`, { cause: e });
    }
    throw e;
  }
}
