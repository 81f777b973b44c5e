/**
 * The CLI's flag tables: every flag once, with its kind (which decides how
 * its value is checked), its environment-variable default and its help
 * line, gathered into the groups that commands include explicitly
 * (`lib/cli/commands.ts`). A command accepts exactly the flags of the groups
 * it lists; any other flag is a usage error.
 *
 * To add a flag: define it here with {@linkcode flag}, put it in a group
 * (or a command's own list), and read it in the command's handler.
 *
 * @example A group used by a command
 * ```ts
 * import { TRUST_FLAGS } from "./flags.ts";
 * const names = TRUST_FLAGS.flags.map((f) => f.name); // ["staging", "trust-config", ...]
 * ```
 *
 * @module
 */

/**
 * How a flag's value is checked:
 * - `boolean`: takes no value;
 * - `text`: any non-empty string (`allowEmpty` permits "");
 * - `file`, `dir`: a non-empty path;
 * - `url`: an absolute http or https URL;
 * - `choice`: one of `choices`.
 */
export type FlagKind = "boolean" | "text" | "file" | "dir" | "url" | "choice";

/** One flag. */
export interface FlagSpec {
  /** The long name without the leading `--`; also the key of its parsed value. */
  readonly name: string;
  /** How its value is checked. */
  readonly kind: FlagKind;
  /** The value's placeholder in help text (`FILE`, `URL`, …). */
  readonly metavar?: string;
  /** A one-letter short form (`v` for `-v`). */
  readonly short?: string;
  /** Other long names that mean the same flag (`output-signature`). */
  readonly aliases?: readonly string[];
  /** The allowed values of a `choice` flag. */
  readonly choices?: readonly string[];
  /** The environment variable that gives its default when the flag is absent. */
  readonly env?: string;
  /** True when an empty value is meaningful (a `text` flag only). */
  readonly allowEmpty?: boolean;
  /** True when the flag may be given more than once; every value is kept, in order. */
  readonly repeatable?: boolean;
  /** One line of help. */
  readonly help: string;
}

/** A named list of flags that commands include as a whole. */
export interface FlagGroup {
  /** Heading in help text. */
  readonly title: string;
  /** The flags, in help order. */
  readonly flags: readonly FlagSpec[];
}

/** Defines a flag (identity function that keeps the literal type). */
export function flag(spec: FlagSpec): FlagSpec {
  return spec;
}

/** Defines a group. */
export function group(title: string, flags: readonly FlagSpec[]): FlagGroup {
  return { title, flags };
}

// ---------------------------------------------------------------- common

/** `-h/--help`, accepted by every command. */
export const HELP = flag({ name: "help", kind: "boolean", short: "h", help: "show this help and exit" });
/** `-V/--version`, accepted by every command. */
export const VERSION_FLAG = flag({
  name: "version",
  kind: "boolean",
  short: "V",
  help: "show the version and exit",
});
/** `-v/--verbose`: error causes and codes. */
export const VERBOSE = flag({
  name: "verbose",
  kind: "boolean",
  short: "v",
  help: "show the causes and error code of a failure",
});

/** Flags every command accepts. */
export const COMMON_FLAGS: FlagGroup = group("General options", [HELP, VERSION_FLAG, VERBOSE]);

// ---------------------------------------------------------------- trust and instance

/** `--staging`. */
export const STAGING = flag({
  name: "staging",
  kind: "boolean",
  help: "use the Sigstore staging instance instead of production",
});
/** `--trust-config FILE`. */
export const TRUST_CONFIG = flag({
  name: "trust-config",
  kind: "file",
  metavar: "FILE",
  help: "a ClientTrustConfig (trusted root and signing config) for a private instance (no TUF refresh)",
});
/** `--trusted-root FILE`. */
export const TRUSTED_ROOT = flag({
  name: "trusted-root",
  kind: "file",
  metavar: "FILE",
  help: "a TrustedRoot to use instead of the instance's (no TUF refresh)",
});
/** `--offline`: use no network at all. */
export const OFFLINE = flag({
  name: "offline",
  kind: "boolean",
  help: "use no network: the cached trust if any, else the embedded one; refuse what needs the network",
});
/** `--instance URL`: a Sigstore instance distributed over TUF. */
export const INSTANCE = flag({
  name: "instance",
  kind: "url",
  metavar: "URL",
  help: "the TUF repository of a Sigstore instance (its root stored first with trust-instance)",
});
/** `--trust-bundle FILE`: an exported trust bundle. */
export const TRUST_BUNDLE = flag({
  name: "trust-bundle",
  kind: "file",
  metavar: "FILE",
  help: "use the trust in a file from trust export, re-verified from the embedded TUF root (no network)",
});
/** `--max-trust-age DURATION`. */
export const MAX_TRUST_AGE = flag({
  name: "max-trust-age",
  kind: "text",
  metavar: "DURATION",
  help: "fail when the trust in use is older than DURATION (30d, 12h, 90m, 2w)",
});

/**
 * The instance-selection flags (mutually exclusive sources of trust) that
 * every command talking to or trusting an instance includes. Add new
 * instance or trust-source flags (`--instance URL`, …) here; the commands
 * that include this group then accept them.
 */
export const INSTANCE_FLAGS: FlagGroup = group("Instance and trust", [
  STAGING,
  INSTANCE,
  TRUST_CONFIG,
  TRUSTED_ROOT,
]);

/**
 * {@linkcode INSTANCE_FLAGS} plus `--offline`: the group of commands that
 * can run without the network (verification and trust inspection). Add
 * trust-freshness flags (`--max-trust-age`, …) here.
 */
export const TRUST_FLAGS: FlagGroup = group("Instance and trust", [
  ...INSTANCE_FLAGS.flags,
  OFFLINE,
  TRUST_BUNDLE,
  MAX_TRUST_AGE,
]);

/** The instance flags of commands that manage the TUF trust itself (`trust export`, `trust import`, …). */
export const TUF_INSTANCE_FLAGS: FlagGroup = group("Instance", [STAGING, INSTANCE]);

// ---------------------------------------------------------------- OIDC

/** `--identity-token TOKEN`. */
export const IDENTITY_TOKEN = flag({
  name: "identity-token",
  kind: "text",
  metavar: "TOKEN",
  env: "SIGSTORE_IDENTITY_TOKEN",
  help: "the OIDC identity token to sign with (else ambient CI credentials, else a sign-in)",
});

/** The OIDC flags shared by `sign`, `attest` and `get-identity-token`. */
export const OIDC_FLAGS: FlagGroup = group("OpenID Connect", [
  flag({
    name: "oidc-issuer",
    kind: "url",
    metavar: "URL",
    env: "SIGSTORE_OAUTH_ISSUER",
    help: "the OIDC issuer to sign in with (default: the signing config's)",
  }),
  flag({
    name: "oidc-client-id",
    kind: "text",
    metavar: "ID",
    env: "SIGSTORE_OAUTH_CLIENT_ID",
    help: "the OAuth client ID (default: sigstore)",
  }),
  flag({
    name: "oidc-client-secret",
    kind: "text",
    metavar: "SECRET",
    env: "SIGSTORE_OAUTH_CLIENT_SECRET",
    allowEmpty: true,
    help: "the OAuth client secret",
  }),
  flag({
    name: "oidc-disable-ambient-providers",
    kind: "boolean",
    help: "do not detect ambient CI credentials (GitHub Actions, GitLab, …)",
  }),
  flag({
    name: "oauth-force-oob",
    kind: "boolean",
    help: "use the out-of-band flow instead of opening a browser",
  }),
]);

// ---------------------------------------------------------------- signing

/** `--rekor-version 1|2`. */
export const REKOR_VERSION = flag({
  name: "rekor-version",
  kind: "choice",
  metavar: "1|2",
  choices: ["1", "2"],
  help: "the Rekor API version to log in (default: the signing config's newest)",
});
/** `--signing-config FILE`. */
export const SIGNING_CONFIG = flag({
  name: "signing-config",
  kind: "file",
  metavar: "FILE",
  help: "a SigningConfig naming the services to use",
});
/** `--overwrite`. */
export const OVERWRITE = flag({
  name: "overwrite",
  kind: "boolean",
  help: "overwrite existing outputs",
});
/** `--bundle FILE` as an output. */
export const BUNDLE_OUTPUT = flag({
  name: "bundle",
  kind: "file",
  metavar: "FILE",
  help: "write the bundle here (one input only; default: INPUT.sigstore.json)",
});

/** The signing options of `sign` and `attest`. */
export const SIGNING_FLAGS: FlagGroup = group("Signing", [IDENTITY_TOKEN, REKOR_VERSION, SIGNING_CONFIG]);

/** The outputs of `sign`. */
export const SIGN_OUTPUT_FLAGS: FlagGroup = group("Outputs", [
  BUNDLE_OUTPUT,
  flag({
    name: "signature",
    kind: "file",
    metavar: "FILE",
    aliases: ["output-signature"],
    help: "also write the base64 signature here (one input only)",
  }),
  flag({
    name: "certificate",
    kind: "file",
    metavar: "FILE",
    aliases: ["output-certificate"],
    help: "also write the PEM signing certificate here (one input only)",
  }),
  flag({
    name: "output-directory",
    kind: "dir",
    metavar: "DIR",
    help: "write the default outputs into DIR",
  }),
  flag({
    name: "no-default-files",
    kind: "boolean",
    help: "do not write INPUT.sigstore.json (needs --bundle, --signature or --certificate)",
  }),
  OVERWRITE,
]);

/** The outputs of `attest`. */
export const ATTEST_OUTPUT_FLAGS: FlagGroup = group("Outputs", [BUNDLE_OUTPUT, OVERWRITE]);

/** The predicate of `attest`. */
export const PREDICATE_FLAGS: FlagGroup = group("Statement", [
  flag({ name: "predicate", kind: "file", metavar: "FILE", help: "the predicate, a JSON object (required)" }),
  flag({
    name: "predicate-type",
    kind: "text",
    metavar: "URI",
    help: "the predicate type URI (required)",
  }),
]);

// ---------------------------------------------------------------- verification

/** `--bundle FILE` as an input. */
export const BUNDLE_INPUT = flag({
  name: "bundle",
  kind: "file",
  metavar: "FILE",
  help: "the bundle (one input only; default: INPUT.sigstore.json, then INPUT.sigstore)",
});

/** The verification materials of `verify identity` and `verify github`. */
export const VERIFY_INPUT_FLAGS: FlagGroup = group("Verification materials", [
  BUNDLE_INPUT,
  flag({
    name: "certificate",
    kind: "file",
    metavar: "FILE",
    aliases: ["cert"],
    help: "a detached PEM signing certificate (with --signature; looks the entry up in Rekor)",
  }),
  flag({
    name: "signature",
    kind: "file",
    metavar: "FILE",
    help: "a detached base64 signature (with --certificate)",
  }),
]);

/** `--cert-identity ID`. */
export const CERT_IDENTITY = flag({
  name: "cert-identity",
  kind: "text",
  metavar: "ID",
  env: "SIGSTORE_CERT_IDENTITY",
  repeatable: true,
  help:
    "the identity the certificate must name (its SAN), matched exactly; repeat it to accept any of several",
});
/** `--cert-identity-regex REGEX`. */
export const CERT_IDENTITY_REGEX = flag({
  name: "cert-identity-regex",
  kind: "text",
  metavar: "REGEX",
  help: "a pattern the whole SAN must match (always anchored: ^(?:REGEX)$)",
});
/** `--cert-oidc-issuer-regex REGEX`. */
export const CERT_OIDC_ISSUER_REGEX = flag({
  name: "cert-oidc-issuer-regex",
  kind: "text",
  metavar: "REGEX",
  help: "a pattern the whole OIDC issuer must match (always anchored: ^(?:REGEX)$)",
});
/** `--policy FILE`. */
export const POLICY = flag({
  name: "policy",
  kind: "file",
  metavar: "FILE",
  help:
    "a verification policy (JSON, version 1; schema: lib/policy/policy.schema.json) instead of identity flags",
});
/** `--jobs N`. */
export const JOBS = flag({
  name: "jobs",
  kind: "text",
  metavar: "N",
  help:
    "verify up to N inputs at once in worker threads (N or auto for one per core; default 1; output in input order)",
});
/** `--cert-oidc-issuer URL`. */
export const CERT_OIDC_ISSUER = flag({
  name: "cert-oidc-issuer",
  kind: "text",
  metavar: "URL",
  env: "SIGSTORE_CERT_OIDC_ISSUER",
  help: "the OIDC issuer the certificate must name, matched exactly",
});
/** `--key FILE`. */
export const KEY = flag({
  name: "key",
  kind: "file",
  metavar: "FILE",
  help: "a PEM public key, for bundles signed with a managed key (instead of an identity)",
});
/** `--json`. */
export const JSON_OUTPUT = flag({
  name: "json",
  kind: "boolean",
  help: "print a JSON result object on stdout",
});

/** The identity checks of `verify identity`. */
export const IDENTITY_FLAGS: FlagGroup = group("Signer", [
  CERT_IDENTITY,
  CERT_IDENTITY_REGEX,
  CERT_OIDC_ISSUER,
  CERT_OIDC_ISSUER_REGEX,
  KEY,
  POLICY,
]);

/** The GitHub Actions claims of `verify github`. */
export const GITHUB_FLAGS: FlagGroup = group("Signer (GitHub Actions)", [
  CERT_IDENTITY,
  CERT_IDENTITY_REGEX,
  flag({
    name: "trigger",
    kind: "text",
    metavar: "EVENT",
    env: "SIGSTORE_VERIFY_GITHUB_WORKFLOW_TRIGGER",
    help: "the event that triggered the workflow",
  }),
  flag({
    name: "sha",
    kind: "text",
    metavar: "SHA",
    env: "SIGSTORE_VERIFY_GITHUB_WORKFLOW_SHA",
    help: "the commit the workflow ran on",
  }),
  flag({
    name: "name",
    kind: "text",
    metavar: "NAME",
    env: "SIGSTORE_VERIFY_GITHUB_WORKFLOW_NAME",
    help: "the workflow's name",
  }),
  flag({
    name: "repository",
    kind: "text",
    metavar: "OWNER/REPO",
    env: "SIGSTORE_VERIFY_GITHUB_WORKFLOW_REPOSITORY",
    help: "the repository the workflow ran in",
  }),
  flag({
    name: "ref",
    kind: "text",
    metavar: "REF",
    env: "SIGSTORE_VERIFY_GITHUB_WORKFLOW_REF",
    help: "the git ref the workflow ran on",
  }),
]);

/** The SLSA provenance v1 predicate type, gh's default `--predicate-type`. */
export const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

/** The claims of `gh attestation verify`, accepted by `verify github`. */
export const GH_ATTESTATION_FLAGS: FlagGroup = group(
  "GitHub artifact attestations (as gh attestation verify)",
  [
    flag({
      name: "owner",
      kind: "text",
      metavar: "OWNER",
      help: "the source repository's owner (and, by default, the SAN's)",
    }),
    flag({
      name: "repo",
      kind: "text",
      metavar: "OWNER/REPO",
      help: "the source repository (and, by default, the SAN's)",
    }),
    flag({
      name: "signer-repo",
      kind: "text",
      metavar: "OWNER/REPO",
      help: "the repository of the (reusable) workflow that signed",
    }),
    flag({
      name: "signer-workflow",
      kind: "text",
      metavar: "[HOST/]OWNER/REPO/PATH",
      help: "the workflow that signed, at any ref",
    }),
    flag({ name: "signer-digest", kind: "text", metavar: "SHA", help: "the signing workflow's commit" }),
    flag({ name: "source-ref", kind: "text", metavar: "REF", help: "the source repository ref" }),
    flag({ name: "source-digest", kind: "text", metavar: "SHA", help: "the source repository commit" }),
    flag({
      name: "deny-self-hosted-runners",
      kind: "boolean",
      help: "refuse attestations made on self-hosted runners",
    }),
    flag({
      name: "predicate-type",
      kind: "text",
      metavar: "URI",
      help: `the predicate type to accept (default with --owner or --repo: ${SLSA_PROVENANCE_V1})`,
    }),
  ],
);

/** How verification results are shown. */
export const VERIFY_OUTPUT_FLAGS: FlagGroup = group("Output", [JSON_OUTPUT, JOBS]);

// ---------------------------------------------------------------- conformance aliases

/** The flags of the conformance protocol's `verify-bundle`. */
export const VERIFY_BUNDLE_FLAGS: FlagGroup = group("Conformance protocol", [
  flag({ ...BUNDLE_INPUT, help: "the bundle (required)" }),
  flag({
    name: "certificate-identity",
    kind: "text",
    metavar: "ID",
    env: "SIGSTORE_CERT_IDENTITY",
    help: "the identity the certificate must name",
  }),
  flag({
    name: "certificate-oidc-issuer",
    kind: "text",
    metavar: "URL",
    env: "SIGSTORE_CERT_OIDC_ISSUER",
    help: "the OIDC issuer the certificate must name",
  }),
  KEY,
]);

/** The flags of the conformance protocol's `sign-bundle`. */
export const SIGN_BUNDLE_FLAGS: FlagGroup = group("Conformance protocol", [
  IDENTITY_TOKEN,
  flag({ ...BUNDLE_OUTPUT, help: "write the bundle here (required; overwritten)" }),
  flag({ name: "in-toto", kind: "boolean", help: "the input is an in-toto statement: sign it as DSSE" }),
  SIGNING_CONFIG,
]);

// ---------------------------------------------------------------- plumbing

/** The flags of `plumbing fix-bundle`. */
export const FIX_BUNDLE_FLAGS: FlagGroup = group("Fix bundle", [
  flag({ ...BUNDLE_INPUT, help: "the bundle to fix (required)" }),
  flag({ name: "upgrade-version", kind: "boolean", help: "rewrite it as a v0.3 bundle" }),
  flag({
    name: "in-place",
    kind: "boolean",
    help: "replace the bundle file (atomically) instead of printing the fixed bundle on stdout",
  }),
]);
