/**
 * The embedded production and staging trusted roots, so verification works
 * offline with no cache. The documents and their sha256 sums live in
 * `_embedded_data.ts`; the digest is re-checked before first use.
 *
 * @module
 */

import { digest } from "../crypto/mod.ts";
import { encodeHex, quote, utf8Encode } from "../encoding/mod.ts";
import { ConfigError } from "../errors/mod.ts";
import { type EmbeddedDocument, PRODUCTION, STAGING } from "./_embedded_data.ts";
import { parseTrustedRootJson } from "./parse_trusted_root.ts";
import { parseSigningConfigJson, type SigningConfig } from "./signing_config.ts";
import type { TrustedRoot } from "./types.ts";

/** The public-good instances whose trust roots are embedded. */
export type EmbeddedInstance = "production" | "staging";

/** Where an embedded document came from. */
export interface EmbeddedTrustSource {
  /** The instance the document belongs to */
  readonly instance: EmbeddedInstance;
  /** The document's file name, such as `trusted_root.json` */
  readonly name: string;
  /** Where the document was copied from */
  readonly source: string;
  /** Hex sha256 of the document, checked before use */
  readonly sha256: string;
}

const DOCUMENTS: Record<EmbeddedInstance, readonly EmbeddedDocument[]> = {
  production: PRODUCTION,
  staging: STAGING,
};

/** The source and sha256 of each embedded document. */
export const EMBEDDED_TRUST_SOURCES: readonly EmbeddedTrustSource[] = (["production", "staging"] as const)
  .flatMap(
    (instance) => DOCUMENTS[instance].map(({ name, source, sha256 }) => ({ instance, name, source, sha256 })),
  );

const cache = new Map<EmbeddedInstance, TrustedRoot>();

/** The embedded documents whose sha256 this process has checked (each is checked once). */
const checked = new WeakSet<EmbeddedDocument>();

/** Returns an embedded document's text after checking its sha256 (once per process). */
export function embeddedDocument(instance: EmbeddedInstance, name: string): string {
  const doc = DOCUMENTS[instance].find((d) => d.name === name);
  if (doc === undefined) {
    throw new ConfigError("CONFIG", `No embedded ${instance} document named ${quote(name)}`);
  }
  if (checked.has(doc)) return doc.text;
  const actual = encodeHex(digest("sha256", utf8Encode(doc.text)));
  if (actual !== doc.sha256) {
    throw new ConfigError(
      "CONFIG",
      `Embedded ${instance} ${name} is corrupt: sha256 ${actual}, expected ${doc.sha256}`,
    );
  }
  checked.add(doc);
  return doc.text;
}

/** The embedded TrustedRoot of a public-good instance, parsed once. */
export function embeddedTrustedRoot(instance: EmbeddedInstance = "production"): TrustedRoot {
  let root = cache.get(instance);
  if (root === undefined) {
    root = parseTrustedRootJson(embeddedDocument(instance, "trusted_root.json"));
    cache.set(instance, root);
  }
  return root;
}

/**
 * The embedded SigningConfig of a public-good instance; `rekorV2` picks the
 * opt-in configuration that writes to Rekor v2.
 */
export function embeddedSigningConfig(
  instance: EmbeddedInstance = "production",
  rekorV2 = false,
): SigningConfig {
  return parseSigningConfigJson(
    embeddedDocument(instance, rekorV2 ? "signing_config_rekor_v2.v0.2.json" : "signing_config.v0.2.json"),
  );
}
