/**
 * dist/verify.html in a real headless Chromium (Debian's `chromium`, driven
 * over the DevTools protocol): genuine bundles verify (identity and GitHub
 * repository modes, production and staging), tampered twins show the failed
 * check with the same code the library gives, input-derived text is never
 * parsed as HTML, the page makes no network request, and a 100 MiB artifact
 * is hashed as a stream with the progress bar reaching 100% while the
 * live memory stays far below the file's size. Screenshots are
 * decoded and checked for the result's colours.
 *
 * Without Chromium the tests are skipped with a note (tests/_support/unavailable.ts), except under CI=true,
 * where they fail.
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, before, describe, it } from "node:test";
import {
  embeddedTrustedRoot,
  githubPolicy,
  parseBundleJson,
  type SignerPolicy,
  SigstoreError,
  verifyBundle,
} from "../../lib/verify/entry.ts";
import { CHROMIUM, type Chromium, type ChromiumPage, launchChromium } from "../_support/chromium.ts";
import { REPO_ROOT, TESTDATA } from "../_support/paths.ts";
import { testsUnavailable } from "../_support/unavailable.ts";
import { countColor, decodePng, distinctColors } from "../_support/png.ts";

const GENUINE = `${TESTDATA}/genuine`;
const GREEN: [number, number, number] = [0x1a, 0x7f, 0x37];
const RED: [number, number, number] = [0xcf, 0x22, 0x2e];
const MiB = 2 ** 20;

const skip = CHROMIUM === undefined;
if (skip) {
  testsUnavailable(
    "dist/verify.html browser tests",
    "no Chromium (apt-get install chromium, or set CHROMIUM)",
  );
}

/** What a person types and picks in the page. */
interface PageInput {
  readonly artifact: string;
  readonly bundle: string;
  readonly instance: "production" | "staging";
  readonly signer: { readonly identity: string; readonly issuer: string } | { readonly repository: string };
}

/** What the page shows after a run. */
interface PageOutcome {
  readonly state: string;
  readonly code: string | undefined;
  readonly status: string;
  readonly rows: Record<string, string[]>;
  readonly progress: number;
}

function genuine(name: string, file: string): string {
  return `${GENUINE}/${name}/${file}`;
}

function text(path: string): string {
  return readFileSync(path, "utf8").trim();
}

/** A genuine case of testdata/genuine as typed into the page: its identity, issuer and instance. */
function genuineInput(name: string): PageInput {
  return {
    artifact: genuine(name, "artifact"),
    bundle: genuine(name, "bundle.sigstore.json"),
    instance: text(genuine(name, "instance")) as PageInput["instance"],
    signer: { identity: text(genuine(name, "identity")), issuer: text(genuine(name, "issuer")) },
  };
}

/** The library's verdict on the same input, in-process: "verified" or the error code. */
async function libraryVerdict(input: PageInput): Promise<string> {
  const signer: SignerPolicy = "repository" in input.signer
    ? { kind: "identity", policy: githubPolicy({ repository: input.signer.repository }) }
    : {
      kind: "identity",
      policy: { subject: { exact: input.signer.identity }, issuer: input.signer.issuer, extensions: [] },
    };
  try {
    await verifyBundle(
      parseBundleJson(readFileSync(input.bundle, "utf8")),
      { kind: "bytes", bytes: new Uint8Array(readFileSync(input.artifact)) },
      { trustedRoot: embeddedTrustedRoot(input.instance), signer, now: new Date() },
    );
    return "verified";
  } catch (e) {
    if (e instanceof SigstoreError) return e.code;
    throw e;
  }
}

/** Drops files on the page's drop zone, as a person dragging them from a file manager. */
async function dropFiles(page: ChromiumPage, paths: readonly string[]): Promise<void> {
  const { x, y } = await page.evaluate<{ x: number; y: number }>(`(() => {
    const r = document.getElementById("drop").getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + 10 };
  })()`);
  const data = { items: [], files: paths, dragOperationsMask: 1 };
  for (const type of ["dragEnter", "dragOver", "drop"]) {
    await page.send("Input.dispatchDragEvent", { type, x, y, data });
  }
}

/** Fills in the page (files through the inputs, or dropped), clicks Verify and waits for the verdict. */
async function runPage(
  page: ChromiumPage,
  input: PageInput,
  options: { timeoutMs?: number; drop?: boolean } = {},
): Promise<PageOutcome> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (options.drop) {
    await dropFiles(page, [input.bundle, input.artifact]);
  } else {
    await page.setFiles("#artifact", [input.artifact]);
    await page.setFiles("#bundle", [input.bundle]);
  }
  const values = "repository" in input.signer
    ? { "mode-github": true, repository: input.signer.repository }
    : { "mode-identity": true, identity: input.signer.identity, issuer: input.signer.issuer };
  await page.evaluate(`(() => {
    const values = ${JSON.stringify({ ...values, instance: input.instance })};
    for (const [id, value] of Object.entries(values)) {
      const el = document.getElementById(id);
      if (typeof value === "boolean") el.checked = value; else el.value = value;
      el.dispatchEvent(new Event(typeof value === "boolean" ? "change" : "input", { bubbles: true }));
    }
    document.getElementById("verify").click();
  })()`);
  await page.waitFor(
    `["verified", "failed"].includes(document.getElementById("result").dataset.state)`,
    timeoutMs,
  );
  return await page.evaluate<PageOutcome>(`(() => {
    const result = document.getElementById("result");
    const rows = {};
    for (const tr of result.querySelectorAll("tr")) {
      const [k, v] = [tr.cells[0].textContent, tr.cells[1].textContent];
      (rows[k] ??= []).push(v);
    }
    return {
      state: result.dataset.state,
      code: result.dataset.code,
      status: document.getElementById("status").textContent,
      rows,
      progress: document.getElementById("progress").value,
    };
  })()`);
}

/** Checks a screenshot: a real rendering (many colours) with the verdict's colour on screen. */
async function checkScreenshot(page: ChromiumPage, name: string, verdictColor: [number, number, number]) {
  const png = await page.screenshot();
  const path = `${tmpdir()}/sigstore-ts-verify-page-${name}.png`;
  writeFileSync(path, png);
  assert.ok(png.length > 20_000, `${path}: ${png.length} bytes is too small for a rendered page`);
  const image = await decodePng(png);
  assert.ok(image.width >= 800 && image.height >= 600, `${path}: ${image.width}x${image.height}`);
  assert.ok(distinctColors(image) > 50, `${path}: looks blank (${distinctColors(image)} colours)`);
  const verdict = countColor(image, verdictColor);
  const other = countColor(image, verdictColor === GREEN ? RED : GREEN);
  assert.ok(verdict > 2000, `${path}: only ${verdict} pixels of the verdict colour`);
  assert.equal(other, 0, `${path}: shows the opposite verdict's colour`);
}

describe("dist/verify.html in headless Chromium", { skip }, () => {
  let dir = "";
  let html = "";
  let browser: Chromium | undefined;

  before(async () => {
    if (CHROMIUM === undefined) {
      throw new Error("Chromium is missing (CI=true): install the Debian package `chromium` or set CHROMIUM");
    }
    dir = mkdtempSync(`${tmpdir()}/sigstore-ts-verify-page-`);
    html = `${dir}/verify.html`;
    const build = spawnSync(`${REPO_ROOT}/node_modules/.bin/bun`, [
      `${REPO_ROOT}/scripts/build_verify_html.ts`,
      "--outfile",
      html,
    ], { encoding: "utf8" });
    assert.equal(build.status, 0, `build_verify_html failed: ${build.stderr}`);
    browser = await launchChromium(CHROMIUM);
  });
  after(async () => {
    await browser?.close();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  async function freshPage(): Promise<ChromiumPage> {
    const page = await browser!.open(`file://${html}`);
    await page.waitFor(`document.body.dataset.ready === "true"`, 10_000);
    return page;
  }

  it("is one self-contained file: no external script, style or URL, and a CSP with no network", () => {
    const page = readFileSync(html, "utf8");
    assert.match(
      page,
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/,
    );
    assert.doesNotMatch(page, /<script[^>]+src=|<link[^>]+href=|@import|url\(\s*["']?https?:/i);
    assert.equal((page.match(/<script/g) ?? []).length, 1);
    assert.ok(
      page.includes("rekor.sigstore.dev") && page.includes("rekor.sigstage.dev"),
      "both trust roots inlined",
    );
  });

  it("verifies a genuine production bundle dropped on the page, and shows the signer, times and log entries", async () => {
    const page = await freshPage();
    const input: PageInput = genuineInput("java-bundle-v3-prod");
    const out = await runPage(page, input, { drop: true });
    assert.equal(
      await page.evaluate("document.getElementById('artifact-name').textContent"),
      "artifact (109 B)",
      "the dropped artifact is picked up as the artifact",
    );
    assert.equal(
      await page.evaluate("document.getElementById('bundle-name').textContent"),
      "bundle.sigstore.json",
    );
    assert.equal(await libraryVerdict(input), "verified");
    assert.equal(out.state, "verified", `${out.status}: ${JSON.stringify(out.rows)}`);
    assert.deepEqual(out.rows.identity, ["appu@google.com"]);
    assert.deepEqual(out.rows.issuer, ["https://accounts.google.com"]);
    const sha256 = createHash("sha256").update(readFileSync(input.artifact)).digest("hex");
    assert.deepEqual(out.rows.artifact, [`sha256:${sha256}`]);
    const logIndex =
      JSON.parse(readFileSync(input.bundle, "utf8")).verificationMaterial.tlogEntries[0].logIndex;
    assert.deepEqual(out.rows[`index ${logIndex}`], ["https://rekor.sigstore.dev (hashedrekord 0.0.1)"]);
    const times = Object.keys(out.rows).filter((k) => /^\d{4}-\d\d-\d\dT/.test(k));
    assert.equal(times.length, 1);
    assert.match(out.rows[times[0]!]![0]!, /^tlog https:\/\/rekor\.sigstore\.dev$/);
    assert.equal(out.progress, 100);
    await checkScreenshot(page, "verified", GREEN);
    const requests = page.events.filter((e) => e.method === "Network.requestWillBeSent")
      .map((e) => (e.params.request as { url: string }).url);
    assert.deepEqual(requests, [`file://${html}`], "the page loads nothing but itself");
    assert.deepEqual(page.events.filter((e) => e.method === "Runtime.exceptionThrown"), []);
  });

  it("verifies a genuine staging bundle with a TSA timestamp only against the staging root", async () => {
    const page = await freshPage();
    const staging = genuineInput("java-tsa-staging");
    assert.equal(staging.instance, "staging");
    const ok = await runPage(page, staging);
    assert.equal(ok.state, "verified", ok.status);
    assert.ok(
      Object.values(ok.rows).flat().some((v) => v.startsWith("timestamp-authority ")),
      "TSA time shown",
    );
    const wrongRoot = { ...staging, instance: "production" } as const;
    const bad = await runPage(page, wrongRoot);
    assert.equal(bad.state, "failed");
    assert.equal(bad.code, await libraryVerdict(wrongRoot));
  });

  it("verifies a genuine bundle whose certificate has an RSA key (checked over the bytes, not a digest)", async () => {
    const page = await freshPage();
    const input = genuineInput("java2-pkix-rsa2048-prod");
    const ok = await runPage(page, input);
    assert.equal(ok.state, "verified", `${ok.status} ${JSON.stringify(ok.rows)}`);
    assert.equal(ok.progress, 100);
    writeFileSync(`${dir}/rsa-tampered`, readFileSync(input.artifact, "utf8") + "\n");
    const twin = { ...input, artifact: `${dir}/rsa-tampered` };
    const bad = await runPage(page, twin);
    assert.equal(bad.state, "failed");
    assert.equal(bad.code, await libraryVerdict(twin));
  });

  it("verifies a genuine GitHub Actions bundle by repository, and refuses another repository", async () => {
    const page = await freshPage();
    const input: PageInput = {
      ...genuineInput("java2-dsse-prod"),
      signer: { repository: "loosebazooka/aa-test" },
    };
    const ok = await runPage(page, input);
    assert.equal(ok.state, "verified", ok.status);
    assert.deepEqual(ok.rows.issuer, ["https://token.actions.githubusercontent.com"]);
    assert.deepEqual(ok.rows.identity, [text(genuine("java2-dsse-prod", "identity"))]);
    for (const repository of ["loosebazooka/aa-tes", "loosebazooka/aa-test-evil", "evil/aa-test"]) {
      const twin = { ...input, signer: { repository } };
      const bad = await runPage(page, twin);
      assert.equal(bad.state, "failed", repository);
      assert.equal(bad.code, "POLICY_EXTENSION", repository);
      assert.equal(bad.code, await libraryVerdict(twin));
    }
  });

  it("shows the failed check for tampered twins of a genuine bundle", async () => {
    const page = await freshPage();
    const base: PageInput = genuineInput("java-bundle-v3-prod");
    const artifact = readFileSync(base.artifact);
    artifact[0] = artifact[0]! ^ 1;
    writeFileSync(`${dir}/tampered-artifact`, artifact);
    const bundle = JSON.parse(readFileSync(base.bundle, "utf8"));
    const hashes: string[] = bundle.verificationMaterial.tlogEntries[0].inclusionProof.hashes;
    const h = Uint8Array.from(atob(hashes[0]!), (c) => c.charCodeAt(0));
    h[0] = h[0]! ^ 1;
    hashes[0] = btoa(String.fromCharCode(...h));
    writeFileSync(`${dir}/tampered-proof.sigstore.json`, JSON.stringify(bundle));
    const twins: [string, PageInput, string][] = [
      [
        "artifact with one bit flipped",
        { ...base, artifact: `${dir}/tampered-artifact` },
        "TLOG_BODY_MISMATCH",
      ],
      ["inclusion proof hash with one bit flipped", {
        ...base,
        bundle: `${dir}/tampered-proof.sigstore.json`,
      }, "TLOG_INCLUSION_PROOF"],
      [
        "another identity",
        { ...base, signer: { ...base.signer, identity: "appu@google.co" } },
        "POLICY_IDENTITY",
      ],
      ["another issuer", {
        ...base,
        signer: { ...base.signer, issuer: "https://accounts.google.com.evil" },
      }, "POLICY_ISSUER"],
      [
        "staging root for a production bundle",
        { ...base, instance: "staging" },
        await libraryVerdict({
          ...base,
          instance: "staging",
        }),
      ],
    ];
    for (const [what, twin, code] of twins) {
      const out = await runPage(page, twin);
      assert.equal(out.state, "failed", what);
      assert.equal(out.code, code, `${what}: ${out.status} ${JSON.stringify(out.rows)}`);
      assert.equal(out.code, await libraryVerdict(twin), what);
      assert.equal(out.status, `Verification failed: ${code}`);
      assert.match(out.rows["what to do"]?.[0] ?? "", /^(A cryptographic|The signature is valid, but)/, what);
      assert.ok((out.rows.why?.[0] ?? "").length > 10, `${what}: the page says why`);
    }
    assert.ok(twins.every(([, , code]) => code !== "verified"));
    assert.match((await runPage(page, twins[4]![1])).rows["what to do"]![0]!, /pick the other trust root/);
    await checkScreenshot(page, "failed", RED);
  });

  it("shows input-derived text as text, never as HTML", async () => {
    const page = await freshPage();
    const identity = `<img src=x onerror="window.pwned=1"><b id=injected>x</b>@example.com`;
    const out = await runPage(page, {
      ...genuineInput("java-bundle-v3-prod"),
      signer: { identity, issuer: "https://accounts.google.com" },
    });
    assert.equal(out.code, "POLICY_IDENTITY");
    assert.ok(out.rows.why![0]!.includes(JSON.stringify(identity)), out.rows.why![0]);
    assert.equal(await page.evaluate("document.querySelectorAll('#result img, #injected').length"), 0);
    assert.equal(await page.evaluate("typeof window.pwned"), "undefined");
    const source = readFileSync(`${REPO_ROOT}/scripts/verify_page/page.ts`, "utf8");
    assert.doesNotMatch(source, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it("hashes a 100 MiB artifact as a stream with a progress bar, in bounded memory", async () => {
    const big = `${dir}/big-artifact`;
    const fd = openSync(big, "w");
    const block = new Uint8Array(MiB);
    const sha256 = createHash("sha256");
    for (let i = 0; i < 100; i++) {
      block.fill(i).set(new TextEncoder().encode(`block ${i}`));
      writeSync(fd, block);
      sha256.update(block);
    }
    closeSync(fd);
    const hex = sha256.digest("hex");
    const page = await freshPage();
    // While the page hashes, force full garbage collections and read what stays alive in array buffers:
    // a page that streams holds a few chunks, one that collected the file would hold half of it at 50%.
    const samples: { progress: number; live: number }[] = [];
    let hashing = true;
    const sampler = (async () => {
      while (hashing) {
        await page.send("HeapProfiler.collectGarbage");
        await new Promise((r) => setTimeout(r, 10)); // array buffers are swept concurrently
        await page.send("HeapProfiler.collectGarbage");
        const { backingStorageSize } = await page.send("Runtime.getHeapUsage") as {
          backingStorageSize: number;
        };
        const progress = await page.evaluate<number>(`document.getElementById("progress").value`);
        samples.push({ progress, live: backingStorageSize });
      }
    })();
    let out: PageOutcome;
    const started = performance.now();
    try {
      out = await runPage(page, { ...genuineInput("java-bundle-v3-prod"), artifact: big }, {
        timeoutMs: 300_000,
      });
    } finally {
      hashing = false;
      await sampler;
      rmSync(big, { force: true });
    }
    // The first check that binds the artifact: the log entry's digest against the streamed one.
    assert.equal(out.code, "TLOG_BODY_MISMATCH", out.status);
    assert.ok(
      out.rows.why![0]!.includes(`expected ${hex}, found `),
      `the whole file was hashed: ${out.rows.why}`,
    );
    assert.equal(out.progress, 100);
    const text = await page.evaluate<string>(`document.getElementById("progress-text").textContent`);
    assert.equal(text, "hashed 100.0 MiB of 100.0 MiB (100%)");
    const progress = samples.map((s) => s.progress);
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), "progress only grows");
    const midway = samples.filter((s) => s.progress >= 50 && s.progress < 100);
    const report = samples.map((s) => `${s.progress}%:${(s.live / MiB).toFixed(1)}MiB`).join(" ");
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `100 MiB hashed and checked in ${seconds.toFixed(1)} s (${(100 / seconds).toFixed(0)} MiB/s)`,
    );
    console.log(`live array-buffer memory while hashing 100 MiB: ${report}`);
    assert.ok(midway.length > 0, `no sample between 50% and 100%: ${report}`);
    for (const s of midway) {
      assert.ok(s.live < 24 * MiB, `${(s.live / MiB).toFixed(0)} MiB alive at ${s.progress}%`);
    }
    await checkScreenshot(page, "100mib-failed", RED);
  });
});
