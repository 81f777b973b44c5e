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

export type { CliIo } from "./io.ts";
export { EXIT, UsageError } from "./io.ts";

/** The version printed by `--version`. */
export const VERSION = "0.1.0";

const USAGE = `usage: sigstore-ts [--staging | --trust-config FILE | --trusted-root FILE] COMMAND ...

Commands:
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

Exit status: 0 all verified, 1 a verification failed, 2 usage error.
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
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

const GITHUB_ONLY = ["trigger", "sha", "name", "repository", "ref"] as const;

/** Runs the CLI with `args` (without the program name); returns the exit code. */
export async function main(args: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(args, io);
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

async function dispatch(args: readonly string[], io: CliIo): Promise<number> {
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
  if (command === "sign" || command === "attest" || command === "get-identity-token") {
    io.stderr(`error: ${command} is not available yet in sigstore-ts: this release only verifies\n`);
    return EXIT.FAILED;
  }
  throw new UsageError(`Unknown command ${JSON.stringify(command)}`);
}
