/**
 * Each command takes its own flags and nothing else: a flag of another
 * command, an unknown one, a bad or empty value, a flag given twice, or the
 * wrong number of arguments is a one-line usage error (exit 2); each
 * rejection has an accepted twin that gets past the parser.
 *
 * @module
 */

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, it } from "node:test";
import { COMMANDS } from "../../lib/cli/commands.ts";
import type { CommandGroupSpec, CommandSpec } from "../../lib/cli/command_spec.ts";
import * as flagTables from "../../lib/cli/flags.ts";
import type { FlagGroup, FlagSpec } from "../../lib/cli/flags.ts";
import { spellings } from "../../lib/cli/parse_args.ts";
import { type CliRun, runCli } from "../_support/cli.ts";

const work = mkdtempSync(`${tmpdir()}/sigstore-ts-flags-`);
after(() => rmSync(work, { recursive: true, force: true }));
const artifact = `${work}/a.txt`;
writeFileSync(artifact, "hello\n");
const ID = ["--cert-identity", "me@example.com", "--cert-oidc-issuer", "https://issuer.example"];

/** A usage error: exit 2, one line on stderr, nothing on stdout. */
function assertUsage(run: CliRun, pattern: RegExp): void {
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, pattern);
  assert.equal(run.stderr.split("\n").length, 2, `one line: ${JSON.stringify(run.stderr)}`);
  assert.match(run.stderr, /^error: .*\(see sigstore-ts [a-z -]*--help\)\n$/);
  assert.equal(run.stdout, "");
}

/** Got past the flag parser: whatever failed later, it was not this flag. */
function assertFlagAccepted(run: CliRun, flag: string): void {
  assert.doesNotMatch(
    run.stderr,
    new RegExp(`${flag} (is not an option|is given twice|has an empty|must be)`),
  );
  assert.doesNotMatch(run.stderr, /Unknown option/);
}

function leafCommands(node: CommandGroupSpec, prefix: string[] = []): [string[], CommandSpec][] {
  return node.commands.flatMap((c): [string[], CommandSpec][] =>
    c.kind === "group" ? leafCommands(c, [...prefix, c.name]) : [[[...prefix, c.name], c]]
  );
}
const LEAVES = leafCommands(COMMANDS);

describe("each command refuses the flags of other commands", () => {
  const cases: [string, string[], RegExp][] = [
    [
      "verify identity --overwrite",
      ["verify", "identity", ...ID, "--overwrite", artifact],
      /--overwrite is not an option of verify identity \(it belongs to sign, attest, trust export\)/,
    ],
    [
      "verify identity --identity-token",
      ["verify", "identity", ...ID, "--identity-token", "t", artifact],
      /--identity-token is not an option of verify identity/,
    ],
    [
      "verify github --key",
      ["verify", "github", "--repository", "o/r", "--key", "k.pem", artifact],
      /use verify identity --key/,
    ],
    [
      "verify identity --rekor-version",
      ["verify", "identity", ...ID, "--rekor-version", "2", artifact],
      /--rekor-version is not an option of verify identity/,
    ],
    [
      "verify identity --trigger",
      ["verify", "identity", ...ID, "--trigger", "push", artifact],
      /of verify github/,
    ],
    [
      "sign --cert-identity",
      ["sign", "--cert-identity", "x", artifact],
      /--cert-identity is not an option of sign/,
    ],
    ["sign --offline", ["sign", "--offline", artifact], /--offline is not an option of sign/],
    [
      "sign --in-toto",
      ["sign", "--in-toto", artifact],
      /--in-toto is not an option of sign \(it belongs to sign-bundle\)/,
    ],
    ["sign --predicate", ["sign", "--predicate", "p.json", artifact], /are options of attest/],
    [
      "attest --signature",
      ["attest", "--signature", "s", artifact],
      /--signature is not an option of attest/,
    ],
    [
      "get-identity-token --identity-token",
      ["get-identity-token", "--identity-token", "t"],
      /--identity-token is not an option of get-identity-token/,
    ],
    [
      "verify-bundle --cert-identity",
      ["verify-bundle", "--cert-identity", "x", artifact],
      /--certificate-identity/,
    ],
    [
      "a foreign flag before the command",
      ["--overwrite", "verify", "identity", ...ID, artifact],
      /--overwrite is not an option of verify identity/,
    ],
    ["an unknown flag", ["sign", "--frobnicate", artifact], /Unknown option "--frobnicate"/],
    ["an unknown short flag in a group", ["verify", "identity", "-vq", artifact], /Unknown option "-q"/],
  ];
  for (const [what, args, pattern] of cases) {
    it(what, async () => assertUsage(await runCli(args), pattern));
  }
  it("the twins: the owners accept those flags", async () => {
    // Each run fails later (no network, no such file), but not on the flag.
    assertFlagAccepted(await runCli(["sign", "--overwrite", "--no-default-files", artifact]), "--overwrite");
    assertFlagAccepted(
      await runCli(["verify", "github", "--repository", "o/r", "--trigger", "push", "--offline", artifact]),
      "--trigger",
    );
    const key = await runCli(["verify", "identity", "--key", `${work}/none.pem`, artifact]);
    assertFlagAccepted(key, "--key");
    assert.match(key.stderr, /Cannot read public key/);
    assertFlagAccepted(
      await runCli([
        "verify-bundle",
        "--certificate-identity",
        "x",
        "--certificate-oidc-issuer",
        "y",
        artifact,
      ]),
      "--certificate-identity",
    );
  });
});

describe("flag values are checked", () => {
  it("--rekor-version takes 1 or 2 only", async () => {
    assertUsage(
      await runCli(["sign", "--rekor-version", "7", artifact]),
      /--rekor-version must be 1 or 2, not "7"/,
    );
    assertFlagAccepted(
      await runCli(["sign", "--rekor-version", "2", "--no-default-files", artifact]),
      "--rekor-version",
    );
  });
  const empties: [string, string[]][] = [
    ["--trust-config", ["--trust-config", "", "verify", "identity", ...ID, artifact]],
    ["--trusted-root", ["verify", "identity", ...ID, "--trusted-root", "", artifact]],
    ["--bundle", ["verify", "identity", ...ID, "--bundle=", artifact]],
    ["--oidc-issuer", ["get-identity-token", "--oidc-issuer", ""]],
    ["--output-directory", ["sign", "--output-directory", "", artifact]],
    ["--cert-identity", ["verify", "identity", "--cert-identity", "", "--cert-oidc-issuer", "x", artifact]],
  ];
  for (const [flag, args] of empties) {
    it(`an empty ${flag} is a usage error, not a default`, async () => {
      assertUsage(await runCli(args), new RegExp(`${flag} has an empty value \\(an unset variable\\?\\)`));
    });
  }
  it("the twin: a non-empty --trust-config is read", async () => {
    const run = await runCli(["--trust-config", `${work}/none.json`, "verify", "identity", ...ID, artifact]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Cannot read trust config/);
  });
  it("an empty client secret is allowed (it is a valid secret)", async () => {
    assertFlagAccepted(
      await runCli(["get-identity-token", "--oidc-client-secret", "", "--oidc-issuer", "http://127.0.0.1:9"]),
      "--oidc-client-secret",
    );
  });
  it("a URL flag needs an http(s) URL", async () => {
    assertUsage(
      await runCli(["get-identity-token", "--oidc-issuer", "ftp://example.com"]),
      /--oidc-issuer must be an http or https URL, not "ftp:\/\/example.com"/,
    );
    assertUsage(
      await runCli(["get-identity-token", "--oidc-issuer", "issuer.example"]),
      /must be an http or https URL/,
    );
  });
  it("a flag given twice", async () => {
    assertUsage(
      await runCli(["verify", "identity", ...ID, "--bundle", "a", "--bundle", "b", artifact]),
      /--bundle is given twice/,
    );
    assertUsage(
      await runCli(["sign", "--signature", "a", "--output-signature", "b", artifact]),
      /--signature is given twice/,
    );
  });
  it("a missing value", async () => {
    assertUsage(
      await runCli(["verify", "identity", ...ID, "--bundle"]),
      /--bundle needs a value \(FILE\) \(see/,
    );
    assertUsage(
      await runCli(["verify", "identity", ...ID, "--bundle", "--staging", artifact]),
      /--bundle needs a value \(FILE\); for one that starts with -, write --bundle=VALUE/,
    );
  });
  it("a boolean flag with a value", async () => {
    assertUsage(
      await runCli(["verify", "identity", ...ID, "--staging=yes", artifact]),
      /--staging takes no value, got "--staging=yes"/,
    );
  });
  it("usage errors are whole sentences: balanced quotes and brackets, nothing undefined", async () => {
    const runs = [
      ["verify", "--identity-token", "x"],
      ["verify", "identity", "--identity-token", "t", artifact],
      ["verify", "identity", ...ID, "-Q", artifact],
      ["verify", "identity", ...ID, "--bundle", "--json", artifact],
      ["verify", "identity", ...ID, "--json=1", artifact],
      ["sign", "--rekor-version", 'a"b', artifact],
      ["verfy", 'x"y'],
      ["--trust-config", "", "sign", artifact],
      ["get-identity-token", "extra"],
    ];
    for (const args of runs) {
      const run = await runCli(args);
      assertUsage(run, /./);
      const line = run.stderr.trimEnd().replace(/\\./g, "");
      assert.equal((line.match(/"/g) ?? []).length % 2, 0, `quotes: ${line}`);
      assert.equal((line.match(/\(/g) ?? []).length, (line.match(/\)/g) ?? []).length, `brackets: ${line}`);
      assert.doesNotMatch(line, /undefined|'-- "/, line);
    }
  });
  it("an option's value is not taken for the command", async () => {
    // "sign" here is --bundle's value; the command is still missing.
    assertUsage(await runCli(["--bundle", "sign"]), /No command given/);
  });
});

describe("environment defaults", () => {
  it("an empty variable counts as unset", async () => {
    const run = await runCli(["verify", "identity", "--cert-oidc-issuer", "x", artifact], {
      SIGSTORE_CERT_IDENTITY: "",
    });
    assertUsage(run, /needs --cert-identity and --cert-oidc-issuer/);
  });
  it("a set variable fills the flag", async () => {
    const run = await runCli(["verify", "identity", "--cert-oidc-issuer", "x", "--offline", artifact], {
      SIGSTORE_CERT_IDENTITY: "me@example.com",
    });
    assert.equal(run.code, 1, run.stderr); // got to the bundle, which is missing
    assert.match(run.stderr, /Cannot read bundle/);
  });
  it("identity variables do not collide with --key", async () => {
    const run = await runCli(["verify", "identity", "--key", `${work}/none.pem`, artifact], {
      SIGSTORE_CERT_IDENTITY: "me@example.com",
      SIGSTORE_CERT_OIDC_ISSUER: "https://issuer.example",
    });
    assert.match(run.stderr, /Cannot read public key/);
  });
  it("a bad value from a variable names the variable", async () => {
    const run = await runCli(["get-identity-token"], { SIGSTORE_OAUTH_ISSUER: "not a url" });
    assertUsage(run, /^error: SIGSTORE_OAUTH_ISSUER must be an http or https URL/);
  });
});

describe("commands, help and version", () => {
  it("-h inside grouped short flags shows help instead of running", async () => {
    const run = await runCli(["verify", "identity", ...ID, "-vh", artifact]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^usage: sigstore-ts verify identity /);
    assert.equal(run.stderr, "");
  });
  it("-V and --version", async () => {
    for (const args of [["-V"], ["--version"], ["sign", "--version"]]) {
      const run = await runCli(args);
      assert.equal(run.code, 0);
      assert.match(run.stdout, /^sigstore-ts \d+\.\d+\.\d+\n$/);
    }
  });
  it("an unknown command exits 2 with one line", async () => {
    assertUsage(await runCli(["verfy"]), /^error: Unknown command "verfy"/);
    assertUsage(
      await runCli(["verify", "identiy"]),
      /verify needs a subcommand: identity or github, not "identiy"/,
    );
    assertUsage(await runCli(["verify"]), /verify needs a subcommand/);
  });
  it("the wrong number of arguments", async () => {
    assertUsage(await runCli(["get-identity-token", "x"]), /get-identity-token takes no arguments, got "x"/);
    assertUsage(
      await runCli(["verify-bundle", "--bundle", "b", "x", "y"]),
      /takes one FILE_OR_DIGEST, got 2/,
    );
    assertUsage(await runCli(["sign"]), /Nothing to sign/);
    assertUsage(await runCli(["verify", "identity", ...ID]), /Nothing to verify/);
  });
  it("--help lists the commands; COMMAND --help its own flags", async () => {
    const top = await runCli(["--help"]);
    assert.equal(top.code, 0);
    for (const [path] of LEAVES) assert.match(top.stdout, new RegExp(`^  ${path.join(" ")} `, "m"));
    const group = await runCli(["verify", "--help"]);
    assert.match(group.stdout, /^usage: sigstore-ts verify COMMAND/);
    assert.match(group.stdout, /verify identity/);
    assert.doesNotMatch(group.stdout, /get-identity-token/);
  });
  for (const [path, spec] of LEAVES) {
    it(`${path.join(" ")} --help shows exactly its flags`, async () => {
      const run = await runCli([...path, "--help"]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^usage: sigstore-ts ${path.join(" ")} `));
      const own = new Set(spec.groups.flatMap((g) => g.flags).map((f) => f.name));
      for (const name of own) assert.match(run.stdout, new RegExp(`--${name}(?![\\w-])`), `--${name} listed`);
      for (const other of allFlags()) {
        if (own.has(other.name) || (other.aliases ?? []).some((a) => own.has(a))) continue;
        assert.doesNotMatch(
          run.stdout,
          new RegExp(`^\\s+(-., )?--${other.name}(?![\\w-])`, "m"),
          `--${other.name}`,
        );
      }
    });
  }
});

function allFlags(): FlagSpec[] {
  return Object.values(flagTables).filter((v): v is FlagGroup =>
    typeof v === "object" && v !== null && "flags" in v
  ).flatMap((g) => g.flags);
}

describe("the flag tables", () => {
  it("a spelling means one kind of flag everywhere", () => {
    const kinds = new Map<string, boolean>();
    for (const f of allFlags()) {
      for (const s of spellings(f)) {
        const takesValue = f.kind !== "boolean";
        assert.equal(kinds.get(s) ?? takesValue, takesValue, s);
        kinds.set(s, takesValue);
      }
    }
  });
  it("no command lists a flag twice, and every flag in a group is used by a command", () => {
    const used = new Set<string>();
    for (const [path, spec] of LEAVES) {
      const names = spec.groups.flatMap((g) => g.flags).flatMap(spellings);
      assert.equal(new Set(names).size, names.length, `${path.join(" ")} lists a flag twice`);
      names.forEach((n) => used.add(n));
    }
    for (const f of allFlags()) assert.ok(used.has(`--${f.name}`), `--${f.name} is in no command`);
  });
  it("the trust group is shared by the verify commands", () => {
    for (const [path, spec] of LEAVES) {
      if (path[0] === "verify" || path[0] === "verify-bundle") {
        assert.ok(spec.groups.includes(flagTables.TRUST_FLAGS), path.join(" "));
      }
    }
  });
});
