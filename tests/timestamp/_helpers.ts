/**
 * Test helpers for `timestamp/`: loading conformance bundles and building
 * `CertificateAuthority` values from their `trusted_root.json` without the
 * TrustedRoot parser.
 *
 * @module
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeBase64 } from "../../lib/encoding/mod.ts";
import type { CertificateAuthority } from "../../lib/trust/mod.ts";
import { parseCertificate } from "../../lib/x509/mod.ts";
import { CONFORMANCE_DIR } from "../_support/paths.ts";

const BUNDLE_VERIFY_DIR = join(CONFORMANCE_DIR ?? "/nonexistent", "assets", "bundle-verify");

/** What a timestamp test needs from one conformance case. */
export interface TimestampCase {
  /** The first `rfc3161Timestamps[].signedTimestamp`. */
  readonly timestamp: Uint8Array;
  /** The bundle's signature bytes (message signature or DSSE signature). */
  readonly signedBytes: Uint8Array;
  /** The trust root's timestampAuthorities. */
  readonly authorities: CertificateAuthority[];
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  if (typeof value !== "object" || value === null) throw new Error("fixture: expected an object");
  return value as Json;
}

function bytes(value: unknown): Uint8Array {
  if (typeof value !== "string") throw new Error("fixture: expected a base64 string");
  const out = decodeBase64(value);
  if (out === undefined) throw new Error("fixture: bad base64");
  return out;
}

/** Builds CertificateAuthority values from a trusted root's `timestampAuthorities` JSON. */
export function authoritiesFromTrustedRoot(trustedRoot: unknown): CertificateAuthority[] {
  const list = (obj(trustedRoot).timestampAuthorities ?? []) as unknown[];
  return list.map((entry) => {
    const ca = obj(entry);
    const validFor = obj(ca.validFor ?? {});
    const certs = obj(ca.certChain).certificates as unknown[];
    return {
      uri: String(ca.uri ?? ""),
      certChain: certs.map((c) => parseCertificate(bytes(obj(c).rawBytes))),
      validFor: {
        start: typeof validFor.start === "string" ? new Date(validFor.start) : undefined,
        end: typeof validFor.end === "string" ? new Date(validFor.end) : undefined,
      },
    };
  });
}

/** Names of the `assets/bundle-verify` cases that carry an RFC 3161 timestamp and a trusted root. */
export function listTimestampCases(): string[] {
  if (CONFORMANCE_DIR === undefined) return [];
  return readdirSync(BUNDLE_VERIFY_DIR).sort().filter((name) => {
    const dir = join(BUNDLE_VERIFY_DIR, name);
    if (!existsSync(join(dir, "trusted_root.json")) || !existsSync(join(dir, "bundle.sigstore.json"))) {
      return false;
    }
    const bundle = obj(JSON.parse(readFileSync(join(dir, "bundle.sigstore.json"), "utf8")));
    const data = obj(bundle.verificationMaterial).timestampVerificationData;
    const stamps = data === undefined ? [] : obj(data).rfc3161Timestamps;
    return Array.isArray(stamps) && stamps.length > 0;
  });
}

/** Loads one case of `assets/bundle-verify`. */
export function loadCase(name: string): TimestampCase {
  const dir = join(BUNDLE_VERIFY_DIR, name);
  const bundle = obj(JSON.parse(readFileSync(join(dir, "bundle.sigstore.json"), "utf8")));
  const root = JSON.parse(readFileSync(join(dir, "trusted_root.json"), "utf8"));
  const vm = obj(bundle.verificationMaterial);
  const stamps = obj(vm.timestampVerificationData).rfc3161Timestamps as unknown[];
  const signedBytes = bundle.messageSignature !== undefined
    ? bytes(obj(bundle.messageSignature).signature)
    : bytes(obj((obj(bundle.dsseEnvelope).signatures as unknown[])[0]).sig);
  return {
    timestamp: bytes(obj(stamps[0]).signedTimestamp),
    signedBytes,
    authorities: authoritiesFromTrustedRoot(root),
  };
}

/** A copy of `bytes` with the byte at `offset` XORed with `mask`. */
export function flipByte(data: Uint8Array, offset: number, mask = 0x01): Uint8Array {
  const out = data.slice();
  out[offset] = out[offset]! ^ mask;
  return out;
}
