/**
 * The signing flow of the Sigstore client specification: choose services
 * from the signing config, create an ephemeral key, get a Fulcio
 * certificate, then per artifact sign, timestamp, log, assemble a v0.3
 * bundle and verify it with our own verifier before handing it back.
 *
 * @module
 */

import { buildBundleJson, type BundleParts, parseBundle, preAuthEncoding } from "../bundle/mod.ts";
import { digest } from "../crypto/mod.ts";
import { ConfigError } from "../errors/mod.ts";
import type { HttpClient } from "../net/mod.ts";
import { certificateIssuer } from "../policy/mod.ts";
import { selectServices, type Service, type SigningConfig, type TrustedRoot } from "../trust/mod.ts";
import { type VerificationResult, verifyBundle } from "../verify/mod.ts";
import { IN_TOTO_PAYLOAD_TYPE, parseStatement } from "../attest/mod.ts";
import { decodeHex } from "../encoding/mod.ts";
import { generateEphemeralKey, signWithEphemeralKey } from "./ephemeral_key.ts";
import { requestSigningCertificate, type SigningCertificate } from "./fulcio.ts";
import { createRekorV1Entry, type RekorEntryRequest } from "./rekor_v1.ts";
import { createRekorV2Entry } from "./rekor_v2.ts";
import { requestTimestamp } from "./timestamp_request.ts";

/** The identity token and what it says, as the OIDC layer decoded it. */
export interface SigningIdentity {
  /** The raw OIDC identity token (sent only to Fulcio) */
  readonly token: string;
  /** The certificate identity the token yields (email, or subject). */
  readonly identity: string;
  /** The proof-of-possession challenge (email, or subject). */
  readonly challenge: string;
}

/** Options of {@linkcode createSigner}. */
export interface SignerOptions {
  /** Trust root used to check the certificate, timestamps, log entries and the final bundle */
  readonly trustedRoot: TrustedRoot;
  /** Signing config naming the Fulcio, Rekor and timestamp authority services to use */
  readonly signingConfig: SigningConfig;
  /** HTTP client for the signing services */
  readonly http: HttpClient;
  /** Clock, for certificate and timestamp checks */
  readonly now: () => Date;
  /** Restrict logging to Rekor v1 or v2; default: what the signing config prefers. */
  readonly rekorVersion?: 1 | 2 | undefined;
}

/** A signed bundle, verified, with the verification result. */
export interface SignedBundle {
  /** The v0.3 bundle as a JSON value, ready for `JSON.stringify` */
  readonly bundle: Record<string, unknown>;
  /** DER of the signing (leaf) certificate */
  readonly certificate: Uint8Array;
  /** DER-encoded ECDSA signature (over the artifact, or the DSSE pre-authentication encoding) */
  readonly signature: Uint8Array;
  /** Result of verifying the new bundle with `verifyBundle` */
  readonly verification: VerificationResult;
}

/** Signs artifacts and attestations with one certificate. */
export interface Signer {
  /** Signs an artifact (a message signature over its bytes). */
  signArtifact(bytes: Uint8Array): Promise<SignedBundle>;
  /** Signs an in-toto statement as a DSSE envelope (payload = the bytes given). */
  signStatement(statement: Uint8Array): Promise<SignedBundle>;
  /** The Fulcio certificate in use. */
  readonly certificate: SigningCertificate;
}

interface Services {
  readonly fulcio: Service;
  readonly rekor: readonly Service[];
  readonly tsas: readonly Service[];
}

/** Picks the services to use; throws `ConfigError` when the config offers none that works. */
export function chooseServices(config: SigningConfig, now: Date, rekorVersion?: 1 | 2): Services {
  const fulcio = selectServices("Fulcio (caUrls)", config.caUrls, undefined, [1], now)[0]!;
  const rekor = selectServices(
    "Rekor (rekorTlogUrls)",
    config.rekorTlogUrls,
    config.rekorTlogConfig,
    rekorVersion === undefined ? [1, 2] : [rekorVersion],
    now,
  );
  const tsas = config.tsaUrls.length === 0 ? [] : (() => {
    try {
      return selectServices("timestamp authority (tsaUrls)", config.tsaUrls, config.tsaConfig, [1], now);
    } catch (e) {
      if (rekor.some((r) => r.majorApiVersion === 2)) throw e;
      return [];
    }
  })();
  if (rekor.some((r) => r.majorApiVersion === 2) && tsas.length === 0) {
    throw new ConfigError(
      "CONFIG",
      "Signing config selects Rekor v2 but no usable timestamp authority: Rekor v2 bundles need an RFC 3161 timestamp",
    );
  }
  return { fulcio, rekor, tsas };
}

/** Creates a signer: checks the services, makes the key, gets the certificate. */
export async function createSigner(identity: SigningIdentity, options: SignerOptions): Promise<Signer> {
  const services = chooseServices(options.signingConfig, options.now(), options.rekorVersion);
  const key = await generateEphemeralKey();
  const certificate = await requestSigningCertificate(options.http, services.fulcio.url, key, {
    token: identity.token,
    challenge: identity.challenge,
    expectedIdentity: identity.identity,
  }, { trustedRoot: options.trustedRoot, now: options.now });
  const issuer = certificateIssuer(certificate.leaf);

  /** Timestamps and logs a signature, builds the bundle and verifies it. */
  async function finish(
    signature: Uint8Array,
    content: BundleParts["content"],
    verifyDigest: Uint8Array,
  ): Promise<SignedBundle> {
    const timestamps: Uint8Array[] = [];
    const times: Date[] = [];
    for (const tsa of services.tsas) {
      const stamp = await requestTimestamp(
        options.http,
        tsa.url,
        signature,
        options.trustedRoot.timestampAuthorities,
        {
          now: options.now(),
        },
      );
      timestamps.push(stamp.signedTimestamp);
      times.push(stamp.time);
    }
    const request: RekorEntryRequest = content.kind === "messageSignature"
      ? {
        kind: "hashedrekord",
        artifactDigest: content.sha256,
        signature,
        certificateDer: certificate.leaf.raw,
      }
      : {
        kind: "dsse",
        envelope: { payload: content.payload, payloadType: content.payloadType, signature },
        certificateDer: certificate.leaf.raw,
      };
    const tlogEntries: unknown[] = [];
    for (const log of services.rekor) {
      const create = log.majorApiVersion === 2 ? createRekorV2Entry : createRekorV1Entry;
      tlogEntries.push(
        await create(options.http, log.url, request, {
          tlogs: options.trustedRoot.tlogs,
          verifiedTimes: times,
        }),
      );
    }
    const bundle = buildBundleJson({
      certificate: certificate.leaf.raw,
      tlogEntries,
      rfc3161Timestamps: timestamps,
      content,
    });
    // Self-check: the bundle must pass our own verifier before anyone sees it.
    const verification = await verifyBundle(
      parseBundle(JSON.parse(JSON.stringify(bundle))),
      { kind: "digest", digests: new Map([["sha256", verifyDigest]]) },
      {
        trustedRoot: options.trustedRoot,
        signer: {
          kind: "identity",
          policy: { subject: { exact: identity.identity }, issuer, extensions: [] },
        },
        now: options.now(),
      },
    );
    return { bundle, certificate: certificate.leaf.raw, signature, verification };
  }

  return {
    certificate,
    async signArtifact(bytes: Uint8Array): Promise<SignedBundle> {
      const sha256 = digest("sha256", bytes);
      const signature = await signWithEphemeralKey(key, bytes);
      return await finish(signature, { kind: "messageSignature", sha256, signature }, sha256);
    },
    async signStatement(statement: Uint8Array): Promise<SignedBundle> {
      const parsed = parseStatement(statement);
      const subject = parsed.subjects.find((s) => s.digest.sha256 !== undefined);
      const subjectDigest = subject === undefined ? undefined : decodeHex(subject.digest.sha256!);
      if (subjectDigest === undefined || subjectDigest.length !== 32) {
        throw new ConfigError("CONFIG", "The in-toto statement needs a subject with a sha256 digest");
      }
      const pae = preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, statement);
      const signature = await signWithEphemeralKey(key, pae);
      return await finish(
        signature,
        { kind: "dsseEnvelope", payload: statement, payloadType: IN_TOTO_PAYLOAD_TYPE, signature },
        subjectDigest,
      );
    },
  };
}
