/**
 * `sign`, `attest`, `get-identity-token` and the conformance alias
 * `sign-bundle`. Outputs are planned and refused-if-existing before any
 * network call, inputs are read before the token is fetched, and each
 * input's files are written all-or-nothing after its bundle has passed our
 * own verifier. The identity token is never printed, except by
 * `get-identity-token`, whose job it is.
 *
 * @module
 */

import { basename } from "node:path";
import { digest } from "../crypto/mod.ts";
import { encodeBase64, encodeHex, encodePem } from "../encoding/mod.ts";
import { ConfigError } from "../errors/mod.ts";
import { createHttpClient, type HttpClient } from "../net/mod.ts";
import { getIdentityToken, identityOf } from "../oidc/mod.ts";
import { createNodeOidcEnvironment } from "../oidc/node_environment.ts";
import { createSigner } from "../sign/mod.ts";
import { parseSigningConfigJson, type SigningConfig, type TrustedRoot } from "../trust/mod.ts";
import { fileSize, readBinaryFile, readDocument } from "./files.ts";
import { selectTrust } from "./trust_selection.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { oneLine, quote, safeProse } from "./safe_text.ts";
import { type InputOutputs, type OutputFlags, planOutputs, writeFilesAtomically } from "./outputs.ts";

/** Flags of the signing commands. */
export interface SignFlags extends OutputFlags {
  readonly staging?: boolean | undefined;
  readonly instance?: string | undefined;
  readonly "trust-config"?: string | undefined;
  readonly "trusted-root"?: string | undefined;
  readonly "signing-config"?: string | undefined;
  readonly "identity-token"?: string | undefined;
  readonly "oidc-issuer"?: string | undefined;
  readonly "oidc-client-id"?: string | undefined;
  readonly "oidc-client-secret"?: string | undefined;
  readonly "oidc-disable-ambient-providers"?: boolean | undefined;
  readonly "oauth-force-oob"?: boolean | undefined;
  readonly "rekor-version"?: string | undefined;
  readonly predicate?: string | undefined;
  readonly "predicate-type"?: string | undefined;
  readonly "in-toto"?: boolean | undefined;
  readonly verbose?: boolean | undefined;
}

/** Injected pieces, for tests: the HTTP client. */
export interface SignDependencies {
  /** HTTP client for the signing and OIDC services; default: `createHttpClient()` */
  readonly http?: HttpClient;
}

/**
 * The trust root and signing config the flags name: the instance's over
 * TUF (so new services and log shards are picked up) unless files are
 * given; `--signing-config` replaces the signing config.
 */
async function selectSigningTrust(
  flags: SignFlags,
  io: CliIo,
): Promise<{ trustedRoot: TrustedRoot; signingConfig: SigningConfig }> {
  const rekorV2 = flags["rekor-version"] === "2";
  const selected = await selectTrust(flags, io);
  let signingConfig = flags["signing-config"]
    ? parseSigningConfigJson(readDocument(flags["signing-config"], "signing config"))
    : selected.signingConfig(rekorV2) ?? selected.signingConfig(false);
  if (signingConfig === undefined && flags["trusted-root"] !== undefined) {
    // A trusted root file names no services: take the instance's signing config.
    const instance = await selectTrust({
      staging: flags.staging,
      instance: flags.instance,
      verbose: flags.verbose,
    }, io);
    signingConfig = instance.signingConfig(rekorV2) ?? instance.signingConfig(false);
  }
  if (signingConfig === undefined) {
    throw new ConfigError(
      "CONFIG",
      "The trust in use has no signing config: signing needs one (--signing-config)",
    );
  }
  return { trustedRoot: selected.trustedRoot, signingConfig };
}

/** `--rekor-version` (the parser admits only 1 and 2). */
function rekorVersion(flags: SignFlags): 1 | 2 | undefined {
  const v = flags["rekor-version"];
  return v === undefined ? undefined : v === "1" ? 1 : 2;
}

async function obtainToken(flags: SignFlags, io: CliIo, http: HttpClient, signingConfig: SigningConfig) {
  const issuerUrl = flags["oidc-issuer"] ?? signingConfig.oidcUrls[0]?.url;
  if (issuerUrl === undefined && flags["identity-token"] === undefined) {
    throw new ConfigError(
      "CONFIG",
      "No OIDC issuer: the signing config lists none and --oidc-issuer is not given",
    );
  }
  const options = {
    issuerUrl: issuerUrl ?? "",
    clientId: flags["oidc-client-id"] ?? "sigstore",
    ...(flags["identity-token"] !== undefined ? { explicitToken: flags["identity-token"] } : {}),
    ...(flags["oidc-client-secret"] !== undefined ? { clientSecret: flags["oidc-client-secret"] } : {}),
    ...(flags["oidc-disable-ambient-providers"] ? { disableAmbient: true } : {}),
    ...(flags["oauth-force-oob"] ? { forceOob: true } : {}),
  };
  return await getIdentityToken(
    options,
    createNodeOidcEnvironment({ env: io.env, http, write: (text) => io.stderr(safeProse(text)) }),
  );
}

/** `get-identity-token`: prints a token on stdout. */
export async function runGetIdentityToken(
  flags: SignFlags,
  io: CliIo,
  deps: SignDependencies = {},
): Promise<number> {
  const http = deps.http ?? createHttpClient();
  const { signingConfig } = await selectSigningTrust(flags, io);
  const token = await obtainToken(flags, io, http, signingConfig);
  io.stdout(`${token.token}\n`);
  return EXIT.OK;
}

/** Builds the in-toto Statement `attest` signs. */
function buildStatement(
  input: string,
  bytes: Uint8Array,
  predicateType: string,
  predicate: unknown,
): Uint8Array {
  const statement = {
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: basename(input), digest: { sha256: encodeHex(digest("sha256", bytes)) } }],
    predicateType,
    predicate,
  };
  return new TextEncoder().encode(JSON.stringify(statement));
}

/** `sign` / `attest` / `sign-bundle`; returns the exit code. */
export async function runSign(
  command: "sign" | "attest",
  flags: SignFlags,
  inputs: readonly string[],
  io: CliIo,
  deps: SignDependencies = {},
): Promise<number> {
  if (inputs.length === 0) throw new UsageError(`Nothing to ${command}: give one or more files`);
  const version = rekorVersion(flags);
  let predicate: unknown;
  if (command === "attest") {
    if (flags.predicate === undefined || flags["predicate-type"] === undefined) {
      throw new UsageError("attest needs --predicate FILE and --predicate-type URI");
    }
    const text = readDocument(flags.predicate, "predicate");
    try {
      predicate = JSON.parse(text);
    } catch (e) {
      // The parser's own message quotes the input; give only where it failed.
      const at = (e as Error).message?.match(/position \d+/)?.[0];
      throw new UsageError(`Predicate ${quote(flags.predicate)} is not valid JSON${at ? ` (at ${at})` : ""}`);
    }
    if (typeof predicate !== "object" || predicate === null || Array.isArray(predicate)) {
      throw new UsageError(`Predicate ${quote(flags.predicate)} must be a JSON object`);
    }
  }
  // Everything that can be checked offline is checked before the first network call.
  const plans = planOutputs(inputs, flags);
  for (const input of inputs) fileSize(input, "input"); // exists and is a regular file
  const { trustedRoot, signingConfig } = await selectSigningTrust(flags, io);
  const http = deps.http ?? createHttpClient();
  const token = await obtainToken(flags, io, http, signingConfig);
  const identity = identityOf(token.claims);
  const signer = await createSigner(
    { token: token.token, identity: identity.identity, challenge: identity.challenge },
    { trustedRoot, signingConfig, http, now: io.now, rekorVersion: version },
  );
  io.stderr(`Using a certificate for ${oneLine(identity.identity)} (token from ${oneLine(token.source)})\n`);
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i]!;
    const bytes = readBinaryFile(plan.input, "input");
    const signed = command === "sign" && !flags["in-toto"]
      ? await signer.signArtifact(bytes)
      : await signer.signStatement(
        command === "attest" ? buildStatement(plan.input, bytes, flags["predicate-type"]!, predicate) : bytes,
      );
    writeOutputs(plan, signed);
    io.stderr(`OK: ${oneLine(plan.input)}${describeWritten(plan)}\n`);
  }
  return EXIT.OK;
}

function writeOutputs(
  plan: InputOutputs,
  signed: { bundle: unknown; certificate: Uint8Array; signature: Uint8Array },
): void {
  const files: { path: string; contents: string }[] = [];
  if (plan.bundle !== undefined) {
    files.push({ path: plan.bundle, contents: `${JSON.stringify(signed.bundle)}\n` });
  }
  if (plan.signature !== undefined) {
    files.push({ path: plan.signature, contents: `${encodeBase64(signed.signature)}\n` });
  }
  if (plan.certificate !== undefined) {
    files.push({ path: plan.certificate, contents: encodePem("CERTIFICATE", signed.certificate) });
  }
  writeFilesAtomically(files);
}

function describeWritten(plan: InputOutputs): string {
  const outs = [plan.bundle, plan.signature, plan.certificate].filter((p) => p !== undefined);
  return outs.length ? ` (wrote ${outs.map((o) => oneLine(o)).join(", ")})` : "";
}
