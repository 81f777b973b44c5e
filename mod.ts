/**
 * sigstore-ts: Sigstore bundle verification for Deno, Bun and Node, offline,
 * with the production and staging trust roots embedded.
 *
 * ```ts ignore
 * import { embeddedTrustedRoot, parseBundleJson, verifyBundle } from "@sigstore-ts/sigstore";
 *
 * const bundle = parseBundleJson(await Deno.readTextFile("a.txt.sigstore.json"));
 * const result = await verifyBundle(bundle, { kind: "bytes", bytes: await Deno.readFile("a.txt") }, {
 *   trustedRoot: embeddedTrustedRoot("production"),
 *   signer: {
 *     kind: "identity",
 *     policy: { subject: { exact: "me@example.com" }, issuer: "https://github.com/login/oauth", extensions: [] },
 *   },
 *   now: new Date(),
 * });
 * console.log(result.signer);
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
 * import { ParseError, parseBundleJson } from "./mod.ts";
 * assert.throws(() => parseBundleJson('{"mediaType": '), ParseError);
 * ```
 */
export { parseBundleJson } from "./lib/bundle/mod.ts";

/**
 * Parses an already-decoded bundle JSON value.
 *
 * @param json The decoded JSON value.
 * @returns The parsed bundle.
 * @throws {ParseError} `BUNDLE_PARSE` / `BUNDLE_UNSUPPORTED_VERSION`.
 *
 * @example Unknown media types are refused
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseBundle } from "./mod.ts";
 * assert.throws(() => parseBundle({ mediaType: "application/vnd.dev.sigstore.bundle.v0.9+json" }), /Unsupported bundle media type/);
 * ```
 */
export { parseBundle } from "./lib/bundle/mod.ts";

/**
 * Computes the DSSE pre-authentication encoding that DSSE signatures cover.
 *
 * @param payloadType The envelope's payload type.
 * @param payload The payload bytes.
 * @returns `DSSEv1 <len> <type> <len> <payload>` as bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { preAuthEncoding } from "./mod.ts";
 * const pae = preAuthEncoding("t", new TextEncoder().encode("hi"));
 * assert.equal(new TextDecoder().decode(pae), "DSSEv1 1 t 2 hi");
 * ```
 */
export { preAuthEncoding } from "./lib/bundle/mod.ts";

/**
 * Verifies a bundle for an artifact: timestamps, transparency log entries,
 * certificate path at the signing time, SCTs, the signature and the policy.
 * Never uses the network.
 *
 * @param bundle A parsed bundle.
 * @param artifact The artifact's bytes, or its digests.
 * @param options Trust root, signer policy (identity or key), the current time
 *   (default: the clock; the future-time check always runs) and the CT log
 *   threshold (at least 1).
 * @returns A JSON-serialisable result naming the signer and the verified times.
 * @throws {VerificationError} with the failed step's code (`TLOG_INCLUSION_PROOF`, `CERT_CHAIN`, `SIGNATURE`, …).
 * @throws {PolicyError} when the signer is not the expected one, or the policy
 *   names no identity or issuer without `unsafeAnySubject` / `unsafeAnyIssuer`.
 * @throws {ConfigError} `CONFIG` for an invalid `now` or a threshold below 1.
 *
 * @example A policy must name an issuer (or opt out by name)
 * ```ts
 * import assert from "node:assert/strict";
 * import { embeddedTrustedRoot, parseBundleJson, verifyBundle } from "./mod.ts";
 *
 * const bundle = parseBundleJson(
 *   await Deno.readTextFile("testdata/genuine/java-bundle-v3-prod/bundle.sigstore.json"),
 * );
 * const bytes = await Deno.readFile("testdata/genuine/java-bundle-v3-prod/artifact");
 * const trustedRoot = embeddedTrustedRoot("production");
 * const subject = { exact: "appu@google.com" };
 * const result = await verifyBundle(bundle, { kind: "bytes", bytes }, {
 *   trustedRoot,
 *   signer: { kind: "identity", policy: { subject, issuer: "https://accounts.google.com", extensions: [] } },
 * });
 * assert.equal(result.signer.kind, "certificate");
 * await assert.rejects(
 *   verifyBundle(bundle, { kind: "bytes", bytes }, {
 *     trustedRoot,
 *     signer: { kind: "identity", policy: { subject, issuer: undefined, extensions: [] } },
 *   }),
 *   { code: "POLICY_ISSUER" },
 * );
 * ```
 */
export { verifyBundle } from "./lib/verify/mod.ts";

/**
 * Hashes a streamed artifact with every digest algorithm a bundle needs (one
 * pass, constant memory) for `verifyBundle`; `isArtifactDigestEnough` says
 * whether digests suffice (not for RSA or Ed25519 message signatures).
 *
 * @example
 * ```ts ignore
 * import { digestArtifactStream, verifyBundle } from "./mod.ts";
 * const artifact = await digestArtifactStream(file.stream(), { bundle, signer });
 * const result = await verifyBundle(bundle, artifact, { trustedRoot, signer, now: new Date() });
 * ```
 */
export { digestArtifactStream, isArtifactDigestEnough } from "./lib/verify/mod.ts";

/**
 * The embedded TrustedRoot of the public-good production or staging instance.
 *
 * @param instance `"production"` (default) or `"staging"`.
 * @returns The parsed trusted root.
 * @throws {ConfigError} `CONFIG` if the embedded copy fails its sha256 check.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embeddedTrustedRoot } from "./mod.ts";
 * const root = embeddedTrustedRoot("production");
 * assert.ok(root.tlogs.some((log) => log.baseUrl === "https://rekor.sigstore.dev"));
 * ```
 */
export { embeddedTrustedRoot } from "./lib/trust/mod.ts";

/**
 * Sources and sha256 sums of the embedded trust documents.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EMBEDDED_TRUST_SOURCES } from "./mod.ts";
 * assert.ok(EMBEDDED_TRUST_SOURCES.some((s) => s.instance === "staging" && s.name === "trusted_root.json"));
 * ```
 */
export { EMBEDDED_TRUST_SOURCES } from "./lib/trust/mod.ts";

/**
 * Parses TrustedRoot JSON text (media types v0.1 and v0.2).
 *
 * @param text The file's contents.
 * @returns The parsed trusted root.
 * @throws {ParseError} `TRUST_ROOT_PARSE` naming the JSON path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTrustedRootJson } from "./mod.ts";
 * assert.throws(() => parseTrustedRootJson("{}"), /mediaType/);
 * ```
 */
export { parseTrustedRootJson } from "./lib/trust/mod.ts";

/**
 * Parses a ClientTrustConfig (trusted root plus signing config) for a private instance.
 *
 * @param text The file's contents.
 * @returns The trusted root and the signing config JSON.
 * @throws {ParseError} `TRUST_ROOT_PARSE`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseClientTrustConfigJson } from "./mod.ts";
 * assert.throws(() => parseClientTrustConfigJson('{"mediaType":"x"}'), /clienttrustconfig/);
 * ```
 */
export { parseClientTrustConfigJson } from "./lib/trust/mod.ts";

/**
 * Builds the GitHub Actions policy of `verify github`.
 *
 * @param options Identity, trigger, sha, name, repository, ref; identity or repository is required.
 * @returns An identity policy with the GitHub Actions issuer.
 * @throws {PolicyError} `POLICY_IDENTITY` when neither identity nor repository is given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { githubPolicy } from "./mod.ts";
 * const policy = githubPolicy({ repository: "octo/repo", ref: "refs/heads/main" });
 * assert.equal(policy.issuer, "https://token.actions.githubusercontent.com");
 * ```
 */
export { githubPolicy } from "./lib/policy/mod.ts";

/**
 * Checks a certificate against an identity policy: the SAN (exact, or an
 * anchored regex), the OIDC issuer (the certificate's `.1.1` and `.1.8`
 * extensions must agree) and Fulcio claims. A policy without a subject or an
 * issuer is refused unless `unsafeAnySubject` / `unsafeAnyIssuer` is set.
 *
 * @throws {PolicyError} `POLICY_IDENTITY`, `POLICY_ISSUER` or `POLICY_EXTENSION`.
 *
 * @example
 * ```ts ignore
 * import { verifyIdentityPolicy } from "./mod.ts";
 * verifyIdentityPolicy(cert, { subject: { exact: "me@example.com" }, issuer: "https://github.com/login/oauth", extensions: [] });
 * ```
 */
export { verifyIdentityPolicy } from "./lib/policy/mod.ts";

/**
 * Checks a certificate against a list of accepted signers; it passes when
 * any one accepts it, and returns that signer's index.
 *
 * @throws {PolicyError} When the list is empty, a policy is malformed, or none accepts the certificate.
 *
 * @example
 * ```ts ignore
 * import { verifyAnyIdentityPolicy } from "./mod.ts";
 * const issuer = "https://accounts.google.com";
 * verifyAnyIdentityPolicy(cert, [
 *   { subject: { exact: "alice@example.com" }, issuer, extensions: [] },
 *   { subject: { exact: "bob@example.com" }, issuer, extensions: [] },
 * ]);
 * ```
 */
export { verifyAnyIdentityPolicy } from "./lib/policy/mod.ts";

/**
 * Validates a verification policy document (version 1, the format of the
 * CLI's `--policy FILE`; JSON Schema: `lib/policy/policy.schema.json`):
 * unknown keys, wrong types, empty strings, out-of-range thresholds and bad
 * patterns are a `ParseError` (`POLICY_PARSE`) naming the JSON path.
 *
 * @throws {ParseError} `POLICY_PARSE`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateVerificationPolicy } from "./mod.ts";
 * assert.throws(
 *   () => validateVerificationPolicy({ version: 1, signers: [{ identity: "a@example.com", issuer: "https://accounts.google.com", claims: { branch: "main" } }] }),
 *   /signers\[0\]\.claims\.branch: unknown key/,
 * );
 * ```
 */
export { validateVerificationPolicy } from "./lib/policy/mod.ts";

/**
 * The Fulcio claims a policy signer may require, by name, each the OID of
 * the certificate extension it is read from.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { POLICY_CLAIMS } from "./mod.ts";
 * assert.equal(POLICY_CLAIMS.runnerEnvironment, "1.3.6.1.4.1.57264.1.11");
 * ```
 */
export { POLICY_CLAIMS } from "./lib/policy/mod.ts";

/**
 * The `verifyBundle` options a verification policy document stands for:
 * any of its signers, its predicate types and its thresholds. CLI
 * (`--policy FILE`) and library use this same function.
 *
 * @throws {ParseError} `POLICY_PARSE` when the document is not a valid policy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embeddedTrustedRoot, parseBundleJson, policyVerifyOptions, verifyBundle } from "./mod.ts";
 * const dir = new URL("./testdata/genuine/java2-dsse-prod/", import.meta.url);
 * const bundle = parseBundleJson(await Deno.readTextFile(new URL("bundle.sigstore.json", dir)));
 * const artifact = { kind: "bytes" as const, bytes: await Deno.readFile(new URL("artifact", dir)) };
 * const options = policyVerifyOptions({
 *   version: 1,
 *   signers: [{
 *     identityRegex: "https://github\\.com/loosebazooka/aa-test/\\.github/workflows/[^/@]+@refs/heads/main",
 *     issuer: "https://token.actions.githubusercontent.com",
 *   }],
 *   predicateTypes: ["https://slsa.dev/provenance/v1"],
 * });
 * const result = await verifyBundle(bundle, artifact, { trustedRoot: embeddedTrustedRoot("production"), ...options });
 * assert.equal(result.content.kind, "dsseEnvelope");
 * ```
 */
export { policyVerifyOptions } from "./lib/verify/mod.ts";

/**
 * Error classes; every error has a stable `code`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SigstoreError, VerificationError } from "./mod.ts";
 * const e = new VerificationError("SIGNATURE", "Signature does not verify");
 * assert.ok(e instanceof SigstoreError);
 * assert.equal(e.code, "SIGNATURE");
 * ```
 */
export {
  ConfigError,
  NetworkError,
  ParseError,
  PolicyError,
  SigstoreError,
  VerificationError,
} from "./lib/errors/mod.ts";

/**
 * The codes each error class accepts, one list per class: a constructor
 * refuses a code from another class's list.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PARSE_ERROR_CODES, VERIFICATION_ERROR_CODES } from "./mod.ts";
 * assert.ok(PARSE_ERROR_CODES.includes("BUNDLE_PARSE"));
 * assert.ok(!VERIFICATION_ERROR_CODES.some((c) => (PARSE_ERROR_CODES as readonly string[]).includes(c)));
 * ```
 */
export {
  CONFIG_ERROR_CODES,
  NETWORK_ERROR_CODES,
  PARSE_ERROR_CODES,
  POLICY_ERROR_CODES,
  SIGSTORE_ERROR_CODES,
  VERIFICATION_ERROR_CODES,
} from "./lib/errors/mod.ts";

export type {
  ConfigErrorCode,
  ErrorCode,
  NetworkErrorCode,
  ParseErrorCode,
  PolicyErrorCode,
  SigstoreErrorCode,
  VerificationErrorCode,
} from "./lib/errors/mod.ts";
export type {
  Bundle,
  BundleParts,
  BundleVersion,
  DsseEnvelope,
  InclusionProof,
  MessageSignature,
  TransparencyLogEntry,
  VerificationContent,
} from "./lib/bundle/mod.ts";
export type {
  CertificateAuthority,
  ClientTrustConfig,
  EmbeddedInstance,
  EmbeddedTrustSource,
  TransparencyLogInstance,
  TrustedRoot,
  ValidityPeriod,
} from "./lib/trust/mod.ts";
export type {
  ExtensionRequirement,
  GitHubPolicyOptions,
  IdentityPolicy,
  PolicyClaim,
  PolicySigner,
  PolicyThresholds,
  SanMatcher,
  VerificationPolicy,
} from "./lib/policy/mod.ts";
export type {
  ArtifactInput,
  ArtifactStreamOptions,
  PolicyVerifyOptions,
  SignerPolicy,
  VerificationResult,
  VerifiedTime,
  VerifyOptions,
} from "./lib/verify/mod.ts";
export type { Certificate, Extension } from "./lib/x509/mod.ts";

/**
 * Creates a signer: picks Fulcio, Rekor and timestamp authorities from a
 * SigningConfig, makes an ephemeral P-256 key (non-extractable Web Crypto
 * key), obtains and checks a Fulcio certificate. Its `signArtifact` and
 * `signStatement` return v0.3 bundles that already passed `verifyBundle`.
 *
 * @param identity The identity token and the identity/challenge it yields (see `identityOf`).
 * @param options Trust root, signing config, HTTP client, clock and Rekor version.
 * @returns A signer bound to one short-lived certificate.
 * @throws {NetworkError} `NETWORK` when a service is down, refuses, fails or answers garbage.
 * @throws {ConfigError} `CONFIG` when the signing config offers no usable service.
 *
 * @example
 * ```ts ignore
 * import { createHttpClient, createSigner, decodeIdentityToken, embeddedSigningConfig, embeddedTrustedRoot, identityOf } from "./mod.ts";
 * const who = identityOf(decodeIdentityToken(token));
 * const signer = await createSigner({ token, identity: who.identity, challenge: who.challenge }, {
 *   trustedRoot: embeddedTrustedRoot(), signingConfig: embeddedSigningConfig(), http: createHttpClient(), now: () => new Date(),
 * });
 * const { bundle } = await signer.signArtifact(new TextEncoder().encode("hello"));
 * ```
 */
export { createSigner } from "./lib/sign/mod.ts";

/**
 * Obtains an identity token: explicit, ambient CI (GitHub Actions, GitLab,
 * Buildkite, CircleCI, Google Cloud), or interactive (browser with PKCE,
 * out-of-band, device flow). The token is never printed or logged.
 *
 * @example
 * The runtime services (HTTP, environment variables, browser, loopback
 * server, prompt) are passed in as an {@linkcode OidcEnvironment}; the
 * Node-API one is `createNodeOidcEnvironment` from
 * `jsr:@sigstore-ts/sigstore/oidc/node`, kept out of this module so that the
 * library loads no `node:http`, `node:child_process` or `node:readline`.
 *
 * @example
 * ```ts ignore
 * import { getIdentityToken } from "@sigstore-ts/sigstore";
 * import { createNodeOidcEnvironment } from "@sigstore-ts/sigstore/oidc/node";
 * const { token, claims } = await getIdentityToken({ issuerUrl: "https://oauth2.sigstore.dev/auth" }, createNodeOidcEnvironment());
 * ```
 */
export { decodeIdentityToken, getIdentityToken, identityOf } from "./lib/oidc/mod.ts";

/**
 * The embedded SigningConfig of production or staging (optionally the Rekor v2 one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embeddedSigningConfig } from "./mod.ts";
 * assert.equal(embeddedSigningConfig("production").caUrls[0]?.url, "https://fulcio.sigstore.dev");
 * ```
 */
export { embeddedSigningConfig, parseSigningConfigJson } from "./lib/trust/mod.ts";

/**
 * An HTTP client with timeouts and bounded retries, for the signing services.
 *
 * @example
 * ```ts
 * import { createHttpClient } from "./mod.ts";
 * const http = createHttpClient({ timeoutMs: 10_000, retries: 2 });
 * ```
 */
export { createHttpClient } from "./lib/net/mod.ts";

/**
 * Builds a v0.3 bundle JSON value from its parts.
 *
 * @example
 * ```ts
 * import { BUNDLE_V03_MEDIA_TYPE } from "./mod.ts";
 * console.log(BUNDLE_V03_MEDIA_TYPE);
 * ```
 */
export { buildBundleJson, BUNDLE_V03_MEDIA_TYPE } from "./lib/bundle/mod.ts";

export type {
  SignedBundle,
  Signer,
  SignerOptions,
  SigningCertificate,
  SigningIdentity,
} from "./lib/sign/mod.ts";
export type {
  AmbientSource,
  FederatedClaims,
  GetIdentityTokenOptions,
  IdentityClaims,
  IdentityToken,
  LoopbackServer,
  OidcEnvironment,
  TokenIdentity,
  TokenSource,
} from "./lib/oidc/mod.ts";
export type { Service, ServiceSelector, SigningConfig } from "./lib/trust/mod.ts";
export type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse } from "./lib/net/mod.ts";
export type { EcCurve, HashAlgorithm, PublicKey } from "./lib/crypto/mod.ts";

/**
 * Trust over TUF: the trusted root and signing configs of an instance,
 * refreshed from its TUF repository (bootstrapped from the embedded TUF
 * root) and cached per repository URL. `onlineTufTrust` uses the cache while
 * its TUF timestamp is unexpired, else refreshes; `offlineTufTrust` never
 * touches the network (the cache, else the embedded trust);
 * `refreshTufTrust` always refreshes. Each result says where the trust came
 * from and how old it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { offlineTufTrust, publicTufRepository } from "./mod.ts";
 * const trust = offlineTufTrust({
 *   repository: publicTufRepository("production"),
 *   cacheDir: "/nonexistent/sigstore-ts-cache",
 * });
 * assert.equal(trust.info.source, "embedded");
 * ```
 */
export {
  offlineTufTrust,
  onlineTufTrust,
  PUBLIC_TUF_REPOSITORIES,
  publicTufRepository,
  refreshTufTrust,
  resolveCacheDir,
} from "./lib/trust/tuf_trust.ts";

/**
 * Trust bundles for air-gapped machines: `exportTrustBundle` writes a
 * refreshed state (the TUF metadata chain and its targets) as text;
 * `verifyTrustBundle` re-verifies one from the bootstrap root against the
 * local clock; `importTrustBundle` does so and caches it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { publicTufRepository, verifyTrustBundle } from "./mod.ts";
 * const options = { repository: publicTufRepository("production"), cacheDir: "/nonexistent", now: new Date() };
 * await assert.rejects(verifyTrustBundle("{", "bundle.json", options), /not valid JSON/);
 * ```
 */
export { exportTrustBundle, importTrustBundle, verifyTrustBundle } from "./lib/trust/tuf_trust.ts";

/**
 * How the trust in use is reported: one line, or JSON with its age; and the
 * `TRUST_STALE` check behind `--max-trust-age`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkTrustAge, embeddedTufTrust } from "./mod.ts";
 * const { info } = embeddedTufTrust("production");
 * assert.throws(() => checkTrustAge(info, new Date("2027-01-01T00:00:00Z"), 86400_000), /older than/);
 * ```
 */
export { checkTrustAge, describeTrust, trustInfoJson } from "./lib/trust/mod.ts";
export { embeddedTufTrust } from "./lib/trust/tuf_trust.ts";

export type {
  CacheEnvironment,
  TrustBundle,
  TrustInfo,
  TrustSourceKind,
  TufRepository,
  TufTrust,
  TufTrustOptions,
} from "./lib/trust/mod.ts";
