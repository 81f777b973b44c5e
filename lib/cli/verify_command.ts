/**
 * `verify identity`, `verify github` and the conformance alias
 * `verify-bundle`: verifies one or more inputs (files, pipes, `-` for
 * standard input, or `sha256:` digests) against their bundles, or one input
 * against a detached `--certificate` and `--signature` whose log entry is
 * looked up in the instance's Rekor, printing `OK: INPUT` or
 * `FAIL: INPUT: reason` per input on stderr and, with `--json`, a result
 * object on stdout.
 *
 * @module
 */

import { type Bundle, parseBundleJson } from "../bundle/mod.ts";
import { decodeHex, decodePem } from "../encoding/mod.ts";
import { HASH_LENGTH, type HashAlgorithm, parsePublicKey, type PublicKey } from "../crypto/mod.ts";
import { ParseError, SigstoreError } from "../errors/mod.ts";
import { githubPolicy, type IdentityPolicy } from "../policy/mod.ts";
import { parseCertificate } from "../x509/mod.ts";
import {
  type ArtifactInput,
  requiredDigestAlgorithms,
  type SignerPolicy,
  type VerificationResult,
  verifyBundle,
} from "../verify/mod.ts";
import type { TrustedRoot } from "../trust/mod.ts";
import { isFile, type ReadArtifact, readArtifactFile, readArtifactStream, readDocument } from "./files.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { describeFailure } from "./report.ts";
import { oneLine, quote } from "./safe_text.ts";
import type { SignDependencies } from "./sign_command.ts";
import { checkRekorSource, selectTrustedRoot } from "./trust_selection.ts";

/** What detached verification is called in messages. */
export const DETACHED = "Detached verification (--certificate and --signature)";

/** Flags of the verify commands (after env defaults). */
export interface VerifyFlags {
  readonly bundle?: string | undefined;
  readonly certificate?: string | undefined;
  readonly signature?: string | undefined;
  readonly key?: string | undefined;
  readonly "cert-identity"?: string | undefined;
  readonly "cert-oidc-issuer"?: string | undefined;
  readonly trigger?: string | undefined;
  readonly sha?: string | undefined;
  readonly name?: string | undefined;
  readonly repository?: string | undefined;
  readonly ref?: string | undefined;
  readonly json?: boolean | undefined;
  readonly verbose?: boolean | undefined;
  readonly offline?: boolean | undefined;
  readonly staging?: boolean | undefined;
  readonly "trust-config"?: string | undefined;
  readonly "trusted-root"?: string | undefined;
}

const DIGEST_INPUT = /^(sha256|sha384|sha512):(.*)$/;

/** One input: a path (file, FIFO, device), standard input, or a digest. */
export type Input =
  | { readonly kind: "path"; readonly label: string; readonly path: string }
  | { readonly kind: "stdin"; readonly label: string }
  | {
    readonly kind: "digest";
    readonly label: string;
    readonly algorithm: HashAlgorithm;
    readonly digest: Uint8Array;
  };

/** Where an input's signature comes from. */
export type Materials =
  | { readonly kind: "bundle"; readonly bundle: string }
  | { readonly kind: "detached"; readonly certificate: string; readonly signature: string };

function parseInput(arg: string): Input {
  if (arg === "-") return { kind: "stdin", label: "-" };
  const m = arg.match(DIGEST_INPUT);
  if (m && !isFile(arg)) {
    const algorithm = m[1] as HashAlgorithm;
    const digest = decodeHex(m[2]!);
    if (digest === undefined || digest.length !== HASH_LENGTH[algorithm]) {
      throw new UsageError(
        `Invalid digest ${quote(arg, 80)}: expected ${algorithm}: followed by ${
          2 * HASH_LENGTH[algorithm]
        } hex characters`,
      );
    }
    return { kind: "digest", label: arg, algorithm, digest };
  }
  return { kind: "path", label: arg, path: arg };
}

/** Builds the signer policy from flags. */
function signerPolicy(command: "identity" | "github", flags: VerifyFlags): SignerPolicy {
  if (flags.key !== undefined) {
    if (flags["cert-identity"] !== undefined || flags["cert-oidc-issuer"] !== undefined) {
      throw new UsageError("--key cannot be combined with identity checks");
    }
    const text = readDocument(flags.key, "public key");
    const block = decodePem(text)?.find((b) => b.label === "PUBLIC KEY");
    if (block === undefined) {
      throw new ParseError(
        "KEY_PARSE",
        `Public key file ${quote(flags.key)} is not a PEM "PUBLIC KEY" (no such block, or bad base64)`,
      );
    }
    return { kind: "key", key: parsePublicKey(block.der) };
  }
  let policy: IdentityPolicy;
  if (command === "github") {
    if (flags["cert-identity"] === undefined && flags.repository === undefined) {
      throw new UsageError("verify github needs --cert-identity or --repository");
    }
    policy = githubPolicy({
      identity: flags["cert-identity"],
      trigger: flags.trigger,
      sha: flags.sha,
      name: flags.name,
      repository: flags.repository,
      ref: flags.ref,
    });
  } else {
    const identity = flags["cert-identity"];
    const issuer = flags["cert-oidc-issuer"];
    if (identity === undefined || issuer === undefined) {
      throw new UsageError(
        "verify identity needs --cert-identity and --cert-oidc-issuer (or --key for a managed key)",
      );
    }
    policy = { subject: { exact: identity }, issuer, extensions: [] };
  }
  return { kind: "identity", policy };
}

function defaultBundlePath(path: string): string {
  const json = `${path}.sigstore.json`;
  if (isFile(json)) return json;
  const legacy = `${path}.sigstore`;
  if (isFile(legacy)) return legacy;
  return json; // reading it reports "no such file" with the preferred name
}

/** Works out each input's materials and refuses combinations that cannot work, before reading anything. */
function planMaterials(inputs: readonly Input[], flags: VerifyFlags): Materials[] {
  const detached = flags.certificate !== undefined || flags.signature !== undefined;
  if (inputs.filter((i) => i.kind === "stdin").length > 1) {
    throw new UsageError("- (standard input) can be given only once");
  }
  if (detached) {
    if (flags.bundle !== undefined) {
      throw new UsageError("--bundle cannot be combined with --certificate or --signature");
    }
    if (flags.offline) {
      throw new UsageError(
        "--offline cannot be used with --certificate and --signature: a detached signature's log entry " +
          "must be fetched from the instance's Rekor (verify a bundle to stay offline)",
      );
    }
    if (inputs.length > 1) {
      throw new UsageError(
        "--certificate and --signature are the materials of a single input; give one input",
      );
    }
    checkRekorSource(flags, DETACHED);
  } else if (flags.bundle !== undefined && inputs.length > 1) {
    throw new UsageError("--bundle names the bundle of a single input; give one input, or omit --bundle");
  }
  return inputs.map((input): Materials => {
    if (detached) {
      if (input.kind === "path") {
        return {
          kind: "detached",
          certificate: flags.certificate ?? `${input.path}.crt`,
          signature: flags.signature ?? `${input.path}.sig`,
        };
      }
      if (flags.certificate === undefined || flags.signature === undefined) {
        throw new UsageError(`The input ${oneLine(input.label)} needs both --certificate and --signature`);
      }
      return { kind: "detached", certificate: flags.certificate, signature: flags.signature };
    }
    if (flags.bundle !== undefined) return { kind: "bundle", bundle: flags.bundle };
    if (input.kind !== "path") {
      throw new UsageError(
        `The input ${oneLine(input.label)} needs --bundle (or --certificate and --signature)`,
      );
    }
    return { kind: "bundle", bundle: defaultBundlePath(input.path) };
  });
}

/** The key that signed a bundle's content, when it can be known before verification. */
function signingKey(bundle: Bundle, signer: SignerPolicy): PublicKey | undefined {
  if (signer.kind === "key") return signer.key;
  const v = bundle.verificationContent;
  if (v.kind === "publicKey") return undefined;
  return parsePublicKey(
    parseCertificate(v.kind === "certificate" ? v.certificate : v.certificates[0]!).publicKeyInfo,
  );
}

/** Reads an input once (as a stream unless it is a digest) and hashes it with `algorithms`. */
async function readInput(
  input: Input,
  algorithms: readonly HashAlgorithm[],
  io: CliIo,
): Promise<ArtifactInput> {
  if (input.kind === "digest") {
    return { kind: "digest", digests: new Map([[input.algorithm, input.digest]]) };
  }
  let read: ReadArtifact;
  if (input.kind === "stdin") {
    if (io.stdin === undefined) {
      throw new SigstoreError("IO", "Cannot read standard input: none is available");
    }
    try {
      read = await readArtifactStream(io.stdin(), algorithms);
    } catch (e) {
      if (e instanceof SigstoreError) throw e;
      throw new SigstoreError(
        "IO",
        `Cannot read standard input: ${oneLine((e as Error)?.message ?? String(e))}`,
      );
    }
  } else {
    read = await readArtifactFile(input.path, algorithms);
  }
  return read.bytes !== undefined
    ? { kind: "bytes", bytes: read.bytes }
    : { kind: "digest", digests: read.digests };
}

/** What verifying one input needs besides the input itself. */
export interface VerifyContext {
  readonly signer: SignerPolicy;
  readonly trustedRoot: TrustedRoot;
  readonly now: Date;
  readonly flags: VerifyFlags;
  readonly io: CliIo;
  readonly deps: SignDependencies;
}

async function verifyOne(
  input: Input,
  materials: Materials,
  ctx: VerifyContext,
): Promise<VerificationResult> {
  if (materials.kind === "detached") {
    const { detachedBundle } = await import("./detached.ts");
    const { bundle, artifact } = await detachedBundle(input, materials, ctx, readInput);
    return await verifyBundle(bundle, artifact, {
      trustedRoot: ctx.trustedRoot,
      signer: ctx.signer,
      now: ctx.now,
    });
  }
  const bundle = parseBundleJson(readDocument(materials.bundle, "bundle"));
  const artifact = await readInput(
    input,
    requiredDigestAlgorithms(bundle, signingKey(bundle, ctx.signer)),
    ctx.io,
  );
  return await verifyBundle(bundle, artifact, {
    trustedRoot: ctx.trustedRoot,
    signer: ctx.signer,
    now: ctx.now,
  });
}

/** Runs a verify command; returns the exit code. */
export async function runVerify(
  command: "identity" | "github",
  flags: VerifyFlags,
  positionals: readonly string[],
  io: CliIo,
  deps: SignDependencies = {},
): Promise<number> {
  const inputs = positionals.map(parseInput);
  const plans = planMaterials(inputs, flags);
  const signer = signerPolicy(command, flags);
  const trustedRoot = selectTrustedRoot(flags);
  const ctx: VerifyContext = { signer, trustedRoot, now: io.now(), flags, io, deps };
  const results: unknown[] = [];
  let failed = 0;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    const materials = plans[i]!;
    const label = oneLine(input.label);
    const where = materials.kind === "bundle"
      ? { bundle: materials.bundle }
      : { certificate: materials.certificate, signature: materials.signature };
    try {
      const result = await verifyOne(input, materials, ctx);
      io.stderr(`OK: ${label}\n`);
      results.push({ input: input.label, ...where, verified: true, result });
    } catch (e) {
      if (!(e instanceof SigstoreError)) throw e;
      failed++;
      io.stderr(describeFailure(`FAIL: ${label}`, e, flags.verbose === true));
      results.push({
        input: input.label,
        ...where,
        verified: false,
        error: { name: e.name, code: e.code, message: e.message },
      });
    }
  }
  if (flags.json) io.stdout(`${JSON.stringify({ verified: failed === 0, results }, null, 2)}\n`);
  return failed === 0 ? EXIT.OK : EXIT.FAILED;
}
