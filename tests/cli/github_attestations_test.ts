/**
 * `verify github` on GitHub artifact attestations, offline and without a
 * token: JSON Lines files as `gh attestation download` writes them,
 * assembled from genuine GitHub Actions bundles, mixed with bundles for
 * other artifacts and with tampered lines; and gh's claims, each with its
 * accepted and rejected twin.
 *
 * @module
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCli } from "../_support/cli.ts";
import {
  AA,
  AA_ARTIFACT,
  AA_TEST,
  jsonl,
  line,
  OTHERS,
  tamperedPayload,
  tamperedSignature,
} from "./_attestations.ts";

const VERIFY = ["verify", "github", "--offline"];

async function verify(bundle: string, ...flags: string[]) {
  const run = await runCli([...VERIFY, "--bundle", bundle, "--json", ...flags, AA_ARTIFACT]);
  const out = JSON.parse(run.stdout || "null");
  return { ...run, out, first: out?.results?.[0] };
}

describe("verify github --bundle NAME.jsonl", () => {
  it("selects the line for this artifact among others, reports it and its claims; --json has the statement", async () => {
    const file = jsonl([line(OTHERS.conda), line(OTHERS.fib), line(AA_TEST), line(OTHERS.wheel)]);
    const run = await verify(file, "--repo", AA.repo);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /^OK: .*artifact\n {2}matched .*\.jsonl line 3: repository https:\/\/github\.com\/loosebazooka\/aa-test, ref refs\/heads\/main, commit ebff8dfb/,
    );
    assert.equal(run.first.line, 3);
    assert.deepEqual(run.first.lines.map((l: { outcome: string }) => l.outcome), [
      "other-predicate-type",
      "other-artifact",
      "verified",
      "other-predicate-type",
    ]);
    assert.equal(run.first.statement._type, "https://in-toto.io/Statement/v1");
    assert.equal(run.first.statement.predicateType, "https://slsa.dev/provenance/v1");
    assert.equal(run.first.statement.subject[0].name, "a.txt");
    assert.equal(
      run.first.result.signer.extensions.sourceRepositoryUri,
      "https://github.com/loosebazooka/aa-test",
    );
  });

  it("a line with a tampered signature never passes on its own, and names its line", async () => {
    const run = await verify(jsonl([line(OTHERS.fib), tamperedSignature()]), "--repo", AA.repo);
    assert.equal(run.code, 1);
    assert.match(run.first.error.message, /\.jsonl" line 2: /);
    assert.notEqual(run.first.error.code, "INTOTO_SUBJECT");
  });

  it("a line with a tampered statement (same subject) never passes on its own", async () => {
    const run = await verify(jsonl([tamperedPayload()]), "--repo", AA.repo);
    assert.equal(run.code, 1);
    assert.match(run.first.error.message, /line 1: /);
  });

  it("a tampered line next to the genuine one: the genuine line verifies, the tampered one is reported failed", async () => {
    const run = await verify(
      jsonl([tamperedSignature(), tamperedPayload(), line(AA_TEST)]),
      "--repo",
      AA.repo,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.first.line, 3);
    assert.deepEqual(run.first.lines.map((l: { outcome: string }) => l.outcome), [
      "failed",
      "failed",
      "verified",
    ]);
  });

  it("a line that is not a bundle refuses the whole file, as gh does (even with a genuine line)", async () => {
    for (const bad of ["{not json", '{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}', "[]"]) {
      const run = await verify(jsonl([line(AA_TEST), bad]), "--repo", AA.repo);
      assert.equal(run.code, 1, bad);
      assert.equal(run.first.error.code, "BUNDLE_PARSE");
      assert.match(
        run.first.error.message,
        /line 2 is not a bundle \(the whole file is refused, as gh does\)/,
      );
    }
    const empty = await verify(jsonl(["", "  "]), "--repo", AA.repo);
    assert.equal(empty.first.error.code, "BUNDLE_PARSE");
    assert.match(empty.first.error.message, /holds no bundle/);
  });

  it("blank lines are skipped", async () => {
    const run = await verify(jsonl(["", line(AA_TEST), ""]), "--repo", AA.repo);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.first.line, 2);
  });

  it("no line for this artifact: INTOTO_SUBJECT, naming what the lines were", async () => {
    const run = await verify(jsonl([line(OTHERS.fib), line(OTHERS.conda)]), "--repo", AA.repo);
    assert.equal(run.code, 1);
    assert.equal(run.first.error.code, "INTOTO_SUBJECT");
    assert.match(
      run.first.error.message,
      /No bundle in .* is for this artifact with predicate type "https:\/\/slsa\.dev\/provenance\/v1" \(2 lines: 1 about other artifacts, 1 of other predicate types\)/,
    );
  });

  it("--predicate-type: SLSA provenance v1 by default with --repo/--owner; another type sets the line aside", async () => {
    const file = jsonl([line(AA_TEST)]);
    const other = await verify(file, "--repo", AA.repo, "--predicate-type", "https://spdx.dev/Document");
    assert.equal(other.code, 1);
    assert.equal(other.first.error.code, "INTOTO_SUBJECT");
    assert.match(other.first.error.message, /with predicate type "https:\/\/spdx\.dev\/Document"/);
    const same = await verify(file, "--repo", AA.repo, "--predicate-type", "https://slsa.dev/provenance/v1");
    assert.equal(same.code, 0, same.stderr);
    // On a single bundle the predicate type is checked too.
    const single = await verify(
      `${AA_TEST}/bundle.sigstore.json`,
      "--owner",
      "loosebazooka",
      "--predicate-type",
      "x:y",
    );
    assert.equal(single.first.error.code, "PREDICATE_TYPE");
  });
});

describe("gh attestation verify's claims, each with its rejected twin", () => {
  const file = jsonl([line(OTHERS.fib), line(AA_TEST)]);
  const cases: [string, string[], string[], string][] = [
    // The owner and repository extensions alone (the SAN pinned right by --signer-repo).
    [
      "--owner",
      ["--owner", "LooseBazooka"],
      ["--owner", "loosebazook", "--signer-repo", AA.repo],
      "POLICY_EXTENSION",
    ],
    ["--repo", ["--repo", "loosebazooka/AA-test"], [
      "--repo",
      "loosebazooka/aa-tes",
      "--signer-repo",
      AA.repo,
    ], "POLICY_EXTENSION"],
    // By default --owner and --repo also pin the SAN under https://github.com/OWNER[/REPO]/.
    ["--owner's default SAN", ["--owner", "loosebazooka"], ["--owner", "loosebazook"], "POLICY_IDENTITY"],
    ["--repo's default SAN", ["--repo", AA.repo], ["--repo", "loosebazooka/aa-tes"], "POLICY_IDENTITY"],
    [
      "--signer-workflow",
      ["--owner", "loosebazooka", "--signer-workflow", AA.workflow],
      ["--owner", "loosebazooka", "--signer-workflow", AA.workflow.replace(".yaml", ".yam")],
      "POLICY_IDENTITY",
    ],
    [
      "--signer-workflow with a host",
      ["--owner", "loosebazooka", "--signer-workflow", `github.com/${AA.workflow}`],
      ["--owner", "loosebazooka", "--signer-workflow", `github.com/${AA.workflow}@refs/heads/dev`],
      "POLICY_IDENTITY",
    ],
    [
      "--signer-repo",
      ["--owner", "loosebazooka", "--signer-repo", AA.repo],
      ["--owner", "loosebazooka", "--signer-repo", "loosebazooka/aa"],
      "POLICY_IDENTITY",
    ],
    ["--signer-digest", ["--repo", AA.repo, "--signer-digest", AA.commit], [
      "--repo",
      AA.repo,
      "--signer-digest",
      AA.commit.slice(0, 39),
    ], "POLICY_EXTENSION"],
    ["--source-ref", ["--repo", AA.repo, "--source-ref", AA.ref], [
      "--repo",
      AA.repo,
      "--source-ref",
      "refs/heads/mai",
    ], "POLICY_EXTENSION"],
    ["--source-digest", ["--repo", AA.repo, "--source-digest", AA.commit], [
      "--repo",
      AA.repo,
      "--source-digest",
      "0".repeat(40),
    ], "POLICY_EXTENSION"],
    [
      "--cert-identity (any of)",
      [
        "--repo",
        AA.repo,
        "--cert-identity",
        "https://example.com/x",
        "--cert-identity",
        `https://github.com/${AA.workflow}@${AA.ref}`,
      ],
      [
        "--repo",
        AA.repo,
        "--cert-identity",
        "https://example.com/x",
        "--cert-identity",
        `https://github.com/${AA.workflow}`,
      ],
      "POLICY_IDENTITY",
    ],
    [
      "--cert-identity-regex (anchored)",
      ["--repo", AA.repo, "--cert-identity-regex", "https://github\\.com/loosebazooka/aa-test/.*"],
      ["--repo", AA.repo, "--cert-identity-regex", "EVIL|https://github\\.com/loosebazooka/aa-test/"],
      "POLICY_IDENTITY",
    ],
  ];
  for (const [name, good, bad, code] of cases) {
    it(name, async () => {
      const ok = await verify(file, ...good);
      assert.equal(ok.code, 0, ok.stderr);
      const refused = await verify(file, ...bad);
      assert.equal(refused.code, 1, refused.stderr);
      assert.equal(refused.first.error.code, code, refused.first.error.message);
      assert.match(refused.first.error.message, /line 2: /);
    });
  }

  it("--deny-self-hosted-runners accepts a github-hosted runner", async () => {
    const run = await verify(file, "--repo", AA.repo, "--deny-self-hosted-runners");
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.first.result.signer.extensions.runnerEnvironment, "github-hosted");
  });

  it("a SAN pinned by a flag wins over SIGSTORE_CERT_IDENTITY (as every flag over its environment default)", async () => {
    const args = [...VERIFY, "--bundle", file, "--json", "--owner", "loosebazooka"];
    const env = { SIGSTORE_CERT_IDENTITY: "https://example.com/not-the-signer" };
    const fromEnv = await runCli([...args, AA_ARTIFACT], env);
    assert.equal(fromEnv.code, 1); // the environment's identity applies when no flag pins the SAN
    assert.equal(JSON.parse(fromEnv.stdout).results[0].error.code, "POLICY_IDENTITY");
    const pinned = await runCli([...args, "--signer-repo", AA.repo, AA_ARTIFACT], env);
    assert.equal(pinned.code, 0, pinned.stderr);
  });

  it("flags gh refuses together are usage errors; gh's flags belong to verify github", async () => {
    for (
      const args of [
        ["--owner", "a", "--repo", "a/b"],
        ["--repo", "a/b", "--signer-repo", "a/b", "--signer-workflow", "a/b/w.yml"],
        ["--repo", "a/b", "--cert-identity", "x", "--cert-identity-regex", "y"],
      ]
    ) {
      const run = await runCli([...VERIFY, "--bundle", file, ...args, AA_ARTIFACT]);
      assert.equal(run.code, 2, args.join(" "));
      assert.match(run.stderr, /cannot be combined/);
    }
    const foreign = await runCli(["verify", "identity", "--owner", "x", AA_ARTIFACT]);
    assert.equal(foreign.code, 2);
    assert.match(foreign.stderr, /--owner is an option of verify github/);
  });
});
