/**
 * Small fake Sigstore services for the sign tests: an HTTP server on
 * 127.0.0.1 that records every request and answers from a handler (or never
 * answers), converters from real bundle entries back to the Rekor v1 REST
 * shape, and an RFC 3161 response builder that echoes the request's nonce.
 *
 * @module
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { digest } from "../../lib/crypto/mod.ts";
import { decodeOid, derSequence, encodeDer, parseDer, TAG } from "../../lib/der/mod.ts";
import { concatBytes, decodeBase64, encodeHex, utf8Encode } from "../../lib/encoding/mod.ts";
import { createHttpClient, type HttpClient } from "../../lib/net/mod.ts";
import { parseTrustedRootJson, type TrustedRoot } from "../../lib/trust/mod.ts";
import type { FakeTsa } from "../timestamp/_fake_tsa.ts";
import { integer, oid } from "../timestamp/_fake_tsa.ts";
import { CONFORMANCE_DIR } from "../_support/paths.ts";

/** One request the fake server received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array;
}

/** What the handler answers; `"hang"` never answers. */
export type FakeReply =
  | {
    readonly status: number;
    readonly headers?: Record<string, string>;
    readonly body?: string | Uint8Array;
  }
  | "hang";

/** A running fake service. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Stops the server and ends any request left hanging. */
  close(): Promise<void>;
}

/** Starts a fake HTTP service on 127.0.0.1 with a random port. */
export async function startFakeServer(
  handler: (request: RecordedRequest, index: number) => FakeReply | Promise<FakeReply>,
): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Uint8Array[] = [];
    req.on("data", (c: Uint8Array) => chunks.push(new Uint8Array(c)));
    req.on("end", async () => {
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: concatBytes(...chunks),
      };
      requests.push(recorded);
      const reply = await handler(recorded, requests.length - 1);
      if (reply === "hang") {
        hanging.push(res);
        return;
      }
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const res of hanging) {
        try {
          res.destroy();
        } catch {
          // already gone
        }
      }
      // Also ends idle keep-alive connections, which close() alone may wait for forever.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** An HTTP client for tests: short backoff, few retries, short timeout. */
export function testHttpClient(options: { retries?: number; timeoutMs?: number } = {}): HttpClient {
  return createHttpClient({
    retries: options.retries ?? 0,
    backoffMs: 1,
    timeoutMs: options.timeoutMs ?? 5000,
  });
}

/** A JSON reply. */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): FakeReply {
  return {
    status,
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(value),
  };
}

/** Parses a recorded request's body as JSON. */
export function requestJson(request: RecordedRequest | undefined): unknown {
  if (request === undefined) throw new Error("no request recorded");
  return JSON.parse(new TextDecoder().decode(request.body));
}

// ---- conformance data ----------------------------------------------------

/** `assets/bundle-verify` of the conformance suite, or `undefined` when absent. */
export const BUNDLE_VERIFY: string | undefined = CONFORMANCE_DIR === undefined
  ? undefined
  : join(CONFORMANCE_DIR, "assets", "bundle-verify");

type Json = Record<string, unknown>;

/** A conformance case's bundle JSON, trusted root and artifact. */
export interface ConformanceCase {
  readonly bundle: Json;
  readonly tle: Json;
  readonly trustedRoot: TrustedRoot;
  readonly artifact: Uint8Array;
}

/** Reads a conformance case (its own trusted root, else production). */
export function loadConformanceCase(name: string): ConformanceCase {
  if (CONFORMANCE_DIR === undefined || BUNDLE_VERIFY === undefined) throw new Error("no conformance assets");
  const dir = join(BUNDLE_VERIFY, name);
  const bundle = JSON.parse(readFileSync(join(dir, "bundle.sigstore.json"), "utf8")) as Json;
  const ownRoot = join(dir, "trusted_root.json");
  const rootPath = existsSync(ownRoot) ? ownRoot : join(CONFORMANCE_DIR, "production", "trusted_root.json");
  const artifactPath = existsSync(join(dir, "artifact"))
    ? join(dir, "artifact")
    : join(BUNDLE_VERIFY, "a.txt");
  const vm = bundle.verificationMaterial as Json;
  return {
    bundle,
    tle: (vm.tlogEntries as Json[])[0]!,
    trustedRoot: parseTrustedRootJson(readFileSync(rootPath, "utf8")),
    artifact: new Uint8Array(readFileSync(artifactPath)),
  };
}

/** Standard base64 → bytes, throwing on bad input. */
export function b64(text: unknown): Uint8Array {
  const out = typeof text === "string" ? decodeBase64(text) : undefined;
  if (out === undefined) throw new Error(`fixture: bad base64 ${JSON.stringify(text)}`);
  return out;
}

/** The leaf certificate DER of a bundle (v0.3 `certificate` or the chain's first). */
export function leafCertificate(bundle: Json): Uint8Array {
  const vm = bundle.verificationMaterial as Json;
  if (vm.certificate !== undefined) return b64((vm.certificate as Json).rawBytes);
  return b64(((vm.x509CertificateChain as Json).certificates as Json[])[0]!.rawBytes);
}

/**
 * Turns a bundle's Rekor v1 `TransparencyLogEntry` back into the REST
 * answer Rekor gave (§4.6): `{uuid: {body, integratedTime, logID, logIndex,
 * verification}}`, with the UUID as tree ID ‖ leaf hash in hex.
 */
export function rekorV1RestEntry(tle: Json): { uuid: string; answer: Json } {
  const proof = tle.inclusionProof as Json;
  const checkpoint = (proof.checkpoint as Json).envelope as string;
  const treeId = BigInt(checkpoint.split("\n")[0]!.split(" - ")[1] ?? "0");
  const body = b64(tle.canonicalizedBody);
  const uuid = treeId.toString(16).padStart(16, "0") +
    encodeHex(digest("sha256", Uint8Array.of(0), body));
  const entry = {
    body: tle.canonicalizedBody,
    integratedTime: Number(tle.integratedTime),
    logID: encodeHex(b64((tle.logId as Json).keyId)),
    logIndex: Number(tle.logIndex),
    verification: {
      inclusionProof: {
        checkpoint,
        hashes: (proof.hashes as string[]).map((h) => encodeHex(b64(h))),
        logIndex: Number(proof.logIndex),
        rootHash: encodeHex(b64(proof.rootHash)),
        treeSize: Number(proof.treeSize),
      },
      signedEntryTimestamp: (tle.inclusionPromise as Json).signedEntryTimestamp,
    },
  };
  return { uuid, answer: { [uuid]: entry } };
}

// ---- fake TSA responses ----------------------------------------------------

const seq = (...parts: Uint8Array[]): Uint8Array => encodeDer(TAG.SEQUENCE, concatBytes(...parts));
const set = (...parts: Uint8Array[]): Uint8Array => encodeDer(TAG.SET, concatBytes(...parts));
const octets = (b: Uint8Array): Uint8Array => encodeDer(TAG.OCTET_STRING, b);
const ctx0 = (...parts: Uint8Array[]): Uint8Array => encodeDer(0xa0, concatBytes(...parts));
const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));
const SHA256 = seq(oid("2.16.840.1.101.3.4.2.1"));

/** The fields of a DER `TimeStampReq` the fake TSA needs. */
export interface ParsedTimeStampReq {
  readonly version: bigint;
  readonly hashOid: string;
  readonly hashParams: "absent" | "null";
  readonly hashedMessage: Uint8Array;
  readonly nonce: bigint | undefined;
  readonly certReq: boolean;
}

/** Parses a `TimeStampReq` strictly enough for the tests (lib/der only). */
export function parseTimeStampReq(der: Uint8Array): ParsedTimeStampReq {
  const fields = derSequence(parseDer(der), "TimeStampReq");
  const [versionNode, imprintNode, ...rest] = fields;
  const [alg, hashed] = derSequence(imprintNode, "messageImprint");
  const [oidNode, params] = derSequence(alg, "hashAlgorithm");
  let nonce: bigint | undefined;
  let certReq = false;
  for (const node of rest) {
    if (node.tag === TAG.INTEGER) nonce = bigintOf(node.value);
    else if (node.tag === TAG.BOOLEAN) certReq = node.value[0] === 0xff;
    else throw new Error(`unexpected TimeStampReq field 0x${node.tag.toString(16)}`);
  }
  return {
    version: bigintOf(versionNode!.value),
    hashOid: decodeOid(oidNode!),
    hashParams: params === undefined ? "absent" : params.tag === TAG.NULL ? "null" : "absent",
    hashedMessage: hashed!.value,
    nonce,
    certReq,
  };
}

function bigintOf(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function generalizedTime(d: Date): Uint8Array {
  const text = d.toISOString().replace(/[-:T]/g, "").replace(/\.\d+Z$/, "Z");
  return encodeDer(TAG.GENERALIZED_TIME, utf8Encode(text));
}

async function signDer(key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  const raw = new Uint8Array(
    await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, data as BufferSource),
  );
  const int = (b: Uint8Array): Uint8Array => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    return encodeDer(TAG.INTEGER, v[0]! & 0x80 ? concatBytes(Uint8Array.of(0), v) : v);
  };
  return seq(int(raw.subarray(0, 32)), int(raw.subarray(32)));
}

/** What the fake TSA puts in its answer. */
export interface TimestampAnswer {
  readonly tsa: FakeTsa;
  readonly hashedMessage: Uint8Array;
  readonly nonce: bigint | undefined;
  readonly genTime: Date;
}

/** Builds a granted DER `TimeStampResp` signed by the fake TSA's leaf (embedded). */
export async function makeTimestampResponse(answer: TimestampAnswer): Promise<Uint8Array> {
  const tstInfo = seq(
    integer(1),
    oid("1.3.6.1.4.1.57264.2"),
    seq(seq(oid("2.16.840.1.101.3.4.2.1"), Uint8Array.of(0x05, 0x00)), octets(answer.hashedMessage)),
    integer(0x5150),
    generalizedTime(answer.genTime),
    ...(answer.nonce === undefined ? [] : [integer(answer.nonce)]),
  );
  const attrs = concatBytes(
    seq(oid("1.2.840.113549.1.9.3"), set(oid("1.2.840.113549.1.9.16.1.4"))),
    seq(oid("1.2.840.113549.1.9.4"), set(octets(digest("sha256", tstInfo)))),
  );
  const signature = await signDer(answer.tsa.leafKey.privateKey, encodeDer(TAG.SET, attrs));
  const leaf = answer.tsa.leaf;
  const signerInfo = seq(
    integer(1),
    seq(leaf.issuer, encodeDer(TAG.INTEGER, leaf.serialNumber)),
    SHA256,
    ctx0(attrs),
    ECDSA_SHA256,
    octets(signature),
  );
  const signedData = seq(
    integer(3),
    set(SHA256),
    seq(oid("1.2.840.113549.1.9.16.1.4"), ctx0(octets(tstInfo))),
    ctx0(leaf.raw),
    set(signerInfo),
  );
  return seq(seq(integer(0)), seq(oid("1.2.840.113549.1.7.2"), ctx0(signedData)));
}

/** A `TimeStampResp` with a non-granted status and a status string. */
export function makeRejectedResponse(status: number, text: string): Uint8Array {
  return seq(seq(integer(status), seq(encodeDer(TAG.UTF8_STRING, utf8Encode(text)))));
}
