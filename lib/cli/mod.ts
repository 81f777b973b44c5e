/**
 * The `sigstore-ts` command line, with the reference Python client's
 * commands and flags. `main(args, io)` takes its I/O as an argument so tests
 * drive it in-process.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { SigstoreError } from "../errors/mod.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { runVerify, type VerifyFlags } from "./verify_command.ts";
import type { SignDependencies, SignFlags } from "./sign_command.ts";

export type { CliIo } from "./io.ts";
export type { SignDependencies } from "./sign_command.ts";
export { EXIT, UsageError } from "./io.ts";

/** The version printed by `--version`. */
export const VERSION = "0.1.0";

const USAGE = `usage: sigstore-ts [--staging | --trust-config FILE | --trusted-root FILE] COMMAND ...

Commands:
  sign FILE...     sign files: [--identity-token T] [--bundle F] [--signature F] [--certificate F]
                   [--output-directory D] [--no-default-files] [--overwrite] [--rekor-version 1|2]
                   [--oidc-issuer URL] [--oidc-client-id ID] [--oidc-client-secret S]
                   [--oidc-disable-ambient-providers] [--oauth-force-oob]
  attest FILE...   sign an in-toto statement about files: --predicate FILE --predicate-type URI [sign flags]
  get-identity-token  print an OIDC identity token (ambient, browser, out-of-band or device flow)
  sign-bundle      the conformance-suite form: [--in-toto] --identity-token T --bundle OUT
                   [--trusted-root FILE] [--signing-config FILE] FILE
  verify identity  --cert-identity ID --cert-oidc-issuer URL [--bundle FILE] [--offline] FILE_OR_DIGEST...
                   or --key PUBLIC_KEY.pem for bundles signed with a managed key
  verify github    [--cert-identity ID] [--trigger EVENT] [--sha SHA] [--name NAME]
                   [--repository OWNER/REPO] [--ref REF] [--bundle FILE] FILE_OR_DIGEST...
  verify-bundle    the conformance-suite form: --bundle FILE (--certificate-identity ID
                   --certificate-oidc-issuer URL | --key FILE) [--trusted-root FILE] FILE_OR_DIGEST

Inputs are file paths or sha256:<64 hex> digests. Bundles default to INPUT.sigstore.json, then
INPUT.sigstore. Verification is offline: it uses the embedded production root (--staging: staging),
or the root given with --trusted-root / --trust-config.

Options:
  --json        print a JSON result object on stdout
  -v, --verbose show causes and error codes
  -h, --help    show this help
  --version     show the version

Exit status: 0 success, 1 a verification or signing failure, 2 usage error.
`;

const OPTIONS = {
  staging: { type: "boolean" },
  "trust-config": { type: "string" },
  "trusted-root": { type: "string" },
  offline: { type: "boolean" },
  bundle: { type: "string" },
  key: { type: "string" },
  "cert-identity": { type: "string" },
  "cert-oidc-issuer": { type: "string" },
  "certificate-identity": { type: "string" },
  "certificate-oidc-issuer": { type: "string" },
  trigger: { type: "string" },
  sha: { type: "string" },
  name: { type: "string" },
  repository: { type: "string" },
  ref: { type: "string" },
  json: { type: "boolean" },
  signature: { type: "string" },
  "output-signature": { type: "string" },
  certificate: { type: "string" },
  "output-certificate": { type: "string" },
  "output-directory": { type: "string" },
  "no-default-files": { type: "boolean" },
  overwrite: { type: "boolean" },
  "identity-token": { type: "string" },
  "oidc-issuer": { type: "string" },
  "oidc-client-id": { type: "string" },
  "oidc-client-secret": { type: "string" },
  "oidc-disable-ambient-providers": { type: "boolean" },
  "oauth-force-oob": { type: "boolean" },
  "rekor-version": { type: "string" },
  predicate: { type: "string" },
  "predicate-type": { type: "string" },
  "in-toto": { type: "boolean" },
  "signing-config": { type: "string" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

const GITHUB_ONLY = ["trigger", "sha", "name", "repository", "ref"] as const;

/** Runs the CLI with `args` (without the program name); returns the exit code. */
export async function main(args: readonly string[], io: CliIo, deps: SignDependencies = {}): Promise<number> {
  try {
    return await dispatch(args, io, deps);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message}\n(run sigstore-ts --help for usage)\n`);
      return EXIT.USAGE;
    }
    if (e instanceof SigstoreError) {
      io.stderr(`error: ${e.message}\n`);
      return EXIT.FAILED;
    }
    io.stderr(`internal error: ${(e as Error)?.message ?? String(e)}\n`);
    return EXIT.FAILED;
  }
}

async function dispatch(args: readonly string[], io: CliIo, deps: SignDependencies): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split("\n")[0]!);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.stdout(`sigstore-ts ${VERSION}\n`);
    return EXIT.OK;
  }
  if (values.help || positionals.length === 0) {
    (values.help ? io.stdout : io.stderr)(USAGE);
    return values.help ? EXIT.OK : EXIT.USAGE;
  }
  const [command, ...rest] = positionals;
  const env = io.env;
  if (command === "verify" || command === "verify-bundle") {
    let sub: "identity" | "github";
    let inputs: string[];
    if (command === "verify-bundle") {
      sub = "identity";
      inputs = rest;
    } else {
      const [name, ...more] = rest;
      if (name !== "identity" && name !== "github") {
        throw new UsageError(
          `verify needs a subcommand: identity or github${name ? `, not ${JSON.stringify(name)}` : ""}`,
        );
      }
      sub = name;
      inputs = more;
    }
    if (command === "verify-bundle" && (values["cert-identity"] || values["cert-oidc-issuer"])) {
      throw new UsageError("verify-bundle takes --certificate-identity and --certificate-oidc-issuer");
    }
    if (command === "verify" && (values["certificate-identity"] || values["certificate-oidc-issuer"])) {
      throw new UsageError("use --cert-identity and --cert-oidc-issuer");
    }
    if (sub === "identity") {
      for (const flag of GITHUB_ONLY) {
        if (values[flag] !== undefined) throw new UsageError(`--${flag} is an option of verify github`);
      }
    }
    const useKey = values.key !== undefined;
    const flags: VerifyFlags = {
      ...values,
      "cert-identity": values["cert-identity"] ?? values["certificate-identity"] ??
        (useKey ? undefined : env.SIGSTORE_CERT_IDENTITY),
      "cert-oidc-issuer": values["cert-oidc-issuer"] ?? values["certificate-oidc-issuer"] ??
        (useKey || sub === "github" ? undefined : env.SIGSTORE_CERT_OIDC_ISSUER),
      trigger: values.trigger ?? (sub === "github" ? env.SIGSTORE_VERIFY_GITHUB_WORKFLOW_TRIGGER : undefined),
      sha: values.sha ?? (sub === "github" ? env.SIGSTORE_VERIFY_GITHUB_WORKFLOW_SHA : undefined),
      name: values.name ?? (sub === "github" ? env.SIGSTORE_VERIFY_GITHUB_WORKFLOW_NAME : undefined),
      repository: values.repository ??
        (sub === "github" ? env.SIGSTORE_VERIFY_GITHUB_WORKFLOW_REPOSITORY : undefined),
      ref: values.ref ?? (sub === "github" ? env.SIGSTORE_VERIFY_GITHUB_WORKFLOW_REF : undefined),
    };
    if (sub === "github" && values["cert-oidc-issuer"] !== undefined) {
      throw new UsageError(
        "verify github always checks the GitHub Actions issuer; --cert-oidc-issuer is not accepted",
      );
    }
    return await runVerify(sub, flags, inputs, io);
  }
  if (
    command === "sign" || command === "attest" || command === "sign-bundle" ||
    command === "get-identity-token"
  ) {
    const flags: SignFlags = {
      ...values,
      signature: values.signature ?? values["output-signature"],
      certificate: values.certificate ?? values["output-certificate"],
      "identity-token": values["identity-token"] ?? env.SIGSTORE_IDENTITY_TOKEN,
      "oidc-client-id": values["oidc-client-id"] ?? env.SIGSTORE_OAUTH_CLIENT_ID,
      "oidc-client-secret": values["oidc-client-secret"] ?? env.SIGSTORE_OAUTH_CLIENT_SECRET,
      "oidc-issuer": values["oidc-issuer"] ?? env.SIGSTORE_OAUTH_ISSUER,
      // The conformance protocol names a fresh output path; it is written even if it exists.
      overwrite: command === "sign-bundle" ? true : values.overwrite,
    };
    // Loaded on demand: verification never needs the signing, OIDC and network code.
    const { runGetIdentityToken, runSign } = await import("./sign_command.ts");
    if (command === "get-identity-token") {
      if (rest.length > 0) throw new UsageError("get-identity-token takes no arguments");
      return await runGetIdentityToken(flags, io, deps);
    }
    if (command !== "attest" && (values.predicate !== undefined || values["predicate-type"] !== undefined)) {
      throw new UsageError("--predicate and --predicate-type are options of attest");
    }
    if (command === "sign-bundle" && flags.bundle === undefined) {
      throw new UsageError("sign-bundle needs --bundle");
    }
    return await runSign(command === "attest" ? "attest" : "sign", flags, rest, io, deps);
  }
  throw new UsageError(`Unknown command ${JSON.stringify(command)}`);
}
