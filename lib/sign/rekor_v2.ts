/**
 * Uploads a signature to a Rekor v2 log (`POST /api/v2/log/entries`,
 * protocol reference §4.7) as a `hashedRekordRequestV002`. DSSE envelopes
 * are logged as hashedrekord over SHA-256 of their PAE, as current clients
 * do. The answer is already a proto-JSON `TransparencyLogEntry`; it is
 * shape-checked, verified (§3.6) and returned in normalised form.
 *
 * @module
 */

import type { TransparencyLogEntry } from "../bundle/mod.ts";
import { encodeBase64, JsonShapeError } from "../encoding/mod.ts";
import { NetworkError } from "../errors/mod.ts";
import type { HttpClient, HttpResponse } from "../net/mod.ts";
import { parseJsonBody, requireSuccess } from "../net/mod.ts";
import {
  checkEntryRequest,
  type CreateRekorEntryOptions,
  encodeTlogEntryJson,
  readTlogEntryJson,
  type RekorEntryRequest,
  requestDigest,
  requestSignature,
  type TransparencyLogEntryJson,
  trimBaseUrl,
  verifyCreatedEntry,
} from "./_tle_json.ts";

const SERVICE = "Rekor v2";
const ENTRIES_PATH = "/api/v2/log/entries";
/** Default per-attempt timeout: the log answers only once a checkpoint covers the entry. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Builds the Rekor v2 `CreateEntryRequest` JSON for a request (§4.7): a
 * `hashedRekordRequestV002` with the SHA-256 artifact digest (or, for a
 * DSSE envelope, SHA-256 of its PAE), the signature, and the leaf
 * certificate with key details `PKIX_ECDSA_P256_SHA_256`.
 *
 * @param request What to log.
 * @returns The request object, ready for `JSON.stringify`.
 * @throws {TypeError} When the request is malformed.
 * @throws {RangeError} When the digest is not 32 bytes or the signature is empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeRekorV2Request } from "./rekor_v2.ts";
 *
 * const body = encodeRekorV2Request({
 *   kind: "hashedrekord",
 *   artifactDigest: new Uint8Array(32),
 *   signature: new Uint8Array([1]),
 *   certificateDer: new Uint8Array([2]),
 * });
 * assert.ok("hashedRekordRequestV002" in body);
 * ```
 */
export function encodeRekorV2Request(request: RekorEntryRequest): Record<string, unknown> {
  checkEntryRequest(request, "encodeRekorV2Request");
  return {
    hashedRekordRequestV002: {
      digest: encodeBase64(requestDigest(request)),
      signature: {
        content: encodeBase64(requestSignature(request)),
        verifier: {
          x509Certificate: { rawBytes: encodeBase64(request.certificateDer) },
          keyDetails: "PKIX_ECDSA_P256_SHA_256",
        },
      },
    },
  };
}

/**
 * Logs a signature in a Rekor v2 log and returns the verified entry as
 * proto JSON for the bundle's `tlogEntries`.
 *
 * The log answers only once a checkpoint covers the entry, so the default
 * per-attempt timeout is 30 s (keep any override at 20 s or more against a
 * real log). The entry is verified against `options.tlogs`: body ↔ request,
 * checkpoint and inclusion proof, and the log key's validity at one of
 * `options.verifiedTimes` (required: Rekor v2 entries carry no signed time).
 *
 * @param http The HTTP client (retries 5xx answers and timeouts).
 * @param baseUrl The log's base URL, e.g. `https://log2025-1.rekor.sigstore.dev`.
 * @param request The signature, certificate and artifact digest or DSSE envelope.
 * @param options Trusted logs, verified times and an optional timeout.
 * @returns The new entry in proto-JSON form (without `null`s or defaults).
 * @throws {NetworkError} `NETWORK` when the log cannot be reached, refuses the
 *   entry (quoting its message), or answers something that is not a log entry.
 * @throws {VerificationError} With the code of the failed tlog step when the
 *   entry does not verify.
 * @throws {TypeError} When the request is malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRekorV2Entry } from "./rekor_v2.ts";
 * import type { HttpClient } from "../net/mod.ts";
 *
 * const http: HttpClient = {
 *   request: () => Promise.resolve({ status: 201, headers: new Headers(), body: new TextEncoder().encode("{}") }),
 * };
 * const request = {
 *   kind: "hashedrekord",
 *   artifactDigest: new Uint8Array(32),
 *   signature: new Uint8Array([1]),
 *   certificateDer: new Uint8Array([2]),
 * } as const;
 * await assert.rejects(
 *   createRekorV2Entry(http, "https://log.test", request, { tlogs: [] }),
 *   { name: "NetworkError", code: "NETWORK" },
 * );
 * ```
 */
export async function createRekorV2Entry(
  http: HttpClient,
  baseUrl: string,
  request: RekorEntryRequest,
  options: CreateRekorEntryOptions,
): Promise<TransparencyLogEntryJson> {
  const body = JSON.stringify(encodeRekorV2Request(request));
  if (options === undefined || !Array.isArray(options.tlogs)) {
    throw new TypeError("createRekorV2Entry() expects options with the trusted tlogs");
  }
  const response = await http.request(`${trimBaseUrl(baseUrl)}${ENTRIES_PATH}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body,
    service: SERVICE,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  requireSuccess(response, SERVICE);
  const entry = parseRekorV2Response(response);
  await verifyCreatedEntry(entry, request, options, SERVICE);
  return encodeTlogEntryJson(entry);
}

function parseRekorV2Response(response: HttpResponse): TransparencyLogEntry {
  const json = parseJsonBody(response, SERVICE);
  try {
    return readTlogEntryJson(json, "");
  } catch (e) {
    if (!(e instanceof JsonShapeError)) throw e;
    throw new NetworkError(
      "NETWORK",
      `${SERVICE} answered HTTP ${response.status} with a body that is not a log entry: ${e.message}`,
      { cause: e },
    );
  }
}
