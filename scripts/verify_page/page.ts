/// <reference lib="dom" />
/**
 * The verify page (`dist/verify.html`): picks up an artifact and its bundle,
 * the expected signer and the instance, hashes the artifact as a stream with
 * a progress bar, verifies the bundle with the library's `./verify` entry,
 * and shows the verified signer, times and log entries, or the failed check.
 *
 * Every text that comes from the inputs (file names, bundle content, error
 * messages) reaches the DOM through `textContent` only, never as HTML.
 *
 * @module
 */

import {
  digestArtifactStream,
  EMBEDDED_TRUST_SOURCES,
  type EmbeddedInstance,
  embeddedTrustedRoot,
  githubPolicy,
  isArtifactDigestEnough,
  parseBundleJson,
  ParseError,
  PolicyError,
  type SignerPolicy,
  SigstoreError,
  VerificationError,
  type VerificationResult,
  verifyBundle,
} from "../../lib/verify/entry.ts";
import type { ArtifactInput, Bundle } from "../../lib/verify/entry.ts";

/** Largest artifact read whole when a signature needs the bytes (RSA or Ed25519 message signatures). */
const WHOLE_ARTIFACT_LIMIT = 256 * 2 ** 20;

/** Bundle files are small JSON documents; anything larger is not a bundle. */
const BUNDLE_LIMIT = 32 * 2 ** 20;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`verify.html lacks #${id}`);
  return found as T;
}

const artifactInput = element<HTMLInputElement>("artifact");
const bundleInput = element<HTMLInputElement>("bundle");
const drop = element<HTMLDivElement>("drop");
const verifyButton = element<HTMLButtonElement>("verify");
const progress = element<HTMLProgressElement>("progress");
const progressText = element<HTMLSpanElement>("progress-text");
const result = element<HTMLElement>("result");
const status = element<HTMLParagraphElement>("status");
const details = element<HTMLDivElement>("details");

/** The files in use: picked with the inputs or dropped on the page. */
const chosen: { artifact: File | undefined; bundle: File | undefined } = {
  artifact: undefined,
  bundle: undefined,
};

function showChosen(): void {
  element("artifact-name").textContent = chosen.artifact
    ? `${chosen.artifact.name} (${size(chosen.artifact.size)})`
    : "";
  element("bundle-name").textContent = chosen.bundle ? chosen.bundle.name : "";
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** A dropped file is the bundle when its name says so, else the artifact. */
function isBundleName(name: string): boolean {
  return /\.sigstore(\.json)?$|\.json$/i.test(name);
}

artifactInput.addEventListener("change", () => {
  chosen.artifact = artifactInput.files?.[0];
  showChosen();
});
bundleInput.addEventListener("change", () => {
  chosen.bundle = bundleInput.files?.[0];
  showChosen();
});
drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  for (const file of event.dataTransfer?.files ?? []) {
    if (isBundleName(file.name)) chosen.bundle = file;
    else chosen.artifact = file;
  }
  showChosen();
});

function selectedMode(): "identity" | "github" {
  return element<HTMLInputElement>("mode-github").checked ? "github" : "identity";
}
for (const id of ["mode-identity", "mode-github"]) {
  element(id).addEventListener("change", () => {
    const github = selectedMode() === "github";
    element("identity-fields").classList.toggle("hidden", github);
    element("github-fields").classList.toggle("hidden", !github);
  });
}

element("trust-sources").textContent = EMBEDDED_TRUST_SOURCES
  .filter((s) => s.name === "trusted_root.json")
  .map((s) => `${s.instance} trusted_root.json sha256:${s.sha256.slice(0, 16)}…`)
  .join(", ");

/** A failure of the page's own checks on the inputs, shown like a library error. */
class InputProblem extends Error {
  override name = "InputProblem";
}

function readSigner(): SignerPolicy {
  if (selectedMode() === "github") {
    const repository = element<HTMLInputElement>("repository").value.trim();
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
      throw new InputProblem(`Type the GitHub repository as OWNER/REPO, got ${JSON.stringify(repository)}`);
    }
    return { kind: "identity", policy: githubPolicy({ repository }) };
  }
  const identity = element<HTMLInputElement>("identity").value.trim();
  const issuer = element<HTMLInputElement>("issuer").value.trim();
  if (identity === "" || issuer === "") {
    throw new InputProblem("Type the expected identity and OIDC issuer (both are required)");
  }
  return { kind: "identity", policy: { subject: { exact: identity }, issuer, extensions: [] } };
}

/** How long hashing may hold the main thread before it lets the page repaint (ms). */
const YIELD_EVERY_MS = 40;

/** Resolves after the browser has had a turn of its event loop (rendering, input). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Wraps a file's stream so every chunk advances the progress bar, and hands
 * the main thread back to the browser now and then: chunks that are already
 * read would otherwise be hashed back to back without a repaint.
 */
function withProgress(file: File): ReadableStream<Uint8Array> {
  let done = 0;
  let lastYield = performance.now();
  const total = file.size;
  const show = () => {
    progress.value = total === 0 ? 100 : Math.floor((done / total) * 100);
    progressText.textContent = `hashed ${size(done)} of ${size(total)} (${progress.value}%)`;
  };
  show();
  return file.stream().pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async transform(chunk, controller) {
        done += chunk.byteLength;
        show();
        controller.enqueue(chunk);
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await nextTask();
          lastYield = performance.now();
        }
      },
    }),
  );
}

async function readArtifact(file: File, bundle: Bundle, signer: SignerPolicy): Promise<ArtifactInput> {
  if (isArtifactDigestEnough({ bundle, signer })) {
    return await digestArtifactStream(withProgress(file), { bundle, signer });
  }
  if (file.size > WHOLE_ARTIFACT_LIMIT) {
    throw new InputProblem(
      `This bundle's signature (RSA or Ed25519 over the artifact) needs the whole artifact in memory; it has ${
        size(file.size)
      }, the page reads at most ${size(WHOLE_ARTIFACT_LIMIT)}`,
    );
  }
  return { kind: "bytes", bytes: new Uint8Array(await new Response(withProgress(file)).arrayBuffer()) };
}

function row(table: HTMLTableElement, name: string, value: string): void {
  const tr = table.insertRow();
  const th = document.createElement("th");
  th.textContent = name;
  const td = document.createElement("td");
  td.textContent = value;
  tr.append(th, td);
}

function section(title: string, rows: readonly (readonly [string, string])[]): void {
  const h = document.createElement("h2");
  h.textContent = title;
  const table = document.createElement("table");
  for (const [name, value] of rows) row(table, name, value);
  details.append(h, table);
}

function showVerified(r: VerificationResult, instance: EmbeddedInstance): void {
  result.dataset.state = "verified";
  delete result.dataset.code;
  status.textContent = "Verified: the bundle is valid and was signed by the expected signer";
  const signerRows: [string, string][] = [];
  if (r.signer.kind === "certificate") {
    signerRows.push(["identity", r.signer.identities.join(", ")]);
    signerRows.push(["issuer", r.signer.issuer ?? "(none)"]);
    signerRows.push(["certificate valid", `${r.signer.notBefore} to ${r.signer.notAfter}`]);
    for (const [name, value] of Object.entries(r.signer.extensions)) signerRows.push([name, value]);
  } else {
    signerRows.push(["key", "managed public key"]);
  }
  section("Signer", signerRows);
  const content: [string, string][] = [["bundle", r.mediaType], ["trust root", instance], [
    "artifact",
    r.content.artifactDigest,
  ]];
  if (r.content.kind === "dsseEnvelope") {
    content.push(["payload type", r.content.payloadType]);
    content.push(["predicate type", r.content.predicateType ?? "(none)"]);
  } else {
    content.push(["content", "message signature"]);
  }
  section("What was signed", content);
  section("Verified times", r.verifiedTimes.map((t) => [t.time, `${t.source} ${t.by}`] as const));
  section(
    "Transparency log entries",
    r.tlogEntries.map((e) => [`index ${e.logIndex}`, `${e.log} (${e.kind} ${e.version})`] as const),
  );
}

/** What a person does next, by error class. */
function adviceFor(error: unknown): string {
  if (error instanceof InputProblem) return "Fix the input and try again.";
  if (error instanceof PolicyError) {
    return "The signature is valid, but the signer is not the one you expected: check the identity, issuer or repository.";
  }
  if (error instanceof ParseError) {
    return "The bundle (or another input) is malformed: make sure you picked the right file.";
  }
  if (error instanceof VerificationError && error.code === "TLOG_UNKNOWN_LOG") {
    return "A cryptographic or structural check failed: do not trust this artifact. If it was signed on the other instance, pick the other trust root.";
  }
  if (error instanceof VerificationError) {
    return "A cryptographic or structural check failed: do not trust this artifact.";
  }
  return "Unexpected error: the bundle was not verified.";
}

function showFailed(error: unknown): void {
  const code = error instanceof SigstoreError
    ? error.code
    : error instanceof InputProblem
    ? "INPUT"
    : "ERROR";
  result.dataset.state = "failed";
  result.dataset.code = code;
  status.textContent = `Verification failed: ${code}`;
  const message = error instanceof Error ? error.message : String(error);
  const rows: [string, string][] = [["check", code], ["why", message], ["what to do", adviceFor(error)]];
  let cause = error instanceof Error ? error.cause : undefined;
  while (cause instanceof Error) {
    rows.push(["caused by", cause.message]);
    cause = cause.cause;
  }
  section("Failed check", rows);
}

async function run(): Promise<void> {
  details.replaceChildren();
  status.textContent = "";
  result.dataset.state = "working";
  delete result.dataset.code;
  verifyButton.disabled = true;
  try {
    const { artifact, bundle: bundleFile } = chosen;
    if (artifact === undefined || bundleFile === undefined) {
      throw new InputProblem("Pick (or drop) both the artifact and its bundle");
    }
    if (bundleFile.size > BUNDLE_LIMIT) {
      throw new InputProblem(
        `The bundle file has ${size(bundleFile.size)}: a Sigstore bundle is far smaller`,
      );
    }
    const signer = readSigner();
    const instance = element<HTMLSelectElement>("instance").value as EmbeddedInstance;
    const bundle = parseBundleJson(await bundleFile.text());
    const input = await readArtifact(artifact, bundle, signer);
    const verified = await verifyBundle(bundle, input, {
      trustedRoot: embeddedTrustedRoot(instance),
      signer,
      now: new Date(),
    });
    showVerified(verified, instance);
  } catch (error) {
    showFailed(error);
  } finally {
    verifyButton.disabled = false;
  }
}

verifyButton.addEventListener("click", () => void run());
document.body.dataset.ready = "true";
