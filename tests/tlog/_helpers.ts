/**
 * Test helpers for `tests/tlog/`: locating the conformance assets, building
 * `TransparencyLogInstance` values straight from `trusted_root.json` (so the
 * tlog tests do not depend on `lib/trust/` parsing), and collecting what
 * `verifyTlogEntry` needs from a conformance case.
 *
 * @module
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseBundleJson } from "../../lib/bundle/mod.ts";
import type { Bundle } from "../../lib/bundle/mod.ts";
import { digest, parsePublicKey } from "../../lib/crypto/mod.ts";
import type { HashAlgorithm, PublicKey } from "../../lib/crypto/mod.ts";
import { decodeBase64, decodePem } from "../../lib/encoding/mod.ts";
import type { TransparencyLogInstance } from "../../lib/trust/mod.ts";
import { CONFORMANCE_DIR, conformanceUnavailable } from "../_support/paths.ts";

/**
 * The `bundle-verify` case directory, or `undefined` when absent, after
 * registering the stand-in test of {@link conformanceUnavailable} (call it
 * inside a `describe`).
 */
export function bundleVerifyDir(): string | undefined {
  if (CONFORMANCE_DIR === undefined) {
    conformanceUnavailable("tests on the conformance bundles");
    return undefined;
  }
  return join(CONFORMANCE_DIR, "assets", "bundle-verify");
}

/** Names of all cases in the `bundle-verify` directory. */
export function caseNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

function bytes(b64: unknown): Uint8Array {
  const out = typeof b64 === "string" ? decodeBase64(b64) : undefined;
  if (out === undefined) throw new Error(`bad base64 in trusted root: ${JSON.stringify(b64)}`);
  return out;
}

function date(v: unknown): Date | undefined {
  return typeof v === "string" ? new Date(v) : undefined;
}

/** Builds the tlog instances of a `trusted_root.json` document by hand. */
export function tlogsFromTrustedRoot(json: unknown): TransparencyLogInstance[] {
  const root = json as { tlogs?: Record<string, unknown>[] };
  return (root.tlogs ?? []).map((t) => {
    const pk = t.publicKey as {
      rawBytes: string;
      keyDetails: string;
      validFor?: { start?: string; end?: string };
    };
    const publicKeyBytes = bytes(pk.rawBytes);
    let publicKey: PublicKey | undefined;
    try {
      publicKey = parsePublicKey(publicKeyBytes);
    } catch {
      publicKey = undefined;
    }
    const ckid = t.checkpointKeyId as { keyId?: string } | null | undefined;
    return {
      baseUrl: t.baseUrl as string,
      hashAlgorithm: (t.hashAlgorithm as string | undefined) ?? "",
      keyDetails: pk.keyDetails,
      publicKey,
      publicKeyBytes,
      validFor: { start: date(pk.validFor?.start), end: date(pk.validFor?.end) },
      logId: bytes((t.logId as { keyId: string }).keyId),
      checkpointKeyId: ckid?.keyId ? bytes(ckid.keyId) : undefined,
    };
  });
}

/** Everything a tlog test needs from one conformance case. */
export interface ConformanceCase {
  readonly name: string;
  readonly dir: string;
  readonly bundleText: string;
  readonly bundle: Bundle;
  readonly tlogs: TransparencyLogInstance[];
  /** Leaf certificate DER, or the managed key's SPKI DER (`undefined` when the case has no key). */
  readonly signer: Uint8Array | undefined;
  readonly artifactDigests: Map<HashAlgorithm, Uint8Array>;
  /** RFC 3161 `genTime`s found in the bundle (not verified: good enough for tlog tests). */
  readonly timestampTimes: Date[];
}

/** Reads the trusted root tlogs of a case (its own root, else production). */
export function caseTlogs(dir: string): TransparencyLogInstance[] {
  const own = join(dir, "trusted_root.json");
  const path = existsSync(own) ? own : join(CONFORMANCE_DIR ?? "", "production", "trusted_root.json");
  return tlogsFromTrustedRoot(JSON.parse(readFileSync(path, "utf8")));
}

/** Loads a conformance case; throws (like the real parser) when the bundle does not parse. */
export function loadCase(root: string, name: string, bundleText?: string): ConformanceCase {
  const dir = join(root, name);
  const text = bundleText ?? readFileSync(join(dir, "bundle.sigstore.json"), "utf8");
  const bundle = parseBundleJson(text);
  const artifactPath = existsSync(join(dir, "artifact")) ? join(dir, "artifact") : join(root, "a.txt");
  const artifact = new Uint8Array(readFileSync(artifactPath));
  const artifactDigests = new Map<HashAlgorithm, Uint8Array>(
    (["sha256", "sha384", "sha512"] as const).map((a) => [a, digest(a, artifact)]),
  );
  return {
    name,
    dir,
    bundleText: text,
    bundle,
    tlogs: caseTlogs(dir),
    signer: signerOf(bundle, dir),
    artifactDigests,
    timestampTimes: bundle.rfc3161Timestamps.flatMap((t) => {
      const d = findGeneralizedTime(t);
      return d === undefined ? [] : [d];
    }),
  };
}

function signerOf(bundle: Bundle, dir: string): Uint8Array | undefined {
  const vc = bundle.verificationContent;
  switch (vc.kind) {
    case "certificate":
      return vc.certificate;
    case "x509CertificateChain":
      return vc.certificates[0];
    case "publicKey": {
      const keyPath = join(dir, "key.pub");
      if (!existsSync(keyPath)) return undefined;
      return decodePem(readFileSync(keyPath, "utf8"))?.[0]?.der;
    }
  }
}

/**
 * Finds the first DER GeneralizedTime (`YYYYMMDDhhmmss[.f]Z`) in a
 * TimeStampResp: the TSTInfo `genTime`. A test shortcut, not a verifier.
 */
export function findGeneralizedTime(der: Uint8Array): Date | undefined {
  for (let i = 0; i + 2 < der.length; i++) {
    if (der[i] !== 0x18) continue;
    const len = der[i + 1]!;
    if (len < 15 || len > 24 || i + 2 + len > der.length) continue;
    const text = new TextDecoder().decode(der.subarray(i + 2, i + 2 + len));
    const m = text.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/);
    if (m) return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ""}Z`);
  }
  return undefined;
}

/** Flips one bit of a copy of `bytes`. */
export function flipBit(bytes: Uint8Array, index = 0, bit = 0): Uint8Array {
  const out = bytes.slice();
  out[index] = out[index]! ^ (1 << bit);
  return out;
}

/** Converts a Web Crypto ECDSA `r‖s` signature to DER. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const int = (v: Uint8Array): number[] => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const body = [...v.subarray(i)];
    if (body[0]! & 0x80) body.unshift(0);
    return [0x02, body.length, ...body];
  };
  const seq = [...int(raw.subarray(0, half)), ...int(raw.subarray(half))];
  return new Uint8Array([0x30, seq.length, ...seq]);
}

/** A freshly generated test signing key with its parsed public key. */
export interface TestKey {
  readonly publicKey: PublicKey;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** Generates an Ed25519 or ECDSA P-256 key; ECDSA signatures come out as DER. */
export async function generateTestKey(kind: "ed25519" | "ecdsa"): Promise<TestKey> {
  const algorithm = kind === "ed25519" ? { name: "Ed25519" } : { name: "ECDSA", namedCurve: "P-256" };
  const pair = await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"]) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
  return {
    publicKey: parsePublicKey(spki),
    async sign(data: Uint8Array): Promise<Uint8Array> {
      const params = kind === "ed25519" ? { name: "Ed25519" } : { name: "ECDSA", hash: "SHA-256" };
      const sig = new Uint8Array(await crypto.subtle.sign(params, pair.privateKey, data as BufferSource));
      return kind === "ed25519" ? sig : ecdsaRawToDer(sig);
    },
  };
}

/** A test log instance around a key. */
export function testLog(
  key: PublicKey,
  options: { baseUrl?: string; logId?: Uint8Array; start?: Date; end?: Date } = {},
): TransparencyLogInstance {
  return {
    baseUrl: options.baseUrl ?? "https://log.example.test",
    hashAlgorithm: "SHA2_256",
    keyDetails: key.kind === "ed25519" ? "PKIX_ED25519" : "PKIX_ECDSA_P256_SHA_256",
    publicKey: key,
    publicKeyBytes: key.spki,
    validFor: { start: options.start ?? new Date("2020-01-01T00:00:00Z"), end: options.end },
    logId: options.logId ?? digest("sha256", key.spki),
    checkpointKeyId: undefined,
  };
}
