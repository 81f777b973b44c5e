/**
 * Looks entries up in a Rekor v1 log: by their content
 * (`POST /api/v1/log/entries/retrieve` with the proposed entry, as the
 * reference client does for detached signatures) and by log index
 * (`GET /api/v1/log/entries?logIndex=N`, to complete old bundles). Answers
 * are converted into proto-JSON `TransparencyLogEntry` values but not
 * verified: the caller verifies the bundle they end up in.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findRekorV1Entry } from "./rekor_v1_lookup.ts";
 * import type { HttpClient } from "../net/mod.ts";
 *
 * const http: HttpClient = {
 *   request: () => Promise.resolve({ status: 200, headers: new Headers(), body: new TextEncoder().encode("[]") }),
 * };
 * const request = {
 *   kind: "hashedrekord",
 *   artifactDigest: new Uint8Array(32),
 *   signature: new Uint8Array([1]),
 *   certificateDer: new Uint8Array([2]),
 * } as const;
 * assert.equal(await findRekorV1Entry(http, "https://rekor.test", request), undefined);
 * ```
 *
 * @module
 */

import { JsonShapeError, readArray } from "../encoding/mod.ts";
import { NetworkError } from "../errors/mod.ts";
import type { HttpClient, HttpResponse } from "../net/mod.ts";
import { parseJsonBody, requireSuccess } from "../net/mod.ts";
import {
  encodeTlogEntryJson,
  type RekorEntryRequest,
  type TransparencyLogEntryJson,
  trimBaseUrl,
} from "./_tle_json.ts";
import { encodeRekorV1Request, readRekorV1Entry } from "./rekor_v1.ts";

const SERVICE = "Rekor";
/** Rekor answers this many entries at most for one query; more is not a log. */
const MAX_MATCHES = 16;

function toEntryJson(json: unknown, status: number): TransparencyLogEntryJson {
  try {
    return encodeTlogEntryJson(readRekorV1Entry(json));
  } catch (e) {
    if (!(e instanceof JsonShapeError)) throw e;
    throw new NetworkError(
      "NETWORK",
      `${SERVICE} answered HTTP ${status} with a body that is not a log entry: ${e.message}`,
      { cause: e },
    );
  }
}

async function send(
  http: HttpClient,
  url: string,
  init: { method: "GET" } | { method: "POST"; body: string },
): Promise<HttpResponse | undefined> {
  const response = await http.request(url, {
    ...init,
    headers: {
      Accept: "application/json",
      ...(init.method === "POST" ? { "Content-Type": "application/json" } : {}),
    },
    service: SERVICE,
  });
  if (response.status === 404) return undefined;
  requireSuccess(response, SERVICE);
  return response;
}

/**
 * Finds the entry that records exactly `request` (its signature, certificate
 * and artifact digest or envelope), or `undefined` when the log has none.
 *
 * @throws {NetworkError} When the log cannot be reached or answers something
 *   that is not a list of entries.
 */
export async function findRekorV1Entry(
  http: HttpClient,
  baseUrl: string,
  request: RekorEntryRequest,
): Promise<TransparencyLogEntryJson | undefined> {
  const url = `${trimBaseUrl(baseUrl)}/api/v1/log/entries/retrieve`;
  const body = JSON.stringify({ entries: [encodeRekorV1Request(request)] });
  const response = await send(http, url, { method: "POST", body });
  if (response === undefined) return undefined;
  const json = parseJsonBody(response, SERVICE);
  let matches: unknown[];
  try {
    matches = readArray(json, "");
  } catch (e) {
    if (!(e instanceof JsonShapeError)) throw e;
    throw new NetworkError(
      "NETWORK",
      `${SERVICE} answered a search with something that is not a list of entries`,
    );
  }
  const found = matches.filter((m) => m !== null && typeof m === "object" && Object.keys(m).length > 0);
  if (found.length === 0) return undefined;
  if (found.length > MAX_MATCHES) {
    throw new NetworkError(
      "NETWORK",
      `${SERVICE} answered a search for one entry with ${found.length} entries`,
    );
  }
  // Identical content has one leaf; several answers (shards) all record it, so the first will do.
  return toEntryJson(found[0], response.status);
}

/**
 * Fetches the entry at `logIndex` (the log's global index), or `undefined`
 * when the log has no such entry.
 *
 * @throws {NetworkError} When the log cannot be reached or answers something
 *   that is not an entry.
 */
export async function getRekorV1EntryByIndex(
  http: HttpClient,
  baseUrl: string,
  logIndex: bigint,
): Promise<TransparencyLogEntryJson | undefined> {
  const url = `${trimBaseUrl(baseUrl)}/api/v1/log/entries?logIndex=${logIndex}`;
  const response = await send(http, url, { method: "GET" });
  if (response === undefined) return undefined;
  return toEntryJson(parseJsonBody(response, SERVICE), response.status);
}
