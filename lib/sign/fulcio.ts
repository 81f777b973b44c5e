/**
 * Fulcio v2 `signingCert`: a short-lived code-signing certificate for the
 * ephemeral key, bound to the identity token. The request proves possession
 * of the key by signing the token's identity (email, or subject); the answer
 * is checked before use: the leaf holds our key, chains to a trusted Fulcio
 * CA now, carries a valid SCT and names the token's identity.
 *
 * @module
 */

import { bytesEqual, decodePem, encodePem, utf8Encode } from "../encoding/mod.ts";
import { ConfigError, NetworkError, VerificationError } from "../errors/mod.ts";
import { type HttpClient, parseJsonBody, requireSuccess } from "../net/mod.ts";
import type { TrustedRoot } from "../trust/mod.ts";
import { verifySigningCertificate } from "../verify/mod.ts";
import { certificateIdentities } from "../policy/mod.ts";
import { type Certificate, parseCertificate } from "../x509/mod.ts";
import { type EphemeralKey, signWithEphemeralKey } from "./ephemeral_key.ts";

/** A certificate from Fulcio, checked. */
export interface SigningCertificate {
  /** The parsed signing (leaf) certificate */
  readonly leaf: Certificate;
  /** The chain as returned, leaf first (DER). */
  readonly chain: readonly Uint8Array[];
}

/** What Fulcio needs to know about the token. */
export interface FulcioIdentity {
  /** The raw identity token (sent only to Fulcio). */
  readonly token: string;
  /** The value to sign as proof of possession: the email, or else the subject. */
  readonly challenge: string;
  /** The identity the certificate must name. */
  readonly expectedIdentity: string;
}

/** How long a certificate that starts after the response arrived is waited for. */
const MAX_NOT_BEFORE_WAIT_MS = 5_000;

/**
 * Requests and checks a signing certificate. It is returned once it is
 * valid: certificate times have whole seconds, so a certificate issued while
 * the request was under way may start after the request began, and a CA may
 * round its times up, so it may even start a little after the response;
 * anything signed or timestamped before then would fail verification.
 */
export async function requestSigningCertificate(
  http: HttpClient,
  fulcioUrl: string,
  key: EphemeralKey,
  identity: FulcioIdentity,
  trust: { trustedRoot: TrustedRoot; now: () => Date },
): Promise<SigningCertificate> {
  const proof = await signWithEphemeralKey(key, utf8Encode(identity.challenge));
  const body = JSON.stringify({
    credentials: { oidcIdentityToken: identity.token },
    publicKeyRequest: {
      publicKey: { algorithm: "ECDSA", content: encodePem("PUBLIC KEY", key.publicKeySpki) },
      proofOfPossession: btoa(String.fromCharCode(...proof)),
    },
  });
  const response = await http.request(`${fulcioUrl}/api/v2/signingCert`, {
    method: "POST",
    service: "Fulcio",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body,
  });
  requireSuccess(response, "Fulcio");
  const json = parseJsonBody(response, "Fulcio") as {
    signedCertificateEmbeddedSct?: { chain?: { certificates?: unknown } };
    signedCertificateDetachedSct?: unknown;
  };
  const pems = json?.signedCertificateEmbeddedSct?.chain?.certificates;
  if (!Array.isArray(pems) || pems.length === 0 || !pems.every((p) => typeof p === "string")) {
    if (json?.signedCertificateDetachedSct !== undefined) {
      throw new NetworkError("NETWORK", "Fulcio returned a detached SCT, which this client does not accept");
    }
    throw new NetworkError("NETWORK", "Fulcio answered without a certificate chain");
  }
  const chain = (pems as string[]).map((pem) => {
    const blocks = decodePem(pem);
    const der = blocks?.[0]?.der;
    if (der === undefined) throw new NetworkError("NETWORK", "Fulcio returned a certificate that is not PEM");
    return der;
  });
  let leaf: Certificate;
  try {
    leaf = parseCertificate(chain[0]!);
  } catch (e) {
    throw new NetworkError("NETWORK", `Fulcio returned an unreadable certificate: ${(e as Error).message}`);
  }
  if (!bytesEqual(leaf.publicKeyInfo, key.publicKeySpki)) {
    throw new VerificationError("CERT_PROFILE", "Fulcio's certificate is not for our signing key");
  }
  const early = leaf.notBefore.getTime() - trust.now().getTime();
  if (early > MAX_NOT_BEFORE_WAIT_MS) {
    throw new ConfigError(
      "CONFIG",
      `Fulcio's certificate starts ${Math.ceil(early / 1000)} s in the future: check this machine's clock`,
    );
  }
  if (early > 0) await new Promise((resolve) => setTimeout(resolve, early + 10));
  // The same checks as verification, at the time it can first be used.
  await verifySigningCertificate(leaf, [trust.now()], trust.trustedRoot);
  const names = certificateIdentities(leaf);
  if (!names.includes(identity.expectedIdentity)) {
    throw new VerificationError(
      "CERT_PROFILE",
      `Fulcio's certificate names ${
        names.map((n) => JSON.stringify(n)).join(", ") || "no identity"
      }, not the token's ${JSON.stringify(identity.expectedIdentity)}`,
    );
  }
  return { leaf, chain };
}
