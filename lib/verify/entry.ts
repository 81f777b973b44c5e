/**
 * The verify-only entry of sigstore-ts (`@sigstore-ts/sigstore/verify`):
 * parse a bundle, verify it offline against the embedded production or
 * staging trust root (or one you give it), and check who signed. Its module
 * graph holds no `node:` import and no signing, OIDC or network code, so it
 * runs unchanged in a browser as well as on Deno, Bun and Node
 * (`scripts/check_deps.ts` walks the graph to keep it so). Large artifacts are
 * hashed as a stream with {@linkcode digestArtifactStream}.
 *
 * ```ts ignore
 * import { digestArtifactStream, embeddedTrustedRoot, parseBundleJson, verifyBundle } from "@sigstore-ts/sigstore/verify";
 *
 * const bundle = parseBundleJson(await bundleFile.text());
 * const signer = {
 *   kind: "identity",
 *   policy: { subject: { exact: "me@example.com" }, issuer: "https://github.com/login/oauth", extensions: [] },
 * } as const;
 * const artifact = await digestArtifactStream(artifactFile.stream(), { bundle, signer });
 * const result = await verifyBundle(bundle, artifact, {
 *   trustedRoot: embeddedTrustedRoot("production"),
 *   signer,
 *   now: new Date(),
 * });
 * console.log(result.signer, result.verifiedTimes, result.tlogEntries);
 * ```
 *
 * @module
 */

/**
 * Parses bundle JSON text (v0.1, v0.2 or v0.3) into a typed bundle.
 *
 * @param text The bundle file's contents.
 * @returns The parsed bundle.
 * @throws {ParseError} `BUNDLE_PARSE` naming the JSON path of a malformed field, or
 *   `BUNDLE_UNSUPPORTED_VERSION` for an unknown media type.
 *
 * @example Reject a truncated bundle
 * ```ts
 * import assert from "node:assert/strict";
 * import { ParseError, parseBundleJson } from "./entry.ts";
 * assert.throws(() => parseBundleJson('{"mediaType": '), ParseError);
 * ```
 */
export { parseBundle, parseBundleJson } from "../bundle/mod.ts";

/**
 * Verifies a bundle for an artifact (its bytes, or its digests): timestamps,
 * transparency log entries, certificate path at the signing time, SCTs, the
 * signature and the signer policy. Never uses the network.
 *
 * @param bundle A parsed bundle.
 * @param artifact The artifact's bytes, or its digests (see {@linkcode digestArtifactStream}).
 * @param options Trust root, signer policy (identity or key) and the current time.
 * @returns A JSON-serialisable result naming the signer, the verified times and log entries.
 * @throws {VerificationError} with the failed step's code (`ARTIFACT_DIGEST`, `TLOG_INCLUSION_PROOF`, `CERT_CHAIN`, `SIGNATURE`, …).
 * @throws {PolicyError} when the signer is not the expected one.
 *
 * @example
 * ```ts ignore
 * import { embeddedTrustedRoot, parseBundleJson, verifyBundle } from "./entry.ts";
 * const result = await verifyBundle(parseBundleJson(bundleText), { kind: "bytes", bytes }, {
 *   trustedRoot: embeddedTrustedRoot("staging"),
 *   signer: { kind: "identity", policy: { subject: { exact: id }, issuer, extensions: [] } },
 *   now: new Date(),
 * });
 * ```
 */
export { verifyBundle } from "./verify_bundle.ts";

/**
 * Hashes a streamed artifact with the algorithms a bundle needs (one pass,
 * constant memory), and tells whether digests suffice for a bundle.
 *
 * @example A stream of chunks becomes digest input
 * ```ts
 * import assert from "node:assert/strict";
 * import { digestArtifactStream, parseBundleJson } from "./entry.ts";
 * const bundle = parseBundleJson(await Deno.readTextFile("testdata/genuine/java-bundle-v3-prod/bundle.sigstore.json"));
 * const signer = { kind: "identity", policy: { subject: { exact: "appu@google.com" }, issuer: "https://accounts.google.com", extensions: [] } } as const;
 * const artifact = await digestArtifactStream(ReadableStream.from([new TextEncoder().encode("hello")]), { bundle, signer });
 * assert.equal(artifact.kind, "digest");
 * ```
 */
export { digestArtifactStream, isArtifactDigestEnough } from "./stream.ts";

/**
 * The embedded TrustedRoot of the public-good production or staging instance,
 * and the sources and sha256 sums of the embedded documents.
 *
 * @param instance `"production"` (default) or `"staging"`.
 * @returns The parsed trusted root.
 * @throws {ConfigError} `CONFIG` if the embedded copy fails its sha256 check.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embeddedTrustedRoot } from "./entry.ts";
 * assert.ok(embeddedTrustedRoot("staging").tlogs.some((log) => log.baseUrl.includes("sigstage.dev")));
 * ```
 */
export { EMBEDDED_TRUST_SOURCES, embeddedTrustedRoot } from "../trust/mod.ts";

/**
 * Parses TrustedRoot JSON text, or a ClientTrustConfig, for a private instance.
 *
 * @param text The file's contents.
 * @returns The parsed trusted root (and, for a ClientTrustConfig, its signing config).
 * @throws {ParseError} `TRUST_ROOT_PARSE` naming the JSON path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTrustedRootJson } from "./entry.ts";
 * assert.throws(() => parseTrustedRootJson("{}"), /mediaType/);
 * ```
 */
export { parseClientTrustConfigJson, parseTrustedRootJson } from "../trust/mod.ts";

/**
 * Builds the GitHub Actions identity policy (the one `verify github` uses):
 * the GitHub Actions issuer plus the repository, ref, trigger, sha or
 * workflow identity claims you give.
 *
 * @param options Identity, trigger, sha, name, repository, ref; identity or repository is required.
 * @returns An identity policy with the GitHub Actions issuer.
 * @throws {PolicyError} `POLICY_IDENTITY` when neither identity nor repository is given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GITHUB_ACTIONS_ISSUER, githubPolicy } from "./entry.ts";
 * assert.equal(githubPolicy({ repository: "octo/repo" }).issuer, GITHUB_ACTIONS_ISSUER);
 * ```
 */
export { GITHUB_ACTIONS_ISSUER, githubPolicy } from "../policy/mod.ts";

/**
 * Error classes; every error has a stable `code` naming the failed step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SigstoreError, VerificationError } from "./entry.ts";
 * assert.ok(new VerificationError("SIGNATURE", "Signature does not verify") instanceof SigstoreError);
 * ```
 */
export { ParseError, PolicyError, SigstoreError, VerificationError } from "../errors/mod.ts";

export type { ErrorCode } from "../errors/mod.ts";
export type {
  Bundle,
  BundleVersion,
  DsseEnvelope,
  InclusionProof,
  MessageSignature,
  TransparencyLogEntry,
  VerificationContent,
} from "../bundle/mod.ts";
export type {
  CertificateAuthority,
  ClientTrustConfig,
  EmbeddedInstance,
  EmbeddedTrustSource,
  Service,
  ServiceSelector,
  SigningConfig,
  TransparencyLogInstance,
  TrustedRoot,
  ValidityPeriod,
} from "../trust/mod.ts";
export type { ExtensionRequirement, GitHubPolicyOptions, IdentityPolicy, SanMatcher } from "../policy/mod.ts";
export type { EcCurve, HashAlgorithm, PublicKey, RsaPadding } from "../crypto/mod.ts";
export type { Certificate, Extension } from "../x509/mod.ts";
export type { ArtifactStreamOptions } from "./stream.ts";
export type {
  ArtifactInput,
  SignerPolicy,
  VerificationResult,
  VerifiedTime,
  VerifyOptions,
} from "./types.ts";
