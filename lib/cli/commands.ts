/**
 * Every command of the CLI, in one tree: the reference client's `sign`,
 * `attest`, `verify identity`, `verify github`, `get-identity-token` and
 * `plumbing fix-bundle`, and the conformance protocol's `sign-bundle` and
 * `verify-bundle`. Each lists the flag groups it accepts (`lib/cli/flags.ts`)
 * and maps its parsed flags to its handler.
 *
 * To add a command: write a {@linkcode CommandSpec} (its groups, positionals
 * and `run`) and put it in {@linkcode COMMANDS} or in a group's `commands`.
 * Handlers that need the network or signing code are imported on demand in
 * `run`, so verification loads none of it.
 *
 * @example Find a command
 * ```ts
 * import { COMMANDS } from "./commands.ts";
 * const verify = COMMANDS.commands.find((c) => c.name === "verify");
 * ```
 *
 * @module
 */

import type { CommandGroupSpec, CommandSpec, Invocation } from "./command_spec.ts";
import {
  ATTEST_OUTPUT_FLAGS,
  COMMON_FLAGS,
  FIX_BUNDLE_FLAGS,
  GH_ATTESTATION_FLAGS,
  GITHUB_FLAGS,
  group,
  IDENTITY_FLAGS,
  INSTANCE,
  INSTANCE_FLAGS,
  JSON_OUTPUT,
  OIDC_FLAGS,
  OVERWRITE,
  PREDICATE_FLAGS,
  SIGN_BUNDLE_FLAGS,
  SIGN_OUTPUT_FLAGS,
  SIGNING_FLAGS,
  TRUST_FLAGS,
  TUF_INSTANCE_FLAGS,
  VERIFY_BUNDLE_FLAGS,
  VERIFY_INPUT_FLAGS,
  VERIFY_OUTPUT_FLAGS,
} from "./flags.ts";
import { UsageError } from "./io.ts";
import type { SignFlags } from "./sign_command.ts";
import { runVerify, type VerifyFlags } from "./verify_command.ts";

const FILES = { metavar: "FILE...", min: 1, max: Infinity } as const;
const INPUTS = {
  metavar: "FILE_OR_DIGEST...",
  min: 1,
  max: Infinity,
  missing: "Nothing to verify: give one or more files, sha256: digests or - for stdin",
} as const;

const GITHUB_CLAIMS = [
  "--trigger",
  "--sha",
  "--name",
  "--repository",
  "--ref",
  ...GH_ATTESTATION_FLAGS.flags.map((f) => `--${f.name}`),
];

/** The flags of a sign-like command, as the signing handler reads them. */
function signFlags(
  { args }: Invocation,
  overrides: Partial<Record<keyof SignFlags, unknown>> = {},
): SignFlags {
  return { ...args.values, ...overrides } as SignFlags;
}

async function runSignCommand(invocation: Invocation, kind: "sign" | "attest", flags: SignFlags) {
  const { runSign } = await import("./sign_command.ts");
  return await runSign(kind, flags, invocation.args.positionals, invocation.io, invocation.deps);
}

/** True when `--key` or `--policy` replaces the identity flags. */
function replacesIdentity({ args }: Invocation): boolean {
  return args.values.key !== undefined || args.values.policy !== undefined;
}

/** A value that came from an environment variable is dropped when `--key` or `--policy` replaces identity checks. */
function unlessReplaced(inv: Invocation, name: string): string | undefined {
  if (replacesIdentity(inv) && inv.args.fromEnv.has(name)) return undefined;
  return inv.args.values[name] as string | undefined;
}

/** Every `--cert-identity` (or the conformance spelling's one), env default included unless replaced. */
function identities(inv: Invocation, identityFlag: string): readonly string[] | undefined {
  const first = unlessReplaced(inv, identityFlag);
  if (first === undefined) return undefined;
  // Flags win over the environment: a SAN pinned on the command line drops SIGSTORE_CERT_IDENTITY.
  const pinned = ["cert-identity-regex", "signer-repo", "signer-workflow"].some((f) => inv.args.given.has(f));
  if (pinned && inv.args.fromEnv.has(identityFlag)) return undefined;
  return inv.args.lists.get(identityFlag) ?? [first];
}

/** `verify identity` and `verify-bundle`, which spell the identity flags differently. */
function runVerifyIdentity(inv: Invocation, identityFlag: string, issuerFlag: string): Promise<number> {
  const flags: VerifyFlags = {
    ...inv.args.values,
    identities: identities(inv, identityFlag),
    "cert-oidc-issuer": unlessReplaced(inv, issuerFlag),
  };
  return runVerify("identity", flags, inv.args.positionals, inv.io, inv.deps);
}

const sign: CommandSpec = {
  kind: "command",
  name: "sign",
  summary: "sign files with a short-lived certificate for your OIDC identity",
  description: "Writes FILE.sigstore.json for each FILE (a v0.3 bundle, verified before it is written).",
  groups: [SIGN_OUTPUT_FLAGS, SIGNING_FLAGS, OIDC_FLAGS, INSTANCE_FLAGS, COMMON_FLAGS],
  positionals: { ...FILES, missing: "Nothing to sign: give one or more files" },
  refuse: {
    "--predicate": "--predicate and --predicate-type are options of attest",
    "--predicate-type": "--predicate and --predicate-type are options of attest",
  },
  run: (inv) => runSignCommand(inv, "sign", signFlags(inv)),
};

const attest: CommandSpec = {
  kind: "command",
  name: "attest",
  summary: "sign an in-toto statement about files (DSSE)",
  description: "The statement's subject is each FILE (name and sha256); writes FILE.sigstore.json.",
  groups: [PREDICATE_FLAGS, ATTEST_OUTPUT_FLAGS, SIGNING_FLAGS, OIDC_FLAGS, INSTANCE_FLAGS, COMMON_FLAGS],
  positionals: { ...FILES, missing: "Nothing to attest: give one or more files" },
  run: (inv) => runSignCommand(inv, "attest", signFlags(inv)),
};

const getIdentityToken: CommandSpec = {
  kind: "command",
  name: "get-identity-token",
  summary: "print an OIDC identity token (ambient, browser, out-of-band or device flow)",
  groups: [OIDC_FLAGS, INSTANCE_FLAGS, COMMON_FLAGS],
  positionals: { metavar: "", min: 0, max: 0 },
  run: async (inv) => {
    const { runGetIdentityToken } = await import("./sign_command.ts");
    return await runGetIdentityToken(signFlags(inv), inv.io, inv.deps);
  },
};

const signBundle: CommandSpec = {
  kind: "command",
  name: "sign-bundle",
  summary: "sign one file, the conformance-suite protocol",
  groups: [SIGN_BUNDLE_FLAGS, INSTANCE_FLAGS, COMMON_FLAGS],
  positionals: { metavar: "FILE", min: 1, max: 1, missing: "sign-bundle needs the FILE to sign" },
  run: (inv) => {
    if (inv.args.values.bundle === undefined) throw new UsageError("sign-bundle needs --bundle");
    if (inv.args.values["identity-token"] === undefined) {
      throw new UsageError("sign-bundle needs --identity-token");
    }
    // The protocol names a fresh output path; it is written even if it exists.
    return runSignCommand(inv, "sign", signFlags(inv, { overwrite: true }));
  },
};

const verifyIdentity: CommandSpec = {
  kind: "command",
  name: "identity",
  summary: "verify inputs signed by a known identity (or a managed --key)",
  description:
    "Verifies each input against its bundle, or against a detached --certificate and --signature\n" +
    "whose log entry is looked up in the instance's Rekor.",
  groups: [IDENTITY_FLAGS, VERIFY_INPUT_FLAGS, VERIFY_OUTPUT_FLAGS, TRUST_FLAGS, COMMON_FLAGS],
  positionals: INPUTS,
  refuse: {
    ...Object.fromEntries(GITHUB_CLAIMS.map((f) => [f, `${f} is an option of verify github`])),
    "--certificate-identity":
      "use --cert-identity and --cert-oidc-issuer (the verify-bundle spellings differ)",
    "--certificate-oidc-issuer":
      "use --cert-identity and --cert-oidc-issuer (the verify-bundle spellings differ)",
  },
  run: (inv) => runVerifyIdentity(inv, "cert-identity", "cert-oidc-issuer"),
};

const verifyGithub: CommandSpec = {
  kind: "command",
  name: "github",
  summary: "verify inputs signed by a GitHub Actions workflow",
  description:
    "Always requires the issuer https://token.actions.githubusercontent.com; needs --cert-identity,\n" +
    "--cert-identity-regex, --repository, --owner, --repo, --signer-repo or --signer-workflow, and checks\n" +
    "every claim given. --bundle also takes the JSON Lines file of gh attestation download (NAME.jsonl):\n" +
    "the lines for this artifact are verified and the file passes when one does.",
  groups: [
    GITHUB_FLAGS,
    GH_ATTESTATION_FLAGS,
    VERIFY_INPUT_FLAGS,
    VERIFY_OUTPUT_FLAGS,
    TRUST_FLAGS,
    COMMON_FLAGS,
  ],
  positionals: INPUTS,
  refuse: {
    "--cert-oidc-issuer":
      "verify github always checks the GitHub Actions issuer; --cert-oidc-issuer is not accepted",
    "--key": "verify github checks a workflow identity; use verify identity --key for a managed key",
  },
  run: (inv) =>
    runVerify(
      "github",
      { ...inv.args.values, identities: identities(inv, "cert-identity") } as VerifyFlags,
      inv.args.positionals,
      inv.io,
      inv.deps,
    ),
};

const verifyBundle: CommandSpec = {
  kind: "command",
  name: "verify-bundle",
  summary: "verify one input, the conformance-suite protocol",
  groups: [VERIFY_BUNDLE_FLAGS, TRUST_FLAGS, COMMON_FLAGS],
  positionals: { metavar: "FILE_OR_DIGEST", min: 1, max: 1, missing: "verify-bundle needs a FILE_OR_DIGEST" },
  refuse: {
    "--cert-identity": "verify-bundle takes --certificate-identity and --certificate-oidc-issuer",
    "--cert-oidc-issuer": "verify-bundle takes --certificate-identity and --certificate-oidc-issuer",
  },
  run: (inv) => {
    if (inv.args.values.bundle === undefined) throw new UsageError("verify-bundle needs --bundle");
    return runVerifyIdentity(inv, "certificate-identity", "certificate-oidc-issuer");
  },
};

const fixBundle: CommandSpec = {
  kind: "command",
  name: "fix-bundle",
  summary: "complete an old bundle from the instance's Rekor (and optionally upgrade it to v0.3)",
  description:
    "Fetches a Rekor v1 entry's missing inclusion proof and checkpoint by log index, verifies the\n" +
    "result (with the bundle's own certificate identity as the policy), then prints it on stdout or,\n" +
    "with --in-place, replaces the file atomically.",
  groups: [FIX_BUNDLE_FLAGS, INSTANCE_FLAGS, COMMON_FLAGS],
  positionals: { metavar: "", min: 0, max: 0 },
  run: async (inv) => {
    const { runFixBundle } = await import("./fix_bundle_command.ts");
    return await runFixBundle(inv);
  },
};

async function trustCommands() {
  return await import("./trust_command.ts");
}

const trustShow: CommandSpec = {
  kind: "command",
  name: "show",
  summary: "print the trust in use: source, versions, age, keys and their windows",
  groups: [group("Output", [JSON_OUTPUT]), TRUST_FLAGS, COMMON_FLAGS],
  positionals: { metavar: "", min: 0, max: 0 },
  run: async (inv) => (await trustCommands()).runTrustShow(inv.args.values, inv.io),
};

const trustExport: CommandSpec = {
  kind: "command",
  name: "export",
  summary: "refresh the trust online; write it with its TUF metadata to FILE",
  description:
    "Copy FILE to an air-gapped machine and use it there with --trust-bundle FILE or trust import FILE.",
  groups: [group("Output", [OVERWRITE]), TUF_INSTANCE_FLAGS, COMMON_FLAGS],
  positionals: { metavar: "FILE", min: 1, max: 1, missing: "trust export needs the FILE to write" },
  run: async (inv) =>
    (await trustCommands()).runTrustExport(inv.args.values, inv.args.positionals[0]!, inv.io),
};

const trustImport: CommandSpec = {
  kind: "command",
  name: "import",
  summary: "verify a trust bundle from the embedded TUF root and cache it",
  groups: [TUF_INSTANCE_FLAGS, COMMON_FLAGS],
  positionals: { metavar: "FILE", min: 1, max: 1, missing: "trust import needs the FILE to import" },
  run: async (inv) =>
    (await trustCommands()).runTrustImport(inv.args.values, inv.args.positionals[0]!, inv.io),
};

/** `trust`: inspect and move the trust material. */
export const TRUST: CommandGroupSpec = {
  kind: "group",
  name: "trust",
  summary: "show, export and import the trust in use (TUF)",
  commands: [trustShow, trustExport, trustImport],
};

const trustInstance: CommandSpec = {
  kind: "command",
  name: "trust-instance",
  summary: "trust the TUF repository --instance URL, starting from ROOT.json",
  groups: [group("Instance", [INSTANCE]), COMMON_FLAGS],
  positionals: { metavar: "ROOT.json", min: 1, max: 1, missing: "trust-instance needs the TUF ROOT.json" },
  run: async (inv) =>
    (await trustCommands()).runTrustInstance(inv.args.values, inv.args.positionals[0]!, inv.io),
};

const updateTrustRoot: CommandSpec = {
  kind: "command",
  name: "update-trust-root",
  summary: "refresh the cached trust over TUF now",
  groups: [TUF_INSTANCE_FLAGS, COMMON_FLAGS],
  positionals: { metavar: "", min: 0, max: 0 },
  run: async (inv) => (await trustCommands()).runUpdateTrustRoot(inv.args.values, inv.io),
};

/** `plumbing`: developer operations. */
export const PLUMBING: CommandGroupSpec = {
  kind: "group",
  name: "plumbing",
  summary: "developer operations (fix-bundle, update-trust-root)",
  commands: [fixBundle, updateTrustRoot],
};

/** `verify`: the verification commands. */
export const VERIFY: CommandGroupSpec = {
  kind: "group",
  name: "verify",
  summary: "verify inputs against their bundles (identity, github)",
  commands: [verifyIdentity, verifyGithub],
};

/** The root of the command tree: `sigstore-ts COMMAND ...`. */
export const COMMANDS: CommandGroupSpec = {
  kind: "group",
  name: "sigstore-ts",
  summary: "sign and verify with Sigstore",
  commands: [sign, attest, VERIFY, getIdentityToken, TRUST, trustInstance, PLUMBING, signBundle, verifyBundle]
    .filter(
      (c) => c.kind === "command" || c.commands.length > 0,
    ),
};
