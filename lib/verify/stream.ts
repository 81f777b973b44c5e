/**
 * Streamed artifacts: hash an artifact chunk by chunk with every digest
 * algorithm a bundle's verification needs, so a large file is verified in
 * constant memory (in a browser, from `File.stream()`).
 *
 * @module
 */

import type { Bundle } from "../bundle/mod.ts";
import { digestStreamMany, type PublicKey } from "../crypto/mod.ts";
import { requiredDigestAlgorithms } from "./artifact.ts";
import { resolveSigner } from "./signer.ts";
import type { ArtifactInput, SignerPolicy } from "./types.ts";

/** Options of {@linkcode digestArtifactStream} and {@linkcode isArtifactDigestEnough}. */
export interface ArtifactStreamOptions {
  /** The bundle the artifact will be verified against. */
  readonly bundle: Bundle;
  /** The expected signer, as passed to `verifyBundle`. */
  readonly signer: SignerPolicy;
}

/**
 * The signer's key, or `undefined` when the bundle's signer cannot be
 * resolved. Only the choice of digest algorithms depends on it: a bundle
 * whose signer does not resolve fails in `verifyBundle`, with its own code.
 */
function signerKey(options: ArtifactStreamOptions): PublicKey | undefined {
  try {
    return resolveSigner(options.bundle, options.signer).key;
  } catch {
    return undefined;
  }
}

/**
 * Hashes a streamed artifact with every algorithm the bundle's verification
 * needs (one pass; memory stays at one chunk) and returns it as digest input
 * for `verifyBundle`.
 *
 * @param chunks The artifact's bytes, as a stream or async iterable of chunks.
 * @param options The bundle and the expected signer.
 * @returns A `{ kind: "digest" }` artifact input.
 *
 * @example
 * ```ts ignore
 * const artifact = await digestArtifactStream(file.stream(), { bundle, signer });
 * const result = await verifyBundle(bundle, artifact, { trustedRoot, signer, now: new Date() });
 * ```
 */
export async function digestArtifactStream(
  chunks: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  options: ArtifactStreamOptions,
): Promise<ArtifactInput> {
  const algorithms = requiredDigestAlgorithms(options.bundle, signerKey(options));
  return { kind: "digest", digests: await digestStreamMany(algorithms, chunks) };
}

/**
 * Whether the artifact's digests suffice to verify the bundle: true for DSSE
 * envelopes and for message signatures by an ECDSA key; false for a message
 * signature by an RSA or Ed25519 key, which must be checked over the bytes.
 *
 * @param options The bundle and the expected signer.
 * @returns `true` when {@linkcode digestArtifactStream}'s output can be verified.
 *
 * @example
 * ```ts ignore
 * const artifact = isArtifactDigestEnough({ bundle, signer })
 *   ? await digestArtifactStream(file.stream(), { bundle, signer })
 *   : { kind: "bytes", bytes: new Uint8Array(await file.arrayBuffer()) };
 * ```
 */
export function isArtifactDigestEnough(options: ArtifactStreamOptions): boolean {
  if (options.bundle.content.kind === "dsseEnvelope") return true;
  const key = signerKey(options);
  return key === undefined || key.kind === "ecdsa";
}
