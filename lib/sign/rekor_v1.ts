/**
 * Uploads a signature to a Rekor v1 log (`POST /api/v1/log/entries`,
 * protocol reference §4.6) as a `hashedrekord` 0.0.1 or `dsse` 0.0.1 entry,
 * follows `409 Conflict` to the existing entry, converts Rekor's REST answer
 * into the bundle's proto-JSON `TransparencyLogEntry` (§1.4) and verifies it
 * (§3.6) before returning it.
 *
 * @module
 */

import type { TransparencyLogEntry } from "../bundle/mod.ts";
import {
  decodeBase64,
  decodeHex,
  encodeBase64,
  encodeHex,
  encodePem,
  jsonPath,
  JsonShapeError,
  readArray,
  readObject,
  readString,
  readUint64,
  utf8Decode,
  utf8Encode,
} from "../encoding/mod.ts";
import { NetworkError } from "../errors/mod.ts";
import type { HttpClient, HttpResponse } from "../net/mod.ts";
import { parseJsonBody, requireSuccess } from "../net/mod.ts";
import {
  checkEntryRequest,
  type CreateRekorEntryOptions,
  encodeTlogEntryJson,
  type RekorEntryRequest,
  type TransparencyLogEntryJson,
  trimBaseUrl,
  verifyCreatedEntry,
} from "./_tle_json.ts";

export { verifyNewEntry } from "./_tle_json.ts";
export type {
  CreateRekorEntryOptions,
  InclusionProofJson,
  RekorEntryRequest,
  TransparencyLogEntryJson,
} from "./_tle_json.ts";

const SERVICE = "Rekor";
const ENTRIES_PATH = "/api/v1/log/entries";
/** Entry UUIDs: the 32-byte leaf hash in hex, optionally after a 16-hex-digit tree ID. */
const UUID = /^(?:[0-9a-f]{16})?[0-9a-f]{64}$/i;
const UUID_IN_TEXT = /\b((?:[0-9a-f]{16})?[0-9a-f]{64})\b/i;

/**
 * Builds the JSON body Rekor v1 expects for a request (§4.6): a
 * `hashedrekord` 0.0.1 over the artifact digest, or a `dsse` 0.0.1 whose
 * envelope is serialised as a JSON string. Certificates travel as base64 of
 * their PEM text.
 *
 * @param request What to log.
 * @returns The proposed entry, ready for `JSON.stringify`.
 * @throws {TypeError} When the request is malformed.
 * @throws {RangeError} When the digest is not 32 bytes or the signature is empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeRekorV1Request } from "./rekor_v1.ts";
 *
 * const body = encodeRekorV1Request({
 *   kind: "hashedrekord",
 *   artifactDigest: new Uint8Array(32),
 *   signature: new Uint8Array([1]),
 *   certificateDer: new Uint8Array([2]),
 * });
 * assert.equal(body.kind, "hashedrekord");
 * ```
 */
export function encodeRekorV1Request(request: RekorEntryRequest): Record<string, unknown> {
  checkEntryRequest(request, "encodeRekorV1Request");
  const verifier = encodeBase64(utf8Encode(encodePem("CERTIFICATE", request.certificateDer)));
  if (request.kind === "hashedrekord") {
    return {
      apiVersion: "0.0.1",
      kind: "hashedrekord",
      spec: {
        data: { hash: { algorithm: "sha256", value: encodeHex(request.artifactDigest) } },
        signature: { content: encodeBase64(request.signature), publicKey: { content: verifier } },
      },
    };
  }
  const envelope = JSON.stringify({
    payload: encodeBase64(request.envelope.payload),
    payloadType: request.envelope.payloadType,
    signatures: [{ sig: encodeBase64(request.envelope.signature) }],
  });
  return {
    apiVersion: "0.0.1",
    kind: "dsse",
    spec: { proposedContent: { envelope, verifiers: [verifier] } },
  };
}

/**
 * Logs a signature in a Rekor v1 log and returns the verified entry as
 * proto JSON for the bundle's `tlogEntries`.
 *
 * Steps: POST the entry (§4.6); on `409 Conflict` GET the existing entry by
 * the UUID in `Location` (or in Rekor's message), always from `baseUrl`;
 * convert the answer (§4.6 table); verify it with `verifyTlogEntry` against
 * `options.tlogs`: body ↔ request, SET, checkpoint and inclusion proof.
 *
 * @param http The HTTP client (retries 5xx answers and timeouts).
 * @param baseUrl The log's base URL, e.g. `https://rekor.sigstore.dev`.
 * @param request The signature, certificate and artifact digest or DSSE envelope.
 * @param options The trusted logs to verify against, and an optional timeout.
 * @returns The new (or existing identical) entry in proto-JSON form.
 * @throws {NetworkError} `NETWORK` when Rekor cannot be reached, refuses the
 *   entry (quoting its message), or answers something that is not a log entry.
 * @throws {VerificationError} With the code of the failed tlog step when the
 *   entry does not verify.
 * @throws {TypeError} When the request is malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRekorV1Entry } from "./rekor_v1.ts";
 * import type { HttpClient } from "../net/mod.ts";
 *
 * const http: HttpClient = {
 *   request: () => Promise.resolve({ status: 201, headers: new Headers(), body: new TextEncoder().encode("[]") }),
 * };
 * const request = {
 *   kind: "hashedrekord",
 *   artifactDigest: new Uint8Array(32),
 *   signature: new Uint8Array([1]),
 *   certificateDer: new Uint8Array([2]),
 * } as const;
 * await assert.rejects(
 *   createRekorV1Entry(http, "https://rekor.test", request, { tlogs: [] }),
 *   { name: "NetworkError", code: "NETWORK" },
 * );
 * ```
 */
export async function createRekorV1Entry(
  http: HttpClient,
  baseUrl: string,
  request: RekorEntryRequest,
  options: CreateRekorEntryOptions,
): Promise<TransparencyLogEntryJson> {
  const body = JSON.stringify(encodeRekorV1Request(request));
  if (options === undefined || !Array.isArray(options.tlogs)) {
    throw new TypeError("createRekorV1Entry() expects options with the trusted tlogs");
  }
  const base = trimBaseUrl(baseUrl);
  const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  let response = await http.request(`${base}${ENTRIES_PATH}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body,
    service: SERVICE,
    ...timeout,
  });
  if (response.status === 409) {
    // §4.6: an identical entry exists; fetch it from the same log.
    const uuid = conflictUuid(response);
    response = await http.request(`${base}${ENTRIES_PATH}/${uuid}`, {
      method: "GET",
      headers: { Accept: "application/json" },
      service: SERVICE,
      ...timeout,
    });
  }
  requireSuccess(response, SERVICE);
  const entry = parseRekorV1Response(response);
  await verifyCreatedEntry(entry, request, options, SERVICE);
  return encodeTlogEntryJson(entry);
}

/** The UUID of the existing entry named by a 409 answer: from `Location`, else from the message. */
function conflictUuid(response: HttpResponse): string {
  const location = response.headers.get("Location");
  if (location !== null) {
    const last = location.replace(/[?#].*$/, "").replace(/\/+$/, "").split("/").pop() ?? "";
    if (UUID.test(last)) return last.toLowerCase();
  }
  const text = utf8Decode(response.body.subarray(0, 4096)) ?? "";
  const match = text.match(UUID_IN_TEXT);
  if (match?.[1] !== undefined) return match[1].toLowerCase();
  throw new NetworkError(
    "NETWORK",
    `${SERVICE} answered HTTP 409 (entry exists) without naming the existing entry`,
  );
}

/**
 * Converts Rekor v1's answer (a map from entry UUID to entry) into the typed
 * entry, following the §4.6 conversion table.
 */
function parseRekorV1Response(response: HttpResponse): TransparencyLogEntry {
  const json = parseJsonBody(response, SERVICE);
  try {
    return readRekorV1Entry(json);
  } catch (e) {
    if (!(e instanceof JsonShapeError)) throw e;
    throw new NetworkError(
      "NETWORK",
      `${SERVICE} answered HTTP ${response.status} with a body that is not a log entry: ${e.message}`,
      { cause: e },
    );
  }
}

function readHex(v: unknown, path: string, length?: number): Uint8Array {
  const bytes = decodeHex(readString(v, path));
  if (bytes === undefined) throw new JsonShapeError(path, "is not hex");
  if (length !== undefined && bytes.length !== length) {
    throw new JsonShapeError(path, `expected ${length} bytes, found ${bytes.length}`);
  }
  return bytes;
}

function readB64(v: unknown, path: string): Uint8Array {
  const bytes = decodeBase64(readString(v, path));
  if (bytes === undefined) throw new JsonShapeError(path, "is not valid base64");
  return bytes;
}

/**
 * Reads Rekor v1's REST form of one entry (a map from its UUID to the
 * entry, with `verification.inclusionProof`) into the typed entry, per the
 * §4.6 conversion table. Throws {@linkcode JsonShapeError} naming the field.
 */
export function readRekorV1Entry(json: unknown): TransparencyLogEntry {
  const map = readObject(json, "");
  const keys = Object.keys(map);
  if (keys.length !== 1) {
    throw new JsonShapeError("", `expected one entry keyed by its UUID, found ${keys.length} keys`);
  }
  const e = readObject(map[keys[0]!], "entry");
  const canonicalizedBody = readB64(e.body, "entry.body");
  let kind: string;
  let version: string;
  try {
    const parsed = readObject(JSON.parse(utf8Decode(canonicalizedBody) ?? ""), "entry.body");
    kind = readString(parsed.kind, "entry.body.kind");
    version = readString(parsed.apiVersion, "entry.body.apiVersion");
  } catch (err) {
    if (err instanceof JsonShapeError) throw err;
    throw new JsonShapeError("entry.body", "is not base64 of a JSON entry");
  }
  const verification = readObject(e.verification, "entry.verification");
  const vPath = "entry.verification";
  const pPath = jsonPath(vPath, "inclusionProof");
  const proof = readObject(verification.inclusionProof, pPath);
  const hashesPath = jsonPath(pPath, "hashes");
  return {
    logIndex: readUint64(e.logIndex, "entry.logIndex"),
    logId: readHex(e.logID, "entry.logID", 32),
    kind,
    kindVersion: version,
    integratedTime: readUint64(e.integratedTime, "entry.integratedTime"),
    signedEntryTimestamp: readB64(verification.signedEntryTimestamp, jsonPath(vPath, "signedEntryTimestamp")),
    inclusionProof: {
      logIndex: readUint64(proof.logIndex, jsonPath(pPath, "logIndex")),
      rootHash: readHex(proof.rootHash, jsonPath(pPath, "rootHash"), 32),
      treeSize: readUint64(proof.treeSize, jsonPath(pPath, "treeSize")),
      hashes: readArray(proof.hashes, hashesPath, true).map((h, i) =>
        readHex(h, jsonPath(hashesPath, i), 32)
      ),
      checkpoint: readString(proof.checkpoint, jsonPath(pPath, "checkpoint")),
    },
    canonicalizedBody,
  };
}
