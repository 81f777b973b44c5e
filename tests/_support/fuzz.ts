/**
 * The seeded mutation fuzzer: the corpus (genuine bundles from testdata/ and
 * the conformance cases), one run, and its findings. Used by
 * tests/fuzz_test.ts (a short run) and scripts/fuzz.ts (a long one).
 *
 * Iteration `i` of seed `s` draws everything from `seededRandom(s, i)`, so
 * `scripts/fuzz.ts --seed s --iteration i` replays one finding.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { parseBundleJson } from "../../lib/bundle/mod.ts";
import { type HashAlgorithm, parsePublicKey } from "../../lib/crypto/mod.ts";
import { decodeHex, decodePem } from "../../lib/encoding/mod.ts";
import {
  embeddedTrustedRoot,
  parseClientTrustConfigJson,
  parseSigningConfigJson,
  parseTrustedRootJson,
  type TrustedRoot,
} from "../../lib/trust/mod.ts";
import { type ArtifactInput, type SignerPolicy, verifyBundle } from "../../lib/verify/mod.ts";
import { artifactOf, conformanceCaseNames, loadConformanceCase, signerOf } from "./conformance_cases.ts";
import { badRejection, changedSignedFields, wrongDigestHint } from "./fuzz_oracle.ts";
import { getPath, type Json, mutateBundle, seededRandom } from "./fuzz_mutate.ts";
import { REPO_ROOT, TESTDATA } from "./paths.ts";

/** One bundle to mutate, with what it is verified against. */
export interface FuzzBase {
  readonly name: string;
  readonly text: string;
  readonly json: Json;
  readonly trustedRoot: TrustedRoot;
  /** The trusted root's JSON when the case brings its own (mutated too). */
  readonly trustedRootText?: string;
  readonly artifact: ArtifactInput;
  readonly signer: SignerPolicy;
  /** The signing certificate or key hint, to find bundles by the same signer. */
  readonly signerKey: string;
  /** Whether the unmodified bundle verifies (only then can a mutant's acceptance be a false accept). */
  accepts: boolean;
}

function genuineBases(): FuzzBase[] {
  const dir = `${TESTDATA}/genuine`;
  const names = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
    .sort();
  return names.map((name) => {
    const base = `${dir}/${name}`;
    const text = (f: string) => readFileSync(`${base}/${f}`, "utf8").trim();
    const has = (f: string) => existsSync(`${base}/${f}`);
    const bundle = readFileSync(`${base}/bundle.sigstore.json`, "utf8");
    const [alg, hex] = has("artifact") ? ["", ""] : text("digest").split(":") as [HashAlgorithm, string];
    return {
      name: `genuine/${name}`,
      text: bundle,
      json: JSON.parse(bundle),
      signerKey: signerKeyOf(JSON.parse(bundle)),
      trustedRoot: embeddedTrustedRoot(text("instance") as "production" | "staging"),
      artifact: has("artifact")
        ? { kind: "bytes", bytes: new Uint8Array(readFileSync(`${base}/artifact`)) }
        : { kind: "digest", digests: new Map([[alg as HashAlgorithm, decodeHex(hex)!]]) },
      signer: has("key.pub") ? { kind: "key", key: parsePublicKey(decodePem(text("key.pub"))![0]!.der) } : {
        kind: "identity",
        policy: { subject: { exact: text("identity") }, issuer: text("issuer"), extensions: [] },
      },
      accepts: false,
    } satisfies FuzzBase;
  });
}

function conformanceBases(conformanceDir: string): FuzzBase[] {
  const bases: FuzzBase[] = [];
  for (const name of conformanceCaseNames(conformanceDir)) {
    const c = loadConformanceCase(conformanceDir, name);
    let json: Json;
    let signer: SignerPolicy;
    try {
      json = JSON.parse(c.bundleText);
      signer = signerOf(c);
    } catch {
      continue; // malformed JSON or key: nothing to mutate structurally
    }
    bases.push({
      name: `conformance/${name}`,
      text: c.bundleText,
      json,
      signerKey: signerKeyOf(json),
      trustedRoot: c.trustedRootText === undefined
        ? embeddedTrustedRoot("production")
        : parseTrustedRootJson(c.trustedRootText),
      ...(c.trustedRootText === undefined ? {} : { trustedRootText: c.trustedRootText }),
      artifact: artifactOf(c, "bytes"),
      signer,
      accepts: false,
    });
  }
  return bases;
}

function signerKeyOf(json: Json): string {
  const vm = getPath(json, ["verificationMaterial"]);
  return JSON.stringify(
    getPath(vm ?? null, ["certificate"]) ??
      getPath(vm ?? null, ["x509CertificateChain", "certificates", 0]) ??
      getPath(vm ?? null, ["publicKey"]) ?? null,
  );
}

/** A trust document to mutate, and the loader that reads it. */
export interface FuzzDocument {
  readonly name: string;
  readonly text: string;
  readonly load: (text: string) => unknown;
}

/**
 * The signing configs and trusted roots of ../shared/trust (production and
 * staging), each also wrapped in a ClientTrustConfig, for the loaders'
 * rejections; none when that directory is absent.
 */
export function loadTrustDocuments(): FuzzDocument[] {
  const dir = `${REPO_ROOT}/../shared/trust`;
  if (!existsSync(dir)) return [];
  const docs: FuzzDocument[] = [];
  for (const instance of ["production", "staging"]) {
    const read = (f: string) => readFileSync(`${dir}/${instance}/${f}`, "utf8");
    for (const f of readdirSync(`${dir}/${instance}`).filter((f) => f.startsWith("signing_config")).sort()) {
      docs.push({ name: `trust/${instance}/${f}`, text: read(f), load: parseSigningConfigJson });
      docs.push({
        name: `trust/${instance}/client trust config with ${f}`,
        text: JSON.stringify({
          mediaType: "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
          trustedRoot: JSON.parse(read("trusted_root.json")),
          signingConfig: JSON.parse(read(f)),
        }),
        load: parseClientTrustConfigJson,
      });
    }
    docs.push({
      name: `trust/${instance}/trusted_root.json`,
      text: read("trusted_root.json"),
      load: parseTrustedRootJson,
    });
  }
  return docs;
}

/** How verifying one bundle text ended, and how long it took. */
export interface Verdict {
  readonly accepted: boolean;
  readonly error?: unknown;
  readonly ms: number;
}

/**
 * Verifies `text` as `base`'s bundle at `now`, with `rootText` as the trusted
 * root when given; never throws.
 */
export async function verifyAs(base: FuzzBase, text: string, now: Date, rootText?: string): Promise<Verdict> {
  const start = performance.now();
  try {
    await verifyBundle(parseBundleJson(text), base.artifact, {
      trustedRoot: rootText === undefined ? base.trustedRoot : parseTrustedRootJson(rootText),
      signer: base.signer,
      now,
    });
    return { accepted: true, ms: performance.now() - start };
  } catch (error) {
    return { accepted: false, error, ms: performance.now() - start };
  }
}

/** Loads the corpus (conformance cases only when `conformanceDir` is given) and records which verify. */
export async function loadCorpus(conformanceDir: string | undefined, now: Date): Promise<FuzzBase[]> {
  const bases = [
    ...genuineBases(),
    ...(conformanceDir === undefined ? [] : conformanceBases(conformanceDir)),
  ];
  for (const base of bases) base.accepts = (await verifyAs(base, base.text, now)).accepted;
  return bases;
}

function artifactDigest(artifact: ArtifactInput, algorithm: HashAlgorithm): Uint8Array | undefined {
  if (artifact.kind === "bytes") return new Uint8Array(createHash(algorithm).update(artifact.bytes).digest());
  return artifact.kind === "digest" ? artifact.digests.get(algorithm) : undefined;
}

/** One assertion a mutant broke. */
export interface Finding {
  readonly seed: number;
  readonly iteration: number;
  readonly base: string;
  readonly mutation: string;
  readonly problem: string;
}

/** Most time one verification may take. */
export const MAX_VERIFY_MS = 5000;

/** Runs iteration `iteration` of `seed`; returns what it broke, if anything. */
export async function fuzzOnce(
  bases: readonly FuzzBase[],
  seed: number,
  iteration: number,
  now: Date,
  documents: readonly FuzzDocument[] = [],
): Promise<Finding | undefined> {
  const rnd = seededRandom(seed, iteration);
  if (documents.length > 0 && rnd() < 0.05) return fuzzDocument(rnd, documents, seed, iteration);
  const base = bases[Math.floor(rnd() * bases.length)]!;
  if (base.trustedRootText !== undefined && rnd() < 0.1) {
    // The trust root loader gets the same treatment; only the rejection's form is checked.
    const roots = bases.flatMap((b) =>
      b.trustedRootText === undefined ? [] : [JSON.parse(b.trustedRootText)]
    );
    const mutant = mutateBundle(rnd, base.trustedRootText, roots);
    const verdict = await verifyAs(base, base.text, now, mutant.text);
    const bad = verdict.ms > MAX_VERIFY_MS
      ? `took ${Math.round(verdict.ms)} ms`
      : verdict.accepted
      ? undefined
      : badRejection(verdict.error);
    return bad === undefined
      ? undefined
      : { seed, iteration, base: base.name, mutation: `trusted root: ${mutant.description}`, problem: bad };
  }
  const others = bases.filter((b) => b !== base);
  const mutant = mutateBundle(
    rnd,
    base.text,
    others.map((b) => b.json),
    others.filter((b) => b.signerKey === base.signerKey).map((b) => b.json),
  );
  const verdict = await verifyAs(base, mutant.text, now);
  const finding = (problem: string): Finding => ({
    seed,
    iteration,
    base: base.name,
    mutation: mutant.description,
    problem,
  });
  if (verdict.ms > MAX_VERIFY_MS) return finding(`took ${Math.round(verdict.ms)} ms`);
  if (!verdict.accepted) {
    const bad = badRejection(verdict.error);
    return bad === undefined ? undefined : finding(bad);
  }
  if (!base.accepts || !mutant.comparable) return undefined;
  let effective: Json;
  try {
    effective = JSON.parse(mutant.text);
  } catch {
    return finding("text that is not JSON verified");
  }
  const wrongHint = wrongDigestHint(effective, (algorithm) => artifactDigest(base.artifact, algorithm));
  if (wrongHint !== undefined) return finding(wrongHint);
  const changed = changedSignedFields(base.json, effective);
  if (changed.length === 0) return undefined;
  const source = bases.find((b) => b.json === mutant.source);
  if (changed.every((c) => c.startsWith("added ")) && mutant.appendedTo === undefined && source?.accepts) {
    return undefined; // genuine parts of a bundle that verifies, added where this one had none
  }
  if (mutant.appendedTo !== undefined && changed.every((c) => c.startsWith("added "))) {
    // A genuine part added from another bundle may verify, but only if it verifies on its own:
    // every timestamp and every log entry must meet every rule.
    const alone = structuredClone(effective);
    const list = getPath(alone, mutant.appendedTo) as Json[];
    list.splice(0, list.length - 1);
    const verdict = await verifyAs(base, JSON.stringify(alone), now);
    if (verdict.accepted) return undefined;
    const code = (verdict.error as { code?: string }).code;
    return finding(`verified, though the appended element alone is refused (${code})`);
  }
  return finding(`verified with signed fields altered: ${changed.join(", ")}`);
}

function fuzzDocument(
  rnd: () => number,
  documents: readonly FuzzDocument[],
  seed: number,
  iteration: number,
): Finding | undefined {
  const doc = documents[Math.floor(rnd() * documents.length)]!;
  const mutant = mutateBundle(rnd, doc.text, documents.map((d) => JSON.parse(d.text)));
  const start = performance.now();
  let problem: string | undefined;
  try {
    doc.load(mutant.text);
  } catch (error) {
    problem = badRejection(error);
  }
  const ms = performance.now() - start;
  if (ms > MAX_VERIFY_MS) problem = `took ${Math.round(ms)} ms`;
  return problem === undefined
    ? undefined
    : { seed, iteration, base: doc.name, mutation: mutant.description, problem };
}

/** What a run did. */
export interface FuzzReport {
  readonly seed: number;
  readonly iterations: number;
  readonly findings: Finding[];
  readonly ms: number;
  /** The longest single iteration (mutation and verification), and which it was. */
  readonly slowest: { readonly iteration: number; readonly ms: number };
}

/** Runs iterations `0..iterations-1` of `seed`, stopping early after `timeMs`. */
export async function fuzz(
  bases: readonly FuzzBase[],
  options: {
    seed: number;
    iterations: number;
    timeMs?: number;
    now: Date;
    documents?: readonly FuzzDocument[];
  },
): Promise<FuzzReport> {
  const start = performance.now();
  const findings: Finding[] = [];
  let slowest = { iteration: 0, ms: 0 };
  let i = 0;
  for (; i < options.iterations; i++) {
    const began = performance.now();
    if (options.timeMs !== undefined && began - start > options.timeMs) break;
    const f = await fuzzOnce(bases, options.seed, i, options.now, options.documents);
    if (f !== undefined) findings.push(f);
    const ms = performance.now() - began;
    if (ms > slowest.ms) slowest = { iteration: i, ms };
  }
  return { seed: options.seed, iterations: i, findings, ms: performance.now() - start, slowest };
}

/** One line per finding, with the command that replays it. */
export function describeFinding(f: Finding): string {
  return `seed ${f.seed} iteration ${f.iteration} (${f.base}): ${f.mutation}: ${f.problem}` +
    ` [replay: scripts/fuzz.ts --seed ${f.seed} --iteration ${f.iteration}]`;
}
