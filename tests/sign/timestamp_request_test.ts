import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { digest } from "../../lib/crypto/mod.ts";
import {
  decodeBoolean,
  decodeInteger,
  decodeOid,
  derSequence,
  expectTag,
  parseDer,
  TAG,
} from "../../lib/der/mod.ts";
import { type ErrorCode, NetworkError, VerificationError } from "../../lib/errors/mod.ts";
import { encodeTimeStampRequest, requestTimestamp } from "../../lib/sign/timestamp_request.ts";
import { type FakeTsa, makeFakeTsa } from "../timestamp/_fake_tsa.ts";
import {
  type FakeReply,
  type FakeServer,
  makeRejectedResponse,
  makeTimestampResponse,
  parseTimeStampReq,
  type RecordedRequest,
  startFakeServer,
  testHttpClient,
} from "./_fake_services.ts";

const SIGNATURE = new TextEncoder().encode("a signature to timestamp");
const GEN_TIME = new Date("2025-06-01T12:00:00.000Z");
const SHA256_OID = "2.16.840.1.101.3.4.2.1";

describe("encodeTimeStampRequest()", () => {
  it("encodes version 1, a SHA-256 imprint with NULL parameters, the nonce and certReq TRUE", () => {
    const der = encodeTimeStampRequest(SIGNATURE, { nonce: 0x0102030405060708n, hash: "sha256" });
    const [version, imprint, nonce, certReq, ...rest] = derSequence(parseDer(der), "TimeStampReq");
    assert.equal(rest.length, 0);
    assert.equal(decodeInteger(version!), 1n);
    const [alg, hashed] = derSequence(imprint, "messageImprint");
    const [oid, params, ...more] = derSequence(alg, "hashAlgorithm");
    assert.equal(decodeOid(oid!), SHA256_OID);
    assert.equal(expectTag(params, TAG.NULL, "params").value.length, 0);
    assert.equal(more.length, 0);
    assert.deepEqual(expectTag(hashed, TAG.OCTET_STRING, "hashedMessage").value, digest("sha256", SIGNATURE));
    assert.equal(decodeInteger(nonce!), 0x0102030405060708n);
    assert.equal(decodeBoolean(certReq!), true);
  });

  it("keeps a nonce with the top bit set positive", () => {
    const n = 0xffeeddccbbaa9988n;
    const parsed = parseTimeStampReq(encodeTimeStampRequest(SIGNATURE, { nonce: n }));
    assert.equal(parsed.nonce, n);
    const fields = derSequence(parseDer(encodeTimeStampRequest(SIGNATURE, { nonce: n })), "TimeStampReq");
    assert.equal(decodeInteger(fields[2]!), n);
    assert.equal(fields[2]!.value[0], 0);
  });

  it("omits the nonce when none is given and supports SHA-384", () => {
    const der = encodeTimeStampRequest(SIGNATURE, { hash: "sha384" });
    const parsed = parseTimeStampReq(der);
    assert.equal(parsed.nonce, undefined);
    assert.equal(parsed.hashOid, "2.16.840.1.101.3.4.2.2");
    assert.deepEqual(parsed.hashedMessage, digest("sha384", SIGNATURE));
    assert.equal(parsed.certReq, true);
    assert.equal(parsed.hashParams, "null");
  });

  it("rejects negative nonces and non-bytes", () => {
    assert.throws(() => encodeTimeStampRequest(SIGNATURE, { nonce: -1n }), RangeError);
    assert.throws(() => encodeTimeStampRequest("sig" as unknown as Uint8Array), TypeError);
  });
});

/** A fake TSA that answers each request with `answer(parsed request)`. */
async function withTsa<T>(
  answer: (req: ReturnType<typeof parseTimeStampReq>, raw: RecordedRequest) => FakeReply | Promise<FakeReply>,
  run: (server: FakeServer, url: string) => Promise<T>,
): Promise<T> {
  const server = await startFakeServer((raw) => answer(parseTimeStampReq(raw.body), raw));
  try {
    return await run(server, `${server.url}/api/v1/timestamp`);
  } finally {
    await server.close();
  }
}

async function granted(
  tsa: FakeTsa,
  req: ReturnType<typeof parseTimeStampReq>,
  overrides: { nonce?: bigint | undefined; hashedMessage?: Uint8Array; status?: number } = {},
): Promise<FakeReply> {
  const body = await makeTimestampResponse({
    tsa,
    hashedMessage: overrides.hashedMessage ?? req.hashedMessage,
    nonce: "nonce" in overrides ? overrides.nonce : req.nonce,
    genTime: GEN_TIME,
  });
  return {
    status: overrides.status ?? 200,
    headers: { "Content-Type": "application/timestamp-reply" },
    body,
  };
}

function assertError(
  e: unknown,
  cls: typeof NetworkError | typeof VerificationError,
  code: ErrorCode,
  m: RegExp,
) {
  assert.ok(e instanceof cls, `expected a ${cls.name}, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  assert.match(e.message, m);
  assert.doesNotMatch(e.message, /\n/);
  return true;
}

describe("requestTimestamp() with a fake TSA", () => {
  it("posts a DER TimeStampReq and returns the verified response", async () => {
    const tsa = await makeFakeTsa();
    let served: Uint8Array | undefined;
    await withTsa(async (req) => {
      const reply = await granted(tsa, req);
      served = (reply as { body: Uint8Array }).body;
      return reply;
    }, async (server, url) => {
      const result = await requestTimestamp(testHttpClient(), url, SIGNATURE, [tsa.authority], {
        now: new Date(GEN_TIME.getTime() + 30_000),
      });
      assert.deepEqual(result.signedTimestamp, served);
      assert.equal(result.time.toISOString(), GEN_TIME.toISOString());
      assert.equal(result.authority, tsa.authority);
      const sent = server.requests[0]!;
      assert.equal(sent.method, "POST");
      assert.equal(sent.path, "/api/v1/timestamp");
      assert.equal(sent.headers["content-type"], "application/timestamp-query");
      const parsed = parseTimeStampReq(sent.body);
      assert.equal(parsed.version, 1n);
      assert.equal(parsed.hashOid, SHA256_OID);
      assert.deepEqual(parsed.hashedMessage, digest("sha256", SIGNATURE));
      assert.ok(parsed.nonce !== undefined && parsed.nonce > 0n && parsed.nonce < 1n << 64n);
      assert.equal(parsed.certReq, true);
    });
  });

  it("accepts HTTP 201 and sends a fresh nonce each time", async () => {
    const tsa = await makeFakeTsa();
    await withTsa((req) => granted(tsa, req, { status: 201 }), async (server, url) => {
      await requestTimestamp(testHttpClient(), url, SIGNATURE, [tsa.authority]);
      await requestTimestamp(testHttpClient(), url, SIGNATURE, [tsa.authority]);
      const [a, b] = server.requests.map((r) => parseTimeStampReq(r.body).nonce);
      assert.notEqual(a, b);
    });
  });

  it("rejects a body that is not a timestamp response", async () => {
    const tsa = await makeFakeTsa();
    await withTsa(() => ({ status: 200, body: "garbage" }), async (_server, url) => {
      await assert.rejects(
        requestTimestamp(testHttpClient(), url, SIGNATURE, [tsa.authority]),
        (e) =>
          assertError(
            e,
            NetworkError,
            "NETWORK",
            /^Timestamp authority answered HTTP 200 with a body that is not a granted timestamp: /,
          ),
      );
    });
  });

  it("rejects a response with status 2 (rejection), quoting the status", async () => {
    const tsa = await makeFakeTsa();
    await withTsa(() => ({ status: 200, body: makeRejectedResponse(2, "bad\nalg") }), async (_s, url) => {
      await assert.rejects(
        requestTimestamp(testHttpClient(), url, SIGNATURE, [tsa.authority]),
        (e) => assertError(e, NetworkError, "NETWORK", /status 2 \(rejection\).*bad\\nalg/),
      );
    });
  });

  it("rejects a timestamp over other bytes (wrong imprint)", async () => {
    const tsa = await makeFakeTsa();
    await withTsa(
      (req) => granted(tsa, req, { hashedMessage: digest("sha256", new Uint8Array([1])) }),
      async (_s, url) => {
        await assert.rejects(
          requestTimestamp(testHttpClient(), url, SIGNATURE, [tsa.authority]),
          (e) =>
            assertError(
              e,
              VerificationError,
              "TIMESTAMP",
              /^Cannot verify the timestamp from .*does not cover/,
            ),
        );
      },
    );
  });

  it("rejects a timestamp that does not echo the nonce", async () => {
    const tsa = await makeFakeTsa();
    for (const nonce of [undefined, 42n]) {
      await withTsa((req) => granted(tsa, req, { nonce }), async (_s, url) => {
        await assert.rejects(
          requestTimestamp(testHttpClient(), url, SIGNATURE, [tsa.authority], { nonce: 7n }),
          (e) =>
            assertError(
              e,
              VerificationError,
              "TIMESTAMP",
              /does not echo the request nonce: expected 7, found/,
            ),
        );
      });
    }
  });

  it("rejects a timestamp from an authority the trust root does not list", async () => {
    const tsa = await makeFakeTsa();
    const other = await makeFakeTsa();
    await withTsa((req) => granted(tsa, req), async (_s, url) => {
      await assert.rejects(
        requestTimestamp(testHttpClient(), url, SIGNATURE, [other.authority]),
        (e) => assertError(e, VerificationError, "TIMESTAMP_UNTRUSTED", /^Cannot verify the timestamp/),
      );
    });
  });

  it("rejects a genTime far from now", async () => {
    const tsa = await makeFakeTsa();
    await withTsa((req) => granted(tsa, req), async (_s, url) => {
      await assert.rejects(
        requestTimestamp(testHttpClient(), url, SIGNATURE, [tsa.authority], {
          now: new Date(GEN_TIME.getTime() + 3600_000),
        }),
        (e) => assertError(e, VerificationError, "TIMESTAMP", /too far from the current time/),
      );
    });
  });

  it("reports a 4xx as one line and retries a 5xx", async () => {
    const tsa = await makeFakeTsa();
    await withTsa(() => ({ status: 400, body: "error parsing request\n" }), async (_s, url) => {
      await assert.rejects(
        requestTimestamp(testHttpClient(), url, SIGNATURE, [tsa.authority]),
        (e) =>
          assertError(
            e,
            NetworkError,
            "NETWORK",
            /^Timestamp authority refused the request: HTTP 400: error parsing request$/,
          ),
      );
    });
    await withTsa(() => ({ status: 502 }), async (server, url) => {
      await assert.rejects(
        requestTimestamp(testHttpClient({ retries: 1 }), url, SIGNATURE, [tsa.authority]),
        (e) => assertError(e, NetworkError, "NETWORK", /HTTP 502/),
      );
      assert.equal(server.requests.length, 2);
    });
  });

  it("gives up on a TSA that never answers", async () => {
    const tsa = await makeFakeTsa();
    await withTsa(() => "hang", async (_s, url) => {
      await assert.rejects(
        requestTimestamp(testHttpClient(), url, SIGNATURE, [tsa.authority], { timeoutMs: 100 }),
        (e) => assertError(e, NetworkError, "NETWORK", /^Timestamp authority .*no answer within 0\.1 s/),
      );
    });
  });
});
