import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseBundle } from "../../lib/bundle/mod.ts";
import { digest } from "../../lib/crypto/mod.ts";
import { decodeBase64, decodePem, encodeBase64, encodeHex, encodePem } from "../../lib/encoding/mod.ts";
import { type ErrorCode, NetworkError, VerificationError } from "../../lib/errors/mod.ts";
import type { HttpClient, HttpRequest } from "../../lib/net/mod.ts";
import {
  createRekorV1Entry,
  encodeRekorV1Request,
  type RekorEntryRequest,
  verifyNewEntry,
} from "../../lib/sign/rekor_v1.ts";
import { verifyTlogEntry } from "../../lib/tlog/mod.ts";
import { conformanceUnavailable } from "../_support/paths.ts";
import {
  b64,
  BUNDLE_VERIFY,
  type FakeServer,
  json,
  leafCertificate,
  loadConformanceCase,
  rekorV1RestEntry,
  requestJson,
  startFakeServer,
  testHttpClient,
} from "./_fake_services.ts";

type Json = Record<string, unknown>;

/** A tiny stand-in certificate: the Rekor request encoder does not parse it. */
const FAKE_CERT = Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x07]);

function hashedRekordRequest(name: string): { request: RekorEntryRequest; tle: Json; tlogs: unknown } {
  const c = loadConformanceCase(name);
  const ms = c.bundle.messageSignature as Json;
  return {
    request: {
      kind: "hashedrekord",
      artifactDigest: digest("sha256", c.artifact),
      signature: b64(ms.signature),
      certificateDer: leafCertificate(c.bundle),
    },
    tle: c.tle,
    tlogs: c.trustedRoot.tlogs,
  };
}

function dsseRequest(name: string): { request: RekorEntryRequest; tle: Json; tlogs: unknown } {
  const c = loadConformanceCase(name);
  const env = c.bundle.dsseEnvelope as Json;
  return {
    request: {
      kind: "dsse",
      envelope: {
        payload: b64(env.payload),
        payloadType: env.payloadType as string,
        signature: b64((env.signatures as Json[])[0]!.sig),
      },
      certificateDer: leafCertificate(c.bundle),
    },
    tle: c.tle,
    tlogs: c.trustedRoot.tlogs,
  };
}

function decodedBody(tle: Json): unknown {
  return JSON.parse(new TextDecoder().decode(b64(tle.canonicalizedBody)));
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
  assert.doesNotMatch(e.message, /\n/);
  return true;
}

describe("encodeRekorV1Request()", () => {
  it("encodes a hashedrekord 0.0.1 with base64 of the leaf PEM", () => {
    const request: RekorEntryRequest = {
      kind: "hashedrekord",
      artifactDigest: new Uint8Array(32).fill(0xab),
      signature: Uint8Array.from([1, 2, 3]),
      certificateDer: FAKE_CERT,
    };
    const pem = "-----BEGIN CERTIFICATE-----\nMAMCAQc=\n-----END CERTIFICATE-----\n";
    assert.deepEqual(encodeRekorV1Request(request), {
      apiVersion: "0.0.1",
      kind: "hashedrekord",
      spec: {
        data: { hash: { algorithm: "sha256", value: "ab".repeat(32) } },
        signature: { content: "AQID", publicKey: { content: btoa(pem) } },
      },
    });
  });

  it("encodes a dsse 0.0.1 with the envelope as a JSON string", () => {
    const request: RekorEntryRequest = {
      kind: "dsse",
      envelope: {
        payload: new TextEncoder().encode("{}"),
        payloadType: "application/vnd.in-toto+json",
        signature: Uint8Array.from([9, 9]),
      },
      certificateDer: FAKE_CERT,
    };
    const body = encodeRekorV1Request(request);
    assert.deepEqual(body, {
      apiVersion: "0.0.1",
      kind: "dsse",
      spec: {
        proposedContent: {
          envelope:
            '{"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"CQk="}]}',
          verifiers: [btoa(encodePem("CERTIFICATE", FAKE_CERT))],
        },
      },
    });
  });

  it("rejects a digest that is not 32 bytes and a request of unknown kind", () => {
    assert.throws(
      () =>
        encodeRekorV1Request({
          kind: "hashedrekord",
          artifactDigest: new Uint8Array(20),
          signature: Uint8Array.of(1),
          certificateDer: FAKE_CERT,
        }),
      RangeError,
    );
    assert.throws(() => encodeRekorV1Request({ kind: "intoto" } as unknown as RekorEntryRequest), TypeError);
  });
});

if (BUNDLE_VERIFY === undefined) {
  conformanceUnavailable("Rekor v1 round trips");
} else {
  describe("encodeRekorV1Request() against real Rekor bodies", () => {
    it("sends exactly the body production Rekor logged for happy-path-v0.2", () => {
      const { request, tle } = hashedRekordRequest("happy-path-v0.2");
      assert.deepEqual(encodeRekorV1Request(request), decodedBody(tle));
    });

    it("sends a dsse entry whose hashes and verifier match happy-path-intoto-in-dsse-v3", () => {
      const { request, tle } = dsseRequest("happy-path-intoto-in-dsse-v3");
      assert.equal(request.kind, "dsse");
      const sent = encodeRekorV1Request(request) as {
        spec: { proposedContent: { envelope: string; verifiers: string[] } };
      };
      const logged = decodedBody(tle) as {
        spec: { payloadHash: { value: string }; signatures: { signature: string; verifier: string }[] };
      };
      const envelope = JSON.parse(sent.spec.proposedContent.envelope);
      assert.deepEqual(Object.keys(envelope), ["payload", "payloadType", "signatures"]);
      assert.equal(
        encodeHex(digest("sha256", decodeBase64(envelope.payload)!)),
        logged.spec.payloadHash.value,
      );
      assert.equal(envelope.signatures[0].sig, logged.spec.signatures[0]!.signature);
      assert.deepEqual(sent.spec.proposedContent.verifiers, [logged.spec.signatures[0]!.verifier]);
    });
  });

  describe("createRekorV1Entry() with a fake Rekor serving real entries", () => {
    it("posts the entry, reproduces the bundle's TransparencyLogEntry and verifies it", async () => {
      const { request, tle, tlogs } = hashedRekordRequest("happy-path-v0.2");
      const { answer, uuid } = rekorV1RestEntry(tle);
      await withServer(
        () => json(201, answer, { Location: `/api/v1/log/entries/${uuid}`, ETag: uuid }),
        async (server) => {
          const entry = await createRekorV1Entry(testHttpClient(), `${server.url}/`, request, {
            tlogs: tlogs as never,
          });
          assert.deepEqual(entry, tle);
          assert.equal(server.requests.length, 1);
          const sent = server.requests[0]!;
          assert.equal(sent.method, "POST");
          assert.equal(sent.path, "/api/v1/log/entries");
          assert.equal(sent.headers["content-type"], "application/json");
          assert.deepEqual(requestJson(sent), decodedBody(tle));

          // The caller's own check: embed in a bundle, parse, verify.
          const bundle = structuredClone(loadConformanceCase("happy-path-v0.2").bundle);
          (bundle.verificationMaterial as Json).tlogEntries = [entry];
          const parsed = parseBundle(bundle);
          const result = await verifyTlogEntry(parsed.tlogEntries[0]!, {
            tlogs: tlogs as never,
            content: parsed.content,
            signer: request.certificateDer,
            artifactDigests: { sha256: (request as { artifactDigest: Uint8Array }).artifactDigest },
          });
          assert.equal(result.integratedTime?.getTime(), Number(tle.integratedTime) * 1000);
          const again = await verifyNewEntry(entry, {
            tlogs: tlogs as never,
            content: parsed.content,
            signer: request.certificateDer,
            artifactDigests: { sha256: (request as { artifactDigest: Uint8Array }).artifactDigest },
          });
          assert.equal(again.kind, "hashedrekord");
        },
      );
    });

    it("logs a DSSE envelope and verifies the dsse 0.0.1 entry", async () => {
      const { request, tle, tlogs } = dsseRequest("happy-path-intoto-in-dsse-v3");
      const { answer } = rekorV1RestEntry(tle);
      await withServer(() => json(201, answer), async (server) => {
        const entry = await createRekorV1Entry(testHttpClient(), server.url, request, {
          tlogs: tlogs as never,
        });
        assert.deepEqual(entry, tle);
        assert.deepEqual((requestJson(server.requests[0]) as Json).kind, "dsse");
      });
    });

    it("follows 409 Conflict to the existing entry named by Location", async () => {
      const { request, tle, tlogs } = hashedRekordRequest("happy-path-v0.2");
      const { answer, uuid } = rekorV1RestEntry(tle);
      await withServer(
        (req) =>
          req.method === "POST"
            ? json(
              409,
              { code: 409, message: "an equivalent entry already exists in the transparency log" },
              {
                Location: `/api/v1/log/entries/${uuid}`,
              },
            )
            : req.path === `/api/v1/log/entries/${uuid}`
            ? json(200, answer)
            : json(404, { code: 404, message: "not found" }),
        async (server) => {
          const entry = await createRekorV1Entry(testHttpClient(), server.url, request, {
            tlogs: tlogs as never,
          });
          assert.deepEqual(entry, tle);
          assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), [
            "POST /api/v1/log/entries",
            `GET /api/v1/log/entries/${uuid}`,
          ]);
        },
      );
    });

    it("follows 409 Conflict to the UUID in Rekor's message, never to another host", async () => {
      const { request, tle, tlogs } = hashedRekordRequest("happy-path-v0.2");
      const { answer, uuid } = rekorV1RestEntry(tle);
      await withServer(
        (req) =>
          req.method === "POST"
            ? json(409, {
              code: 409,
              message: `an equivalent entry already exists in the transparency log with UUID ${uuid}`,
            }, { Location: "https://evil.example/somewhere" })
            : json(200, answer),
        async (server) => {
          const entry = await createRekorV1Entry(testHttpClient(), server.url, request, {
            tlogs: tlogs as never,
          });
          assert.deepEqual(entry, tle);
          assert.equal(server.requests[1]?.path, `/api/v1/log/entries/${uuid}`);
        },
      );
    });

    it("rejects an entry that does not describe the request (other artifact)", async () => {
      const { request, tle, tlogs } = hashedRekordRequest("happy-path-v0.2");
      const other = { ...request, artifactDigest: new Uint8Array(32) } as RekorEntryRequest;
      await withServer(() => json(201, rekorV1RestEntry(tle).answer), async (server) => {
        await assert.rejects(
          createRekorV1Entry(testHttpClient(), server.url, other, { tlogs: tlogs as never }),
          (e) => assertVerificationError(e, "TLOG_BODY_MISMATCH"),
        );
      });
    });

    it("rejects an entry with a tampered signed entry timestamp", async () => {
      const { request, tle, tlogs } = hashedRekordRequest("happy-path-v0.2");
      const { answer, uuid } = rekorV1RestEntry(tle);
      const v = (answer[uuid] as Json).verification as Json;
      const set = b64(v.signedEntryTimestamp);
      set[set.length - 1]! ^= 1;
      v.signedEntryTimestamp = encodeBase64(set);
      await withServer(() => json(201, answer), async (server) => {
        await assert.rejects(
          createRekorV1Entry(testHttpClient(), server.url, request, { tlogs: tlogs as never }),
          (e) => assertVerificationError(e, "TLOG_SET"),
        );
      });
    });

    it("rejects an entry from a log the trust root does not know", async () => {
      const { request, tle } = hashedRekordRequest("happy-path-v0.2");
      const staging = loadConformanceCase("rekor2-happy-path").trustedRoot.tlogs;
      await withServer(() => json(201, rekorV1RestEntry(tle).answer), async (server) => {
        await assert.rejects(
          createRekorV1Entry(testHttpClient(), server.url, request, { tlogs: staging }),
          (e) => assertVerificationError(e, "TLOG_UNKNOWN_LOG"),
        );
      });
    });
  });
}

describe("createRekorV1Entry() failures", () => {
  const request: RekorEntryRequest = {
    kind: "hashedrekord",
    artifactDigest: new Uint8Array(32).fill(7),
    signature: Uint8Array.from([0x30, 0x44, 0x02, 0x20, 0xde, 0xad, 0xbe, 0xef]),
    certificateDer: FAKE_CERT,
  };
  const secret = encodeBase64(request.kind === "hashedrekord" ? request.signature : new Uint8Array());

  it("reports a 4xx as one line quoting Rekor's message, without the request body", async () => {
    await withServer(
      () => json(400, { code: 400, message: "error processing entry:\n  signature could not be verified" }),
      async (server) => {
        await assert.rejects(
          createRekorV1Entry(testHttpClient(), server.url, request, { tlogs: [] }),
          (e) => {
            assertNetworkError(e, /^Rekor refused the request: HTTP 400: error processing entry: signature/);
            assert.ok(!(e as Error).message.includes(secret));
            return true;
          },
        );
      },
    );
  });

  it("retries a 5xx and then fails", async () => {
    await withServer(() => json(503, { message: "overloaded" }), async (server) => {
      await assert.rejects(
        createRekorV1Entry(testHttpClient({ retries: 2 }), server.url, request, { tlogs: [] }),
        (e) => assertNetworkError(e, /^Rekor .*HTTP 503/),
      );
      assert.equal(server.requests.length, 3);
    });
  });

  it("gives up on a Rekor that never answers", async () => {
    await withServer(() => "hang", async (server) => {
      await assert.rejects(
        createRekorV1Entry(testHttpClient(), server.url, request, { tlogs: [], timeoutMs: 150 }),
        (e) =>
          assertNetworkError(
            e,
            /^Rekor \(POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/log\/entries\) .*no answer/,
          ),
      );
    });
  });

  it("rejects an answer that is not JSON", async () => {
    await withServer(() => ({ status: 201, body: "<html>oops</html>" }), async (server) => {
      await assert.rejects(
        createRekorV1Entry(testHttpClient(), server.url, request, { tlogs: [] }),
        (e) => assertNetworkError(e, /^Rekor answered HTTP 201 with a body that is not JSON$/),
      );
    });
  });

  const garbage: [string, unknown, RegExp][] = [
    ["an empty map", {}, /found 0 keys/],
    ["two entries", { a: {}, b: {} }, /found 2 keys/],
    ["an array", [], /expected an object/],
    [
      "a body that is not JSON",
      { u: { body: encodeBase64(new TextEncoder().encode("nope")) } },
      /entry\.body/,
    ],
    [
      "a log ID that is not hex",
      {
        u: {
          body: encodeBase64(new TextEncoder().encode('{"kind":"k","apiVersion":"v"}')),
          logID: "zz",
          verification: { inclusionProof: {} },
        },
      },
      /entry\.logID: is not hex/,
    ],
  ];
  for (const [what, body, message] of garbage) {
    it(`rejects ${what} as not a log entry`, async () => {
      await withServer(() => json(201, body), async (server) => {
        await assert.rejects(
          createRekorV1Entry(testHttpClient(), server.url, request, { tlogs: [] }),
          (e) => {
            assertNetworkError(e, /^Rekor answered HTTP 201 with a body that is not a log entry: /);
            assert.match((e as Error).message, message);
            return true;
          },
        );
      });
    });
  }

  it("rejects a 409 that names no entry", async () => {
    await withServer(() => json(409, { code: 409, message: "exists" }), async (server) => {
      await assert.rejects(
        createRekorV1Entry(testHttpClient(), server.url, request, { tlogs: [] }),
        (e) => assertNetworkError(e, /HTTP 409 \(entry exists\) without naming the existing entry/),
      );
      assert.equal(server.requests.length, 1);
    });
  });

  it("rejects calls without trusted logs", async () => {
    const http: HttpClient = {
      request: (_url: string, _req: HttpRequest) => Promise.reject(new Error("must not be called")),
    };
    await assert.rejects(
      createRekorV1Entry(http, "https://rekor.test", request, undefined as never),
      TypeError,
    );
  });
});

describe("verifyNewEntry()", () => {
  it("reports an incomplete entry as BUNDLE_INVALID", async () => {
    await assert.rejects(
      verifyNewEntry({ logIndex: "1" } as never, {
        tlogs: [],
        content: { kind: "messageSignature", messageDigest: undefined, signature: Uint8Array.of(1) },
        signer: FAKE_CERT,
        artifactDigests: {},
      }),
      (e) => assertVerificationError(e, "BUNDLE_INVALID"),
    );
  });
});

// Keeps the PEM helper honest: the leaf PEM we send decodes to the same DER.
describe("the certificate Rekor v1 receives", () => {
  it("round-trips through base64 and PEM to the leaf DER", () => {
    const body = encodeRekorV1Request({
      kind: "hashedrekord",
      artifactDigest: new Uint8Array(32),
      signature: Uint8Array.of(1),
      certificateDer: FAKE_CERT,
    }) as { spec: { signature: { publicKey: { content: string } } } };
    const pem = new TextDecoder().decode(decodeBase64(body.spec.signature.publicKey.content)!);
    assert.deepEqual(decodePem(pem)?.[0]?.der, FAKE_CERT);
  });
});
