import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, ParseError } from "../../lib/errors/mod.ts";
import {
  embeddedSigningConfig,
  parseSigningConfig,
  parseSigningConfigJson,
  selectServices,
} from "../../lib/trust/mod.ts";
import { chooseServices } from "../../lib/sign/signer.ts";

const NOW = new Date("2026-11-25T00:00:00Z");
const service = (url: string, version: number, start: string, operator = "op", end?: string) => ({
  url,
  majorApiVersion: version,
  validFor: end ? { start, end } : { start },
  operator,
});

describe("SigningConfig", () => {
  it("parses the embedded production and staging configs", () => {
    for (const instance of ["production", "staging"] as const) {
      for (const v2 of [false, true]) {
        const config = embeddedSigningConfig(instance, v2);
        assert.ok(config.caUrls.length > 0 && config.rekorTlogUrls.length > 0);
      }
    }
    const prod = chooseServices(embeddedSigningConfig("production"), NOW);
    assert.equal(prod.fulcio.url, "https://fulcio.sigstore.dev");
    assert.deepEqual(prod.rekor.map((r) => r.url), ["https://rekor.sigstore.dev"]);
    assert.equal(prod.tsas.length, 1);
  });
  it("the opt-in Rekor v2 config selects a v2 log with a timestamp authority", () => {
    const chosen = chooseServices(embeddedSigningConfig("production", true), NOW, 2);
    assert.equal(chosen.rekor[0]!.majorApiVersion, 2);
    assert.ok(chosen.tsas.length >= 1);
  });
  it("rejects a wrong media type and malformed services with SIGNING_CONFIG_PARSE", () => {
    assert.throws(
      () => parseSigningConfigJson('{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.1+json"}'),
      (e: unknown) => e instanceof ParseError && e.code === "SIGNING_CONFIG_PARSE",
    );
    assert.throws(
      () =>
        parseSigningConfig({
          mediaType: "application/vnd.dev.sigstore.signingconfig.v0.2+json",
          caUrls: [{ url: "https://x", majorApiVersion: "one" }],
        }),
      /caUrls\[0\]\.majorApiVersion/,
    );
  });
  it("selectServices() drops expired, future and unsupported services and keeps one per operator", () => {
    const list = [
      service("https://old", 1, "2020-01-01T00:00:00Z", "a", "2021-01-01T00:00:00Z"),
      service("https://future", 1, "2030-01-01T00:00:00Z", "a"),
      service("https://v3", 3, "2020-01-01T00:00:00Z", "a"),
      service("https://a1", 1, "2020-01-01T00:00:00Z", "a"),
      service("https://a2", 2, "2020-01-01T00:00:00Z", "a"),
      service("https://b1", 1, "2020-01-01T00:00:00Z", "b"),
    ];
    const config = parseSigningConfig({
      mediaType: "application/vnd.dev.sigstore.signingconfig.v0.2+json",
      rekorTlogUrls: list,
    });
    assert.deepEqual(
      selectServices("Rekor", config.rekorTlogUrls, { selector: "ALL", count: 0 }, [1, 2], NOW).map((s) =>
        s.url
      ),
      ["https://a2", "https://b1"],
    );
    assert.deepEqual(
      selectServices("Rekor", config.rekorTlogUrls, { selector: "ANY", count: 0 }, [1], NOW).map((s) =>
        s.url
      ),
      ["https://a1"],
    );
    assert.throws(
      () => selectServices("Rekor", config.rekorTlogUrls, { selector: "EXACT", count: 3 }, [1, 2], NOW),
      (e: unknown) => e instanceof ConfigError && /exactly 3/.test(e.message),
    );
    assert.throws(
      () => selectServices("Rekor", [], undefined, [1], NOW),
      /no Rekor service that is valid now/,
    );
  });
  it("chooseServices() refuses Rekor v2 without a timestamp authority", () => {
    const config = parseSigningConfig({
      mediaType: "application/vnd.dev.sigstore.signingconfig.v0.2+json",
      caUrls: [service("https://fulcio", 1, "2020-01-01T00:00:00Z")],
      rekorTlogUrls: [service("https://rekor2", 2, "2020-01-01T00:00:00Z")],
      rekorTlogConfig: { selector: "ANY" },
    });
    assert.throws(() => chooseServices(config, NOW), /Rekor v2 bundles need an RFC 3161 timestamp/);
  });
});
