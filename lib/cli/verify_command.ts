/**
 * `verify identity`, `verify github` and the conformance alias
 * `verify-bundle`: verifies one or more inputs (files, pipes, `-` for
 * standard input, or `sha256:` digests) against their bundles, or one input
 * against a detached `--certificate` and `--signature` whose log entry is
 * looked up in the instance's Rekor, with the trust `selectTrust` picks
 * (lib/cli/trust_selection.ts), printing `OK: INPUT` or
 * `FAIL: INPUT: reason` per input on stderr and, with `--json`, a result
 * object on stdout.
 *
 * @module
 */

import { type Bundle, parseBundleJson } from "../bundle/mod.ts";
import { IN_TOTO_PAYLOAD_TYPE } from "../attest/mod.ts";
import { decodeHex, utf8Decode } from "../encoding/mod.ts";
import { HASH_LENGTH, type HashAlgorithm, parsePublicKey, type PublicKey } from "../crypto/mod.ts";
import { SigstoreError } from "../errors/mod.ts";
import { parseCertificate } from "../x509/mod.ts";
import {
  type ArtifactInput,
  requiredDigestAlgorithms,
  type SignerPolicy,
  type VerificationResult,
  verifyBundle,
} from "../verify/mod.ts";
import { parseTrustedRootJson, type TrustedRoot, trustInfoJson } from "../trust/mod.ts";
import { isFile, type ReadArtifact, readArtifactFile, readArtifactStream, readDocument } from "./files.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { describeFailure } from "./report.ts";
import { availableCores } from "./verify_pool_size.ts";
import { oneLine, quote } from "./safe_text.ts";
import type { SignDependencies } from "./sign_command.ts";
import { checkRekorSource, type SelectedTrust, selectTrust, type TrustFlags } from "./trust_selection.ts";
import { isJsonLines, type LineOutcome, parseBundleLines, verifyBundleLines } from "./json_lines.ts";
import {
  type CheckFlags,
  githubChecks,
  identityChecks,
  type VerifyChecks,
  withPolicyTrustAge,
} from "./verify_checks.ts";

/** What detached verification is called in messages. */
export const DETACHED = "Detached verification (--certificate and --signature)";

/** Flags of the verify commands (after env defaults); the signer checks' are {@linkcode CheckFlags}. */
export interface VerifyFlags extends CheckFlags, TrustFlags {
  readonly bundle?: string | undefined;
  readonly certificate?: string | undefined;
  readonly signature?: string | undefined;
  readonly json?: boolean | undefined;
  readonly jobs?: string | undefined;
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

/**
 * Reads an input once: a small one whole, a large one as a stream hashed
 * with `algorithms`; with `needsBytes` (a key that signs the whole message:
 * RSA, Ed25519) always whole.
 */
async function readInput(
  input: Input,
  algorithms: readonly HashAlgorithm[],
  io: CliIo,
  needsBytes = false,
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
      read = await readArtifactStream(io.stdin(), algorithms, needsBytes);
    } catch (e) {
      if (e instanceof SigstoreError) throw e;
      throw new SigstoreError(
        "IO",
        `Cannot read standard input: ${oneLine((e as Error)?.message ?? String(e))}`,
      );
    }
  } else {
    read = await readArtifactFile(input.path, algorithms, needsBytes);
  }
  return read;
}

/** What verifying one input needs besides the input itself. */
export interface VerifyContext {
  readonly signer: SignerPolicy;
  /** The trust in use (its signing config names the instance's Rekor; a worker's has none) */
  readonly trust: SelectedTrust;
  /** Who may sign, predicate types and thresholds, from the flags or `--policy`. */
  readonly checks: VerifyChecks;
  readonly trustedRoot: TrustedRoot;
  readonly now: Date;
  readonly flags: VerifyFlags;
  readonly io: CliIo;
  readonly deps: SignDependencies;
}

/**
 * ECDSA keys (every Fulcio certificate) and DSSE envelopes verify from
 * digests, in flat memory; an RSA or Ed25519 message signature is checked
 * over the whole message.
 */
function needsBytes(bundle: Bundle, key: PublicKey | undefined): boolean {
  return bundle.content.kind === "messageSignature" && key !== undefined && key.kind !== "ecdsa";
}

/** One verified input: its result, the bundle, and for a JSON Lines file the line that verified. */
export interface Verified {
  readonly result: VerificationResult;
  readonly bundle: Bundle;
  readonly jsonLines?: { readonly line: number; readonly lines: readonly LineOutcome[] };
}

function verifyWith(
  bundle: Bundle,
  artifact: ArtifactInput,
  ctx: VerifyContext,
): Promise<VerificationResult> {
  return verifyBundle(bundle, artifact, { ...ctx.checks, trustedRoot: ctx.trustedRoot, now: ctx.now });
}

async function verifyOne(input: Input, materials: Materials, ctx: VerifyContext): Promise<Verified> {
  if (materials.kind === "detached") {
    const { detachedBundle } = await import("./detached.ts");
    const { bundle, artifact } = await detachedBundle(input, materials, ctx, readInput);
    return { result: await verifyWith(bundle, artifact, ctx), bundle };
  }
  if (isJsonLines(materials.bundle)) {
    const lines = parseBundleLines(readDocument(materials.bundle, "bundle"), materials.bundle);
    const keys = lines.map(({ bundle }) => ({ bundle, key: signingKey(bundle, ctx.signer) }));
    const algorithms = new Set(keys.flatMap(({ bundle, key }) => requiredDigestAlgorithms(bundle, key)));
    const whole = keys.some(({ bundle, key }) => needsBytes(bundle, key));
    const artifact = await readInput(input, [...algorithms], ctx.io, whole);
    const found = await verifyBundleLines(
      lines,
      materials.bundle,
      artifact,
      ctx.checks.predicateTypes,
      (bundle) => verifyWith(bundle, artifact, ctx),
    );
    return {
      result: found.result,
      bundle: found.bundle,
      jsonLines: { line: found.line, lines: found.lines },
    };
  }
  const bundle = parseBundleJson(readDocument(materials.bundle, "bundle"));
  const key = signingKey(bundle, ctx.signer);
  const artifact = await readInput(
    input,
    requiredDigestAlgorithms(bundle, key),
    ctx.io,
    needsBytes(bundle, key),
  );
  return { result: await verifyWith(bundle, artifact, ctx), bundle };
}

/** The signed in-toto statement of a verified DSSE bundle, as JSON, for `--json`. */
function signedStatement(bundle: Bundle): unknown {
  const content = bundle.content;
  if (content.kind !== "dsseEnvelope" || content.payloadType !== IN_TOTO_PAYLOAD_TYPE) return undefined;
  const text = utf8Decode(content.payload);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const CLAIM_LABELS: readonly [string, string][] = [
  ["sourceRepositoryUri", "repository"],
  ["sourceRepositoryRef", "ref"],
  ["sourceRepositoryDigest", "commit"],
  ["buildSignerUri", "signer workflow"],
  ["buildTrigger", "trigger"],
  ["runnerEnvironment", "runner"],
];

/** The line of a JSON Lines file that verified and the signer's claims, for the report. */
function describeMatch(verified: Verified, bundlePath: string): string {
  if (verified.jsonLines === undefined) return "";
  const ext = verified.result.signer.kind === "certificate" ? verified.result.signer.extensions : {};
  const claims = CLAIM_LABELS.filter(([k]) => ext[k] !== undefined).map(([k, label]) =>
    `${label} ${oneLine(ext[k]!)}`
  );
  return `  matched ${oneLine(bundlePath)} line ${verified.jsonLines.line}${
    claims.length === 0 ? "" : `: ${claims.join(", ")}`
  }\n`;
}

/** Runs a verify command; returns the exit code. */
/** What one input produced: its report lines, its `--json` entry, and whether it verified. */
export interface InputReport {
  readonly stderr: string;
  readonly entry: unknown;
  readonly ok: boolean;
}

/** Verifies one input and renders its report; only a `SigstoreError` counts as a failed input. */
export async function verifyAndReport(
  input: Input,
  materials: Materials,
  ctx: VerifyContext,
): Promise<InputReport> {
  const label = oneLine(input.label);
  const where = materials.kind === "bundle"
    ? { bundle: materials.bundle }
    : { certificate: materials.certificate, signature: materials.signature };
  try {
    const verified = await verifyOne(input, materials, ctx);
    const statement = signedStatement(verified.bundle);
    return {
      ok: true,
      stderr: `OK: ${label}\n${materials.kind === "bundle" ? describeMatch(verified, materials.bundle) : ""}`,
      entry: {
        input: input.label,
        ...where,
        ...(verified.jsonLines === undefined
          ? {}
          : { line: verified.jsonLines.line, lines: verified.jsonLines.lines }),
        verified: true,
        result: verified.result,
        ...(statement === undefined ? {} : { statement }),
      },
    };
  } catch (e) {
    if (!(e instanceof SigstoreError)) throw e;
    return {
      ok: false,
      stderr: describeFailure(`FAIL: ${label}`, e, ctx.flags.verbose === true),
      entry: {
        input: input.label,
        ...where,
        verified: false,
        error: { name: e.name, code: e.code, message: e.message },
      },
    };
  }
}

/** The verify command's signer checks, from the flags or `--policy`; read before any trust is selected. */
export function verifyChecks(command: "identity" | "github", flags: VerifyFlags): VerifyChecks {
  return command === "github" ? githubChecks(flags) : identityChecks(flags);
}

/**
 * The trust of a `--jobs` worker: the main thread's trusted root (the same
 * JSON, parsed again) and trust information; no signing config (workers
 * verify bundles only).
 */
export function workerTrust(trustedRootJson: string, info: SelectedTrust["info"]): SelectedTrust {
  return {
    trustedRoot: parseTrustedRootJson(trustedRootJson),
    trustedRootJson,
    signingConfig: () => undefined,
    info,
  };
}

/** `--jobs N` (a whole number from 1 to 256), or `auto` for every core. */
function parseJobs(value: string | undefined): number {
  if (value === undefined) return 1;
  if (value === "auto") return availableCores();
  if (!/^[1-9][0-9]{0,2}$/.test(value) || Number(value) > 256) {
    throw new UsageError(`--jobs must be a whole number from 1 to 256, or auto, not ${quote(value, 40)}`);
  }
  return Number(value);
}

/** Runs a verify command; returns the exit code. */
export async function runVerify(
  command: "identity" | "github",
  flags: VerifyFlags,
  positionals: readonly string[],
  io: CliIo,
  deps: SignDependencies = {},
): Promise<number> {
  const jobs = parseJobs(flags.jobs);
  const inputs = positionals.map(parseInput);
  const plans = planMaterials(inputs, flags);
  const checks = verifyChecks(command, flags);
  // Every usage error is reported above, before the trust refresh may touch the network.
  const trust = await selectTrust(withPolicyTrustAge(flags, checks), io);
  const now = io.now();
  const ctx: VerifyContext = {
    signer: checks.signer,
    checks,
    trust,
    trustedRoot: trust.trustedRoot,
    now,
    flags,
    io,
    deps,
  };
  const results: unknown[] = [];
  let failed = 0;
  const record = (report: InputReport) => {
    io.stderr(report.stderr);
    results.push(report.entry);
    if (!report.ok) failed++;
  };
  const workers = Math.min(jobs, inputs.length);
  if (jobs > 1 && inputs.some((i) => i.kind === "stdin")) {
    throw new UsageError(
      "--jobs cannot be combined with - (standard input is read by the main thread alone)",
    );
  }
  if (workers > 1 && plans.every((p) => p.kind === "bundle")) {
    const { verifyInWorkers } = await import("./verify_pool.ts");
    await verifyInWorkers(
      { command, flags, now, inputs, plans, workers, entry: io.workerEntry, trust },
      record,
    );
  } else {
    for (let i = 0; i < inputs.length; i++) record(await verifyAndReport(inputs[i]!, plans[i]!, ctx));
  }
  if (flags.json) {
    const trustJson = trustInfoJson(trust.info, now);
    io.stdout(`${JSON.stringify({ verified: failed === 0, trust: trustJson, results }, null, 2)}\n`);
  }
  return failed === 0 ? EXIT.OK : EXIT.FAILED;
}
