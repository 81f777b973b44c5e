/**
 * RFC 3161 timestamps for signing (protocol reference §4.5): encoding a DER
 * `TimeStampReq` over a signature, sending it to a timestamp authority,
 * and verifying the answer (imprint, signature, chain, nonce echo) before it
 * is stored in a bundle's `timestampVerificationData`.
 *
 * @module
 */

import { digest, type HashAlgorithm } from "../crypto/mod.ts";
import { encodeDer, TAG } from "../der/mod.ts";
import { concatBytes } from "../encoding/mod.ts";
import { NetworkError, prefixError, SigstoreError, VerificationError } from "../errors/mod.ts";
import type { HttpClient } from "../net/mod.ts";
import { requireSuccess } from "../net/mod.ts";
import { parseTimestampResponse, verifyRfc3161Timestamp } from "../timestamp/mod.ts";
import type { Rfc3161TimestampResult, TimestampResponse } from "../timestamp/mod.ts";
import type { CertificateAuthority } from "../trust/mod.ts";

const SERVICE = "Timestamp authority";

/** DER contents of the NIST hash OIDs (2.16.840.1.101.3.4.2.{1,2,3}). */
const HASH_OID: Readonly<Record<HashAlgorithm, Uint8Array>> = {
  sha256: Uint8Array.of(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01),
  sha384: Uint8Array.of(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02),
  sha512: Uint8Array.of(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03),
};

/** Options of {@linkcode encodeTimeStampRequest}. */
export interface TimeStampRequestOptions {
  /** The nonce to send (a non-negative integer); omitted from the request when absent. */
  readonly nonce?: bigint;
  /** The message imprint hash. Default `sha256`. */
  readonly hash?: HashAlgorithm;
}

/** Options of {@linkcode requestTimestamp}. */
export interface RequestTimestampOptions {
  /**
   * The current time. When given, the timestamp's `genTime` must lie within
   * `maxClockSkewMs` of it, so a TSA with a wrong clock is noticed at signing.
   */
  readonly now?: Date;
  /** Allowed distance between `genTime` and `now`, in milliseconds. Default 5 minutes. */
  readonly maxClockSkewMs?: number;
  /** The nonce to send; default a fresh random 63-bit value. */
  readonly nonce?: bigint;
  /** The message imprint hash. Default `sha256`. */
  readonly hash?: HashAlgorithm;
  /** Per-attempt timeout in milliseconds. Default 10 s. */
  readonly timeoutMs?: number;
}

/** The outcome of {@linkcode requestTimestamp}. */
export interface RequestedTimestamp {
  /** The complete DER `TimeStampResp`, for `rfc3161Timestamps[].signedTimestamp`. */
  readonly signedTimestamp: Uint8Array;
  /** The verified `genTime`. */
  readonly time: Date;
  /** The trusted authority that vouches for it. */
  readonly authority: CertificateAuthority;
}

function derInteger(n: bigint): Uint8Array {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if ((bytes[0]! & 0x80) !== 0) bytes.unshift(0);
  return encodeDer(TAG.INTEGER, Uint8Array.from(bytes));
}

/**
 * Encodes a DER `TimeStampReq` (RFC 3161 §2.4.1) over `signature`:
 * version 1, a message imprint of the signature's hash (AlgorithmIdentifier
 * with NULL parameters, as OpenSSL writes it), no policy, the nonce when
 * given, and `certReq` TRUE so the token embeds the TSA certificate.
 *
 * @param signature The bytes to timestamp: the artifact or DSSE signature.
 * @param options The nonce and the imprint hash (default SHA-256).
 * @returns The DER request.
 * @throws {TypeError} When `signature` is not a `Uint8Array`.
 * @throws {RangeError} When the nonce is negative or wider than 160 bits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeTimeStampRequest } from "./timestamp_request.ts";
 *
 * const der = encodeTimeStampRequest(new Uint8Array([1, 2, 3]), { nonce: 1n });
 * assert.equal(der[0], 0x30);
 * assert.deepEqual([...der.subarray(-6)], [0x02, 0x01, 0x01, 0x01, 0x01, 0xff]);
 * ```
 */
export function encodeTimeStampRequest(
  signature: Uint8Array,
  options: TimeStampRequestOptions = {},
): Uint8Array {
  if (!(signature instanceof Uint8Array)) {
    throw new TypeError("encodeTimeStampRequest() expects the signature as a Uint8Array");
  }
  const hash = options.hash ?? "sha256";
  const oid = HASH_OID[hash];
  if (oid === undefined) throw new TypeError(`encodeTimeStampRequest() does not support hash "${hash}"`);
  const parts = [
    derInteger(1n),
    encodeDer(
      TAG.SEQUENCE,
      concatBytes(
        encodeDer(TAG.SEQUENCE, concatBytes(encodeDer(TAG.OID, oid), encodeDer(TAG.NULL, new Uint8Array()))),
        encodeDer(TAG.OCTET_STRING, digest(hash, signature)),
      ),
    ),
  ];
  if (options.nonce !== undefined) {
    if (typeof options.nonce !== "bigint" || options.nonce < 0n || options.nonce >= 1n << 160n) {
      throw new RangeError("encodeTimeStampRequest() expects a nonce between 0 and 2^160 - 1");
    }
    parts.push(derInteger(options.nonce));
  }
  parts.push(encodeDer(TAG.BOOLEAN, Uint8Array.of(0xff)));
  return encodeDer(TAG.SEQUENCE, concatBytes(...parts));
}

/** A fresh random positive 63-bit nonce (never 0). */
function randomNonce(): bigint {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  bytes[0] = bytes[0]! & 0x7f;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n === 0n ? 1n : n;
}

/**
 * Requests an RFC 3161 timestamp over `signature` from a timestamp
 * authority and verifies it before returning it.
 *
 * Steps (§4.5): POST a DER `TimeStampReq` with `Content-Type:
 * application/timestamp-query` to the full `tsaUrl`; accept HTTP 200 or
 * 201; parse the `TimeStampResp` (status must be granted); verify it with
 * `verifyRfc3161Timestamp` against `authorities`; require the nonce to be
 * echoed; when `options.now` is given, require `genTime` near it.
 *
 * @param http The HTTP client.
 * @param tsaUrl The full timestamp URL, e.g. `https://timestamp.sigstore.dev/api/v1/timestamp`.
 * @param signature The signature bytes to timestamp.
 * @param authorities The trust root's `timestampAuthorities`.
 * @param options The current time, nonce, hash and timeout.
 * @returns The DER response with its verified time and authority.
 * @throws {NetworkError} `NETWORK` when the TSA cannot be reached, refuses
 *   the request, or answers something that is not a granted timestamp.
 * @throws {VerificationError} `TIMESTAMP` or `TIMESTAMP_UNTRUSTED` when the
 *   timestamp does not verify, does not echo the nonce, or is far from `now`.
 * @throws {TypeError} When an argument has the wrong type.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requestTimestamp } from "./timestamp_request.ts";
 * import type { HttpClient } from "../net/mod.ts";
 *
 * const http: HttpClient = {
 *   request: () => Promise.resolve({ status: 200, headers: new Headers(), body: new Uint8Array([0x30, 0x00]) }),
 * };
 * await assert.rejects(
 *   requestTimestamp(http, "https://tsa.test/api/v1/timestamp", new Uint8Array([1]), []),
 *   { name: "NetworkError", code: "NETWORK" },
 * );
 * ```
 */
export async function requestTimestamp(
  http: HttpClient,
  tsaUrl: string,
  signature: Uint8Array,
  authorities: readonly CertificateAuthority[],
  options: RequestTimestampOptions = {},
): Promise<RequestedTimestamp> {
  if (typeof tsaUrl !== "string" || !/^https?:\/\//i.test(tsaUrl)) {
    throw new TypeError("requestTimestamp() expects an http(s) timestamp authority URL");
  }
  if (!Array.isArray(authorities)) throw new TypeError("requestTimestamp() expects an array of authorities");
  const nonce = options.nonce ?? randomNonce();
  const body = encodeTimeStampRequest(signature, { nonce, hash: options.hash ?? "sha256" });

  const response = await http.request(tsaUrl, {
    method: "POST",
    headers: { "Content-Type": "application/timestamp-query", Accept: "application/timestamp-reply" },
    body,
    service: SERVICE,
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  requireSuccess(response, SERVICE);
  if (response.status !== 200 && response.status !== 201) {
    throw new NetworkError("NETWORK", `${SERVICE} answered HTTP ${response.status}, expected 200 or 201`);
  }
  const signedTimestamp = response.body.slice();

  let parsed: TimestampResponse;
  try {
    parsed = parseTimestampResponse(signedTimestamp);
  } catch (e) {
    if (!(e instanceof SigstoreError)) throw e;
    throw new NetworkError(
      "NETWORK",
      `${SERVICE} answered HTTP ${response.status} with a body that is not a granted timestamp: ${e.message}`,
      { cause: e },
    );
  }

  // Never hand out a timestamp that would fail verification later (§4.5).
  let verified: Rfc3161TimestampResult;
  try {
    verified = await verifyRfc3161Timestamp(signedTimestamp, signature, authorities);
  } catch (e) {
    if (!(e instanceof SigstoreError)) throw e;
    throw prefixError(e, `Cannot verify the timestamp from ${tsaUrlForMessage(tsaUrl)}: `);
  }
  // RFC 3161 §2.4.2: the nonce must be echoed when the request carried one.
  if (parsed.tstInfo.nonce !== nonce) {
    throw new VerificationError(
      "TIMESTAMP",
      `Timestamp from ${tsaUrlForMessage(tsaUrl)} does not echo the request nonce: expected ${nonce}, found ${
        parsed.tstInfo.nonce ?? "none"
      }`,
    );
  }
  if (options.now !== undefined) {
    const skew = options.maxClockSkewMs ?? 5 * 60_000;
    const distance = Math.abs(verified.time.getTime() - options.now.getTime());
    if (!(distance <= skew)) {
      throw new VerificationError(
        "TIMESTAMP",
        `Timestamp from ${
          tsaUrlForMessage(tsaUrl)
        } is too far from the current time: genTime ${verified.time.toISOString()}, now ${options.now.toISOString()}, allowed skew ${
          skew / 1000
        } s`,
      );
    }
  }
  return { signedTimestamp, time: verified.time, authority: verified.authority };
}

function tsaUrlForMessage(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}
