// Writes the TrustedRoot, SigningConfig v0.2 and ClientTrustConfig for a
// running local Sigstore instance (see start.sh).
//
//   deno run -A scripts/local_sigstore/gen_trust.ts STATE_DIR
//
// Reads from the environment: OIDC_URL FULCIO_URL REKOR_V1_URL REKOR_V2_URL
// TSA_URL CT_URL (base URLs; TSA_URL is the full /api/v1/timestamp URL) and
// LOCAL_SIGSTORE_VALID_FROM (RFC 3339, optional).
// Reads from STATE_DIR/keys: fulcio_chain.pem (leaf-most first), tsa_chain.pem,
// ct_pub.pem, rekor_v1_pub.pem, rekor_v2_pub.pem (each SPKI PEM).
//
// Writes to STATE_DIR: trusted_root.json, signing_config.json (both Rekor
// versions, v2 preferred), signing_config_rekor_v1.json,
// signing_config_rekor_v2.json, trust_config.json and
// trust_config_rekor_v{1,2}.json (ClientTrustConfig).

const OPERATOR = "sigstore-ts.local";

function env(name: string): string {
  const v = Deno.env.get(name);
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

function pemBlocks(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = /-----BEGIN [^-]+-----([\s\S]*?)-----END [^-]+-----/g;
  for (const m of pem.matchAll(re)) {
    const b64 = (m[1] ?? "").replace(/\s+/g, "");
    out.push(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  }
  return out;
}

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), o += p.length);
  return out;
}

// OIDs inside the SPKI AlgorithmIdentifier, enough to tell our key types apart.
const OID_ED25519 = [0x06, 0x03, 0x2b, 0x65, 0x70];
const OID_P256 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384 = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];

function contains(hay: Uint8Array, needle: number[]): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function keyDetails(spki: Uint8Array): string {
  if (contains(spki, OID_ED25519)) return "PKIX_ED25519";
  if (contains(spki, OID_P256)) return "PKIX_ECDSA_P256_SHA_256";
  if (contains(spki, OID_P384)) return "PKIX_ECDSA_P384_SHA_384";
  throw new Error("unsupported log key type");
}

async function readSpki(path: string): Promise<Uint8Array> {
  const blocks = pemBlocks(await Deno.readTextFile(path));
  if (blocks.length !== 1 || !blocks[0]) throw new Error(`${path}: expected one PEM block`);
  return blocks[0];
}

const stateDir = Deno.args[0];
if (!stateDir) throw new Error("usage: gen_trust.ts STATE_DIR");
const keys = `${stateDir}/keys`;

const validFrom = Deno.env.get("LOCAL_SIGSTORE_VALID_FROM") ??
  new Date(Date.now() - 10 * 60 * 1000).toISOString().replace(/\.\d+Z$/, "Z");
const validFor = { start: validFrom };

const oidcUrl = env("OIDC_URL");
const fulcioUrl = env("FULCIO_URL");
const rekorV1Url = Deno.env.get("REKOR_V1_URL") ?? ""; // empty: no Rekor v1
const rekorV2Url = env("REKOR_V2_URL");
const tsaUrl = env("TSA_URL");
const ctUrl = env("CT_URL");

async function v1Log(url: string, spki: Uint8Array): Promise<Record<string, unknown>> {
  return {
    baseUrl: url,
    hashAlgorithm: "SHA2_256",
    publicKey: { rawBytes: b64(spki), keyDetails: keyDetails(spki), validFor },
    logId: { keyId: b64(await sha256(spki)) },
    operator: OPERATOR,
  };
}

// Rekor v2: the log ID is the C2SP signed-note key ID over the origin, which is
// the host[:port] of the base URL.
async function v2Log(url: string, spki: Uint8Array): Promise<Record<string, unknown>> {
  const origin = new URL(url).host;
  const kd = keyDetails(spki);
  let id: Uint8Array;
  if (kd === "PKIX_ED25519") {
    const raw = spki.slice(spki.length - 32);
    id = await sha256(concat(new TextEncoder().encode(origin), new Uint8Array([0x0a, 0x01]), raw));
  } else {
    id = await sha256(spki);
  }
  return {
    baseUrl: url,
    hashAlgorithm: "SHA2_256",
    publicKey: { rawBytes: b64(spki), keyDetails: kd, validFor },
    logId: { keyId: b64(id) },
    checkpointKeyId: { keyId: b64(id) },
    operator: OPERATOR,
  };
}

function ca(url: string, chain: Uint8Array[], commonName: string): Record<string, unknown> {
  return {
    subject: { organization: "sigstore-ts local", commonName },
    uri: url,
    certChain: { certificates: chain.map((c) => ({ rawBytes: b64(c) })) },
    validFor,
    operator: OPERATOR,
  };
}

const fulcioChain = pemBlocks(await Deno.readTextFile(`${keys}/fulcio_chain.pem`));
const tsaChain = pemBlocks(await Deno.readTextFile(`${keys}/tsa_chain.pem`));
const ctSpki = await readSpki(`${keys}/ct_pub.pem`);
const rekorV1Spki = rekorV1Url ? await readSpki(`${keys}/rekor_v1_pub.pem`) : undefined;
const rekorV2Spki = await readSpki(`${keys}/rekor_v2_pub.pem`);

const trustedRoot = {
  mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
  tlogs: [
    ...(rekorV1Spki ? [await v1Log(rekorV1Url, rekorV1Spki)] : []),
    await v2Log(rekorV2Url, rekorV2Spki),
  ],
  certificateAuthorities: [ca(fulcioUrl, fulcioChain, "fulcio")],
  ctlogs: [await v1Log(ctUrl, ctSpki)],
  timestampAuthorities: [ca(tsaUrl, tsaChain, "timestamp-authority")],
};

function service(url: string, majorApiVersion: number): Record<string, unknown> {
  return { url, majorApiVersion, validFor, operator: OPERATOR };
}

function signingConfig(rekor: Record<string, unknown>[]): Record<string, unknown> {
  return {
    mediaType: "application/vnd.dev.sigstore.signingconfig.v0.2+json",
    caUrls: [service(fulcioUrl, 1)],
    oidcUrls: [service(oidcUrl, 1)],
    rekorTlogUrls: rekor,
    rekorTlogConfig: { selector: "ANY" },
    tsaUrls: [service(tsaUrl, 1)],
    tsaConfig: { selector: "ANY" },
  };
}

const v2 = service(rekorV2Url, 2);
const configs: Record<string, Record<string, unknown>> = {
  "_rekor_v2": signingConfig([v2]),
};
if (rekorV1Url) {
  const v1 = service(rekorV1Url, 1);
  configs[""] = signingConfig([v2, v1]);
  configs["_rekor_v1"] = signingConfig([v1]);
} else {
  configs[""] = signingConfig([v2]);
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await Deno.writeTextFile(path, JSON.stringify(value, null, 2) + "\n");
}

await writeJson(`${stateDir}/trusted_root.json`, trustedRoot);
for (const [suffix, sc] of Object.entries(configs)) {
  await writeJson(`${stateDir}/signing_config${suffix}.json`, sc);
  await writeJson(`${stateDir}/trust_config${suffix}.json`, {
    mediaType: "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
    trustedRoot,
    signingConfig: sc,
  });
}
console.log(`wrote trust files to ${stateDir}`);
