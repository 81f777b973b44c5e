/**
 * `verify identity`, `verify github` and the conformance alias
 * `verify-bundle`: verifies one or more inputs (files or `sha256:` digests)
 * against their bundles with the trust `selectTrust` picks, printing `OK: INPUT` or
 * `FAIL: INPUT: reason` per input on stderr and, with `--json`, a result
 * object on stdout.
 *
 * @module
 */

import { parseBundleJson } from "../bundle/mod.ts";
import { decodeHex, decodePem } from "../encoding/mod.ts";
import { HASH_LENGTH, type HashAlgorithm, parsePublicKey } from "../crypto/mod.ts";
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
import { type TrustedRoot, trustInfoJson } from "../trust/mod.ts";
import { fileSize, hashFile, isFile, readBinaryFile, readTextFile } from "./files.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { describeFailure } from "./report.ts";
import { oneLine } from "./safe_text.ts";
import type { SignDependencies } from "./sign_command.ts";
import { selectTrust, type TrustFlags } from "./trust_selection.ts";

/** Flags of the verify commands (after env defaults). */
export interface VerifyFlags extends TrustFlags {
  readonly bundle?: string | undefined;
  readonly key?: string | undefined;
  readonly "cert-identity"?: string | undefined;
  readonly "cert-oidc-issuer"?: string | undefined;
  readonly trigger?: string | undefined;
  readonly sha?: string | undefined;
  readonly name?: string | undefined;
  readonly repository?: string | undefined;
  readonly ref?: string | undefined;
  readonly json?: boolean | undefined;
  readonly certificate?: string | undefined;
  readonly signature?: string | undefined;
}

/** Files up to this size are read whole (any key type works); larger ones are streamed. */
const READ_WHOLE_LIMIT = 32 * 1024 * 1024;

const DIGEST_INPUT = /^(sha256|sha384|sha512):(.*)$/;

/** One input: a file path or a digest. */
type Input = { readonly label: string; readonly path: string } | {
  readonly label: string;
  readonly algorithm: HashAlgorithm;
  readonly digest: Uint8Array;
};

function parseInput(arg: string): Input {
  const m = arg.match(DIGEST_INPUT);
  if (m && !isFile(arg)) {
    const algorithm = m[1] as HashAlgorithm;
    const digest = decodeHex(m[2]!);
    if (digest === undefined || digest.length !== HASH_LENGTH[algorithm]) {
      throw new UsageError(
        `Invalid digest ${JSON.stringify(arg)}: expected ${algorithm}: followed by ${
          2 * HASH_LENGTH[algorithm]
        } hex characters`,
      );
    }
    return { label: arg, algorithm, digest };
  }
  return { label: arg, path: arg };
}

/** Builds the signer policy from flags. */
function signerPolicy(command: "identity" | "github", flags: VerifyFlags): SignerPolicy {
  if (flags.key !== undefined) {
    if (
      command === "github" || flags["cert-identity"] !== undefined || flags["cert-oidc-issuer"] !== undefined
    ) {
      throw new UsageError("--key cannot be combined with identity checks");
    }
    const text = readTextFile(flags.key, "public key");
    const blocks = decodePem(text);
    const block = blocks?.find((b) => b.label === "PUBLIC KEY");
    if (block === undefined) {
      throw new ParseError(
        "KEY_PARSE",
        `Public key file ${
          JSON.stringify(flags.key)
        } is not a PEM "PUBLIC KEY" (missing block or bad base64)`,
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

function defaultBundlePath(input: Input): string {
  if (!("path" in input)) throw new UsageError(`A digest input (${input.label}) needs --bundle`);
  const json = `${input.path}.sigstore.json`;
  if (isFile(json)) return json;
  const legacy = `${input.path}.sigstore`;
  if (isFile(legacy)) return legacy;
  return json; // reading it reports "no such file" with the preferred name
}

async function verifyOne(
  input: Input,
  bundlePath: string,
  signer: SignerPolicy,
  trustedRoot: TrustedRoot,
  now: Date,
): Promise<VerificationResult> {
  const bundle = parseBundleJson(readTextFile(bundlePath, "bundle"));
  let artifact: ArtifactInput;
  if ("path" in input) {
    const size = fileSize(input.path, "artifact");
    if (size <= READ_WHOLE_LIMIT) {
      artifact = { kind: "bytes", bytes: readBinaryFile(input.path, "artifact") };
    } else {
      const key = signer.kind === "key"
        ? signer.key
        : bundle.verificationContent.kind === "publicKey"
        ? undefined
        : parsePublicKey(
          parseCertificate(
            bundle.verificationContent.kind === "certificate"
              ? bundle.verificationContent.certificate
              : bundle.verificationContent.certificates[0]!,
          ).publicKeyInfo,
        );
      artifact = {
        kind: "digest",
        digests: await hashFile(input.path, requiredDigestAlgorithms(bundle, key)),
      };
    }
  } else {
    artifact = { kind: "digest", digests: new Map([[input.algorithm, input.digest]]) };
  }
  return await verifyBundle(bundle, artifact, { trustedRoot, signer, now });
}

/** Runs a verify command; returns the exit code. */
export async function runVerify(
  command: "identity" | "github",
  flags: VerifyFlags,
  positionals: readonly string[],
  io: CliIo,
  _deps: SignDependencies = {},
): Promise<number> {
  if (flags.certificate !== undefined || flags.signature !== undefined) {
    throw new UsageError(
      "--certificate and --signature (detached verification) are not supported yet: verify with a bundle",
    );
  }
  if (flags.bundle !== undefined && positionals.length > 1) {
    throw new UsageError("--bundle names the bundle of a single input; give one input, or omit --bundle");
  }
  const inputs = positionals.map(parseInput);
  const signer = signerPolicy(command, flags);
  const bundlePaths = inputs.map((input) => flags.bundle ?? defaultBundlePath(input));
  // Every usage error is reported above, before the trust refresh may touch the network.
  const trust = await selectTrust(flags, io);
  const trustedRoot = trust.trustedRoot;
  const now = io.now();
  const results: unknown[] = [];
  let failed = 0;
  for (const [i, input] of inputs.entries()) {
    const bundlePath = bundlePaths[i]!;
    try {
      const result = await verifyOne(input, bundlePath, signer, trustedRoot, now);
      io.stderr(`OK: ${oneLine(input.label)}\n`);
      results.push({ input: input.label, bundle: bundlePath, verified: true, result });
    } catch (e) {
      if (!(e instanceof SigstoreError)) throw e;
      failed++;
      io.stderr(describeFailure(`FAIL: ${oneLine(input.label)}`, e, flags.verbose === true));
      results.push({
        input: input.label,
        bundle: bundlePath,
        verified: false,
        error: { name: e.name, code: e.code, message: e.message },
      });
    }
  }
  if (flags.json) {
    const trustJson = trustInfoJson(trust.info, now);
    io.stdout(`${JSON.stringify({ verified: failed === 0, trust: trustJson, results }, null, 2)}\n`);
  }
  return failed === 0 ? EXIT.OK : EXIT.FAILED;
}
