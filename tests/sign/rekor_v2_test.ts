import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseBundle, preAuthEncoding } from "../../lib/bundle/mod.ts";
import { digest } from "../../lib/crypto/mod.ts";
import { encodeBase64 } from "../../lib/encoding/mod.ts";
import { type ErrorCode, NetworkError, VerificationError } from "../../lib/errors/mod.ts";
import type { HttpClient, HttpRequest, HttpResponse } from "../../lib/net/mod.ts";
import type { RekorEntryRequest } from "../../lib/sign/rekor_v1.ts";
import { createRekorV2Entry, encodeRekorV2Request } from "../../lib/sign/rekor_v2.ts";
import { parseTimestampResponse } from "../../lib/timestamp/mod.ts";
import { verifyTlogEntry } from "../../lib/tlog/mod.ts";
import { conformanceUnavailable } from "../_support/paths.ts";
import {
  b64,
  BUNDLE_VERIFY,
  type FakeServer,
  json,
  leafCertificate,
  loadConformanceCase,
  requestJson,
  startFakeServer,
  testHttpClient,
} from "./_fake_services.ts";

type Json = Record<string, unknown>;

const FAKE_CERT = Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x07]);

function caseRequest(name: string): {
  request: RekorEntryRequest;
  tle: Json;
  tlogs: ReturnType<typeof loadConformanceCase>["trustedRoot"]["tlogs"];
  bundle: Json;
  times: Date[];
} {
  const c = loadConformanceCase(name);
  const certificateDer = leafCertificate(c.bundle);
  let request: RekorEntryRequest;
  if (c.bundle.messageSignature !== undefined) {
    request = {
      kind: "hashedrekord",
      artifactDigest: digest("sha256", c.artifact),
      signature: b64((c.bundle.messageSignature as Json).signature),
      certificateDer,
    };
  } else {
    const env = c.bundle.dsseEnvelope as Json;
    request = {
      kind: "dsse",
      envelope: {
        payload: b64(env.payload),
        payloadType: env.payloadType as string,
        signature: b64((env.signatures as Json[])[0]!.sig),
      },
      certificateDer,
    };
  }
  const tvd = (c.bundle.verificationMaterial as Json).timestampVerificationData as Json | undefined;
  const times = ((tvd?.rfc3161Timestamps ?? []) as Json[]).map((t) =>
    parseTimestampResponse(b64(t.signedTimestamp)).tstInfo.genTime
  );
  return { request, tle: c.tle, tlogs: c.trustedRoot.tlogs, bundle: c.bundle, times };
}

function loggedSpec(tle: Json): Json {
  const body = JSON.parse(new TextDecoder().decode(b64(tle.canonicalizedBody))) as Json;
  return (body.spec as Json).hashedRekordV002 as Json;
}

async function withServer<T>(
  handler: Parameters<typeof startFakeServer>[0],
  run: (server: FakeServer) => Promise<T>,
): Promise<T> {
  const server = await startFakeServer(handler);
  try {
    return await run(server);
  } finally {
    await server.close();
  }
}

function assertNetworkError(e: unknown, message: RegExp): true {
  assert.ok(e instanceof NetworkError, `expected a NetworkError, got ${String(e)}`);
  assert.equal(e.code, "NETWORK");
  assert.match(e.message, message);
  assert.doesNotMatch(e.message, /\n/);
  return true;
}

function assertVerificationError(e: unknown, code: ErrorCode): true {
  assert.ok(e instanceof VerificationError, `expected a VerificationError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  return true;
}

describe("encodeRekorV2Request()", () => {
  it("encodes a hashedRekordRequestV002 for a message signature", () => {
    const body = encodeRekorV2Request({
      kind: "hashedrekord",
      artifactDigest: new Uint8Array(32).fill(1),
      signature: Uint8Array.from([1, 2, 3]),
      certificateDer: FAKE_CERT,
    });
    assert.deepEqual(body, {
      hashedRekordRequestV002: {
        digest: encodeBase64(new Uint8Array(32).fill(1)),
        signature: {
          content: "AQID",
          verifier: { x509Certificate: { rawBytes: "MAMCAQc=" }, keyDetails: "PKIX_ECDSA_P256_SHA_256" },
        },
      },
    });
  });

  it("logs a DSSE envelope as hashedrekord over SHA-256 of its PAE", () => {
    const payload = new TextEncoder().encode('{"_type":"x"}');
    const body = encodeRekorV2Request({
      kind: "dsse",
      envelope: { payload, payloadType: "application/vnd.in-toto+json", signature: Uint8Array.of(5) },
      certificateDer: FAKE_CERT,
    }) as { hashedRekordRequestV002: { digest: string; signature: { content: string } } };
    const pae = preAuthEncoding("application/vnd.in-toto+json", payload);
    assert.equal(body.hashedRekordRequestV002.digest, encodeBase64(digest("sha256", pae)));
    assert.equal(body.hashedRekordRequestV002.signature.content, "BQ==");
  });
});

if (BUNDLE_VERIFY === undefined) {
  conformanceUnavailable("Rekor v2 round trips");
} else {
  describe("encodeRekorV2Request() against real Rekor v2 bodies", () => {
    for (const name of ["rekor2-happy-path", "rekor2-dsse-happy-path"]) {
      it(`sends the digest, signature and verifier logged in ${name}`, () => {
        const { request, tle } = caseRequest(name);
        const sent =
          (encodeRekorV2Request(request) as { hashedRekordRequestV002: Json }).hashedRekordRequestV002;
        const logged = loggedSpec(tle);
        assert.equal(sent.digest, (logged.data as Json).digest);
        assert.deepEqual(sent.signature, logged.signature);
      });
    }
  });

  describe("createRekorV2Entry() with a fake Rekor v2 serving real entries", () => {
    for (const name of ["rekor2-happy-path", "rekor2-dsse-happy-path"]) {
      it(`returns and verifies the entry of ${name}, dropping nulls`, async () => {
        const { request, tle, tlogs, bundle, times } = caseRequest(name);
        // The gateway may spell absent fields as null or defaults explicitly.
        const answer = { ...tle, integratedTime: "0", inclusionPromise: null, extra: null };
        await withServer(() => json(201, answer), async (server) => {
          const entry = await createRekorV2Entry(testHttpClient(), server.url, request, {
            tlogs,
            verifiedTimes: times,
          });
          assert.deepEqual(entry, tle);
          const sent = server.requests[0]!;
          assert.equal(sent.method, "POST");
          assert.equal(sent.path, "/api/v2/log/entries");
          assert.equal(sent.headers["content-type"], "application/json");
          assert.deepEqual(requestJson(sent), encodeRekorV2Request(request));

          const copy = structuredClone(bundle);
          (copy.verificationMaterial as Json).tlogEntries = [entry];
          const parsed = parseBundle(copy);
          const result = await verifyTlogEntry(parsed.tlogEntries[0]!, {
            tlogs,
            content: parsed.content,
            signer: request.certificateDer,
            artifactDigests: request.kind === "hashedrekord" ? { sha256: request.artifactDigest } : undefined,
            verifiedTimes: times,
          });
          assert.equal(result.rekorVersion, 2);
          assert.ok(result.logKeyValidAt !== undefined);
        });
      });
    }

    it("rejects an entry whose inclusion proof was tampered with", async () => {
      const { request, tle, tlogs } = caseRequest("rekor2-happy-path");
      const proof = structuredClone(tle.inclusionProof) as Json;
      const hashes = proof.hashes as string[];
      const h = b64(hashes[0]);
      h[0]! ^= 1;
      hashes[0] = encodeBase64(h);
      await withServer(() => json(201, { ...tle, inclusionProof: proof }), async (server) => {
        await assert.rejects(
          createRekorV2Entry(testHttpClient(), server.url, request, { tlogs }),
          (e) => assertVerificationError(e, "TLOG_INCLUSION_PROOF"),
        );
      });
    });

    it("rejects an entry for another signature", async () => {
      const { request, tle, tlogs } = caseRequest("rekor2-happy-path");
      const other = { ...request, signature: Uint8Array.of(0x30, 0x00) } as RekorEntryRequest;
      await withServer(() => json(201, tle), async (server) => {
        await assert.rejects(
          createRekorV2Entry(testHttpClient(), server.url, other, { tlogs }),
          (e) => assertVerificationError(e, "TLOG_BODY_MISMATCH"),
        );
      });
    });

    it("rejects an entry without an inclusion proof as not a log entry", async () => {
      const { request, tle, tlogs } = caseRequest("rekor2-happy-path");
      await withServer(() => json(201, { ...tle, inclusionProof: null }), async (server) => {
        await assert.rejects(
          createRekorV2Entry(testHttpClient(), server.url, request, { tlogs }),
          (e) =>
            assertNetworkError(
              e,
              /^Rekor v2 answered HTTP 201 with a body that is not a log entry: inclusionProof/,
            ),
        );
      });
    });
  });
}

describe("createRekorV2Entry() failures", () => {
  const request: RekorEntryRequest = {
    kind: "hashedrekord",
    artifactDigest: new Uint8Array(32).fill(7),
    signature: Uint8Array.from([0x30, 0x44, 0x02, 0x20, 0xde, 0xad, 0xbe, 0xef]),
    certificateDer: FAKE_CERT,
  };

  it("waits at least 20 s for the log by default", async () => {
    const seen: HttpRequest[] = [];
    const http: HttpClient = {
      request(_url: string, req: HttpRequest): Promise<HttpResponse> {
        seen.push(req);
        return Promise.resolve({ status: 201, headers: new Headers(), body: new TextEncoder().encode("{}") });
      },
    };
    await assert.rejects(createRekorV2Entry(http, "https://log.test/", request, { tlogs: [] }), NetworkError);
    assert.ok((seen[0]?.timeoutMs ?? 0) >= 20_000);
    assert.equal(seen[0]?.service, "Rekor v2");
  });

  it("reports a 4xx as one line quoting the log's message", async () => {
    const secret = encodeBase64(request.kind === "hashedrekord" ? request.signature : new Uint8Array());
    await withServer(
      () => json(400, { code: 3, message: "invalid argument:\nverifying signature: invalid signature" }),
      async (server) => {
        await assert.rejects(
          createRekorV2Entry(testHttpClient(), server.url, request, { tlogs: [] }),
          (e) => {
            assertNetworkError(
              e,
              /^Rekor v2 refused the request: HTTP 400: invalid argument: verifying signature/,
            );
            assert.ok(!(e as Error).message.includes(secret));
            return true;
          },
        );
      },
    );
  });

  it("retries a 5xx and then fails", async () => {
    await withServer(() => json(500, { message: "boom" }), async (server) => {
      await assert.rejects(
        createRekorV2Entry(testHttpClient({ retries: 1 }), server.url, request, { tlogs: [] }),
        (e) => assertNetworkError(e, /^Rekor v2 .*HTTP 500/),
      );
      assert.equal(server.requests.length, 2);
    });
  });

  it("gives up on a log that never answers", async () => {
    await withServer(() => "hang", async (server) => {
      await assert.rejects(
        createRekorV2Entry(testHttpClient(), server.url, request, { tlogs: [], timeoutMs: 150 }),
        (e) => assertNetworkError(e, /no answer within 0\.15 s/),
      );
    });
  });

  it("rejects garbage JSON and the wrong shape", async () => {
    await withServer(() => ({ status: 201, body: "{" }), async (server) => {
      await assert.rejects(
        createRekorV2Entry(testHttpClient(), server.url, request, { tlogs: [] }),
        (e) => assertNetworkError(e, /^Rekor v2 answered HTTP 201 with a body that is not JSON$/),
      );
    });
    await withServer(() => json(201, { logIndex: "x" }), async (server) => {
      await assert.rejects(
        createRekorV2Entry(testHttpClient(), server.url, request, { tlogs: [] }),
        (e) =>
          assertNetworkError(
            e,
            /^Rekor v2 answered HTTP 201 with a body that is not a log entry: kindVersion/,
          ),
      );
    });
  });
});
