/**
 * Benchmark (figures, not a test): sigstore-ts side by side with cosign and
 * sigstore-python on the same genuine bundle, in one run, as ratios.
 *
 * 1. Cold offline `verify identity`: the standalone executable
 *    (dist/sigstore-ts), `deno run cli.ts`, cosign `verify-blob`, and
 *    sigstore-python, in alternating rounds (the machine may be shared):
 *    median and fastest wall time, and CPU time, each as a ratio to cosign.
 * 2. In-process verifications per second on one core (pinned with `taskset`
 *    where it exists), Bun and Deno, for a v0.1, v0.2 and v0.3 bundle, and
 *    sigstore-python's loop on the v0.3 one. Each round parses the bundle
 *    afresh and checks every signature (scripts/bench_worker.ts).
 * 3. Streamed SHA-256 of a 512 MiB file the way the CLI reads a large
 *    artifact, as a share of `openssl speed sha256` on 1 MiB blocks.
 * 4. Peak RSS of a verification of a 1 GiB artifact, for every client. With
 *    the local Sigstore instance (`bash scripts/local_sigstore.sh run npm run
 *    bench`) the file is first signed there and every client verifies it;
 *    without one, each client checks it against a genuine bundle for another
 *    artifact and stops at the digest check after reading the whole file.
 *
 * Environment: BENCH_ROUNDS (cold rounds, default 12), BENCH_MS (in-process
 * time per measurement, default 1500), BENCH_BASELINE (another checkout of
 * sigstore-ts, measured alongside as "before"; its executable is
 * BENCH_BASELINE/dist/sigstore-ts), COSIGN and SIGSTORE_PYTHON (default: the
 * local instance's install under ~/.cache/sigstore-ts-local). A client that
 * is missing is reported as such and skipped.
 *
 * Run: npm run bench (`deno run --allow-all`: it runs other programs, and
 * Deno reads /proc/self/stat, for the children's CPU time, only with all
 * permissions)
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import process from "node:process";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const GENUINE = `${ROOT}/testdata/genuine`;
const CASE = `${GENUINE}/java-bundle-v3-prod`;
const BIN = process.env.LOCAL_SIGSTORE_BIN ?? `${os.homedir()}/.cache/sigstore-ts-local`;
const COSIGN = process.env.COSIGN ?? `${BIN}/cosign-v3.1.2/cosign`;
const PYTHON_VENV = `${BIN}/sigstore-python-4.5.1/bin`;
const SIGSTORE_PYTHON = process.env.SIGSTORE_PYTHON ?? `${PYTHON_VENV}/sigstore`;
const DENO = `${ROOT}/node_modules/.bin/deno`;
const BUN = `${ROOT}/node_modules/.bin/bun`;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const MS = Number(process.env.BENCH_MS ?? 1500);
const BASELINE = process.env.BENCH_BASELINE;
const TMP = `/tmp/sigstore-ts-bench-${process.pid}`;

const text = (dir: string, name: string) => readFileSync(`${dir}/${name}`, "utf8").trim();
const has = (path: string) => existsSync(path);
const onPath = (name: string) => spawnSync("sh", ["-c", `command -v ${name}`]).status === 0;
const pin = onPath("taskset") ? ["taskset", "-c", "0"] : [];

/** CPU time of the reaped children of this process, in ms (Linux: /proc/self/stat; Deno reads it only with --allow-all). */
function childrenCpuMs(): number | undefined {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime + cstime, in 10 ms ticks
  } catch {
    return undefined;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number | undefined, unit = "") =>
  x === undefined ? "—" : `${x.toFixed(x < 10 ? 1 : 0)}${unit}`;
const ratio = (x: number | undefined, y: number | undefined) =>
  x === undefined || y === undefined ? "—" : `${(x / y).toFixed(2)}×`;

console.log(
  `machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, load average ${
    os.loadavg().map((l) => l.toFixed(1)).join(" ")
  }; Deno ${Deno.version.deno}; ${new Date().toISOString()}`,
);

// ---- 1. cold offline verification

interface Client {
  readonly name: string;
  readonly argv: string[] | undefined; // undefined: not installed
  readonly wall: number[];
  cpu: number;
  failures: number;
  lastError: string;
}

const identity = text(CASE, "identity");
const issuer = text(CASE, "issuer");
const bundlePath = `${CASE}/bundle.sigstore.json`;
const artifactPath = `${CASE}/artifact`;
const oursArgs = [
  "verify",
  "identity",
  "--offline",
  "--bundle",
  bundlePath,
  "--cert-identity",
  identity,
  "--cert-oidc-issuer",
  issuer,
  artifactPath,
];
const productionRoot = `${TMP}/production_trusted_root.json`;

function executableOf(tree: string): string | undefined {
  const exe = `${tree}/dist/sigstore-ts`;
  return has(exe) ? exe : undefined;
}

function coldClients(): Client[] {
  const client = (name: string, argv: string[] | undefined): Client => ({
    name,
    argv,
    wall: [],
    cpu: 0,
    failures: 0,
    lastError: "",
  });
  const exe = executableOf(ROOT);
  const list = [
    client("sigstore-ts executable", exe === undefined ? undefined : [exe, ...oursArgs]),
    client("sigstore-ts, deno run cli.ts", [DENO, "run", "--allow-read", `${ROOT}/cli.ts`, ...oursArgs]),
  ];
  if (BASELINE !== undefined) {
    const base = executableOf(BASELINE);
    list.push(client("before: executable", base === undefined ? undefined : [base, ...oursArgs]));
    list.push(
      client("before: deno run cli.ts", [
        DENO,
        "run",
        "--allow-read",
        "--allow-env",
        `${BASELINE}/cli.ts`,
        ...oursArgs,
      ]),
    );
  }
  list.push(
    client(
      "cosign 3.1.2 verify-blob",
      has(COSIGN)
        ? [
          COSIGN,
          "verify-blob",
          "--offline",
          "--bundle",
          bundlePath,
          "--trusted-root",
          productionRoot,
          "--certificate-identity",
          identity,
          "--certificate-oidc-issuer",
          issuer,
          artifactPath,
        ]
        : undefined,
    ),
    client("sigstore-python 4.5.1", has(SIGSTORE_PYTHON) ? [SIGSTORE_PYTHON, ...oursArgs] : undefined),
  );
  return list;
}

function runCold(clients: Client[]): void {
  const ready = clients.filter((c) => c.argv !== undefined);
  for (const c of ready) spawnSync(c.argv![0]!, c.argv!.slice(1)); // caches (Deno's, the page cache)
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < ready.length; k++) {
      const c = ready[(round + k) % ready.length]!; // a different client goes first each round
      const cpu0 = childrenCpuMs();
      const t0 = performance.now();
      const run = spawnSync(c.argv![0]!, c.argv!.slice(1), { encoding: "utf8" });
      c.wall.push(performance.now() - t0);
      const cpu1 = childrenCpuMs();
      if (cpu0 !== undefined && cpu1 !== undefined) c.cpu += cpu1 - cpu0;
      if (run.status !== 0) {
        c.failures++;
        c.lastError = `${run.stderr ?? ""}`.trim().split("\n").slice(-1)[0] ?? "";
      }
    }
  }
}

// ---- 2. in-process verifications per second

/** For each bundle version, the first genuine production message-signature bundle of that version. */
async function pickCases(): Promise<{ version: string; dir: string }[]> {
  const { parseBundleJson } = await import("../lib/bundle/mod.ts");
  const names = readdirSync(GENUINE, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) =>
    d.name
  )
    .sort();
  const out: { version: string; dir: string }[] = [];
  for (const version of ["0.1", "0.2", "0.3"]) {
    const name = names.find((n) => {
      const dir = `${GENUINE}/${n}`;
      if (!has(`${dir}/identity`) || !has(`${dir}/artifact`) || has(`${dir}/expect-error`)) return false;
      if (text(dir, "instance") !== "production") return false;
      const b = parseBundleJson(text(dir, "bundle.sigstore.json"));
      return b.version === version && b.content.kind === "messageSignature" &&
        b.verificationContent.kind !== "publicKey";
    });
    if (name !== undefined) out.push({ version, dir: `${GENUINE}/${name}` });
  }
  return out;
}

function worker(argv: string[]): number | undefined {
  return workerResult(argv)?.value;
}

/** A worker's figure, and (in-process loops) the crypto floor it measured beside it. */
function workerResult(argv: string[]): { value: number; floor: number | undefined } | undefined {
  const run = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
  if (run.status !== 0) {
    console.log(
      `  (${argv.slice(pin.length).join(" ")} failed: ${run.stderr.trim().split("\n").slice(-1)[0]})`,
    );
    return undefined;
  }
  const line = run.stdout.trim().split("\n").slice(-1)[0]!;
  const value = JSON.parse(line) as { perSecond?: number; bytesPerSecond?: number; floorPerSecond?: number };
  return { value: (value.perSecond ?? value.bytesPerSecond)!, floor: value.floorPerSecond };
}

const runtimes = (tree: string, ...args: string[]) => ({
  Bun: [...pin, BUN, `${ROOT}/scripts/bench_worker.ts`, args[0]!, tree, ...args.slice(1)],
  Deno: [...pin, DENO, "run", "-A", `${ROOT}/scripts/bench_worker.ts`, args[0]!, tree, ...args.slice(1)],
});

// ---- 3 and 4: files

function openSslSha256(): number | undefined {
  const run = spawnSync("openssl", ["speed", "-seconds", "2", "-bytes", "1048576", "sha256"], {
    encoding: "utf8",
  });
  const m = run.stdout?.match(/^sha256\s+([\d.]+)k/m);
  return m ? Number(m[1]) * 1000 : undefined;
}

function peakRss(
  argv: string[],
  env?: Record<string, string>,
): { mib: number; seconds: number; code: number } {
  const run = spawnSync("/usr/bin/time", ["-f", "@@ %M %e", ...argv], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  const m = run.stderr.match(/@@ (\d+) ([\d.]+)/);
  return { mib: m ? Number(m[1]) / 1024 : NaN, seconds: m ? Number(m[2]) : NaN, code: run.status ?? -1 };
}

async function main(): Promise<void> {
  Deno.mkdirSync(TMP, { recursive: true });
  try {
    const { embeddedDocument } = await import("../lib/trust/embedded.ts");
    writeFileSync(productionRoot, embeddedDocument("production", "trusted_root.json"));

    console.log(
      `\n== cold offline verify identity (${CASE.slice(ROOT.length + 1)}), ${ROUNDS} alternating rounds`,
    );
    const clients = coldClients();
    runCold(clients);
    const cosign = clients.find((c) => c.name.startsWith("cosign") && c.wall.length > 0);
    const cosignMedian = cosign && median(cosign.wall);
    const cosignMin = cosign && Math.min(...cosign.wall);
    const cosignCpu = cosign && cosign.cpu / cosign.wall.length;
    console.log("| client | median ms | ×cosign | fastest ms | ×cosign | CPU ms | ×cosign |");
    console.log("|---|---|---|---|---|---|---|");
    for (const c of clients) {
      if (c.argv === undefined) {
        console.log(`| ${c.name} | not installed | | | | | |`);
        continue;
      }
      const med = median(c.wall);
      const min = Math.min(...c.wall);
      const cpu = c.cpu / c.wall.length;
      const failed = c.failures > 0 ? ` (${c.failures} failed: ${c.lastError})` : "";
      console.log(
        `| ${c.name}${failed} | ${fmt(med)} | ${ratio(med, cosignMedian)} | ${fmt(min)} | ${
          ratio(min, cosignMin)
        } | ${fmt(cpu)} | ${ratio(cpu, cosignCpu)} |`,
      );
    }

    console.log(
      `\n== in-process verifications/s, one core${pin.length ? " (taskset -c 0)" : ""}, ${MS} ms each`,
    );
    console.log(
      "(in brackets: the share of the crypto floor, the rate of the same runtime for the bundle's ECDSA checks alone, measured beside it)",
    );
    console.log(
      "| bundle | Bun | Deno |" + (BASELINE ? " before: Bun | before: Deno |" : "") + " sigstore-python |",
    );
    console.log("|---|---|---|" + (BASELINE ? "---|---|" : "") + "---|");
    const python = `${PYTHON_VENV}/python`;
    for (const { version, dir } of await pickCases()) {
      const now = runtimes(ROOT, "verify", dir, String(MS));
      const before = BASELINE ? runtimes(BASELINE, "verify", dir, String(MS)) : undefined;
      const py = version === "0.3" && has(python)
        ? worker([...pin, python, `${ROOT}/scripts/bench_sigstore_python.py`, dir, String(MS)])
        : undefined;
      const cells = [now.Bun, now.Deno, ...(before ? [before.Bun, before.Deno] : [])].map((argv) => {
        const r = workerResult(argv);
        if (r === undefined) return "—";
        const share = r.floor === undefined
          ? ""
          : ` (${Math.round(100 * r.value / r.floor)}% of ${fmt(r.floor, "/s")})`;
        return `${fmt(r.value, "/s")}${share}`;
      });
      console.log(
        `| v${version} ${dir.slice(GENUINE.length + 1)} | ${cells.join(" | ")} | ${fmt(py, "/s")} |`,
      );
    }

    const hashFile = `${TMP}/stream-512MiB`;
    const fd = Deno.openSync(hashFile, { write: true, create: true });
    fd.truncateSync(512 * 1024 * 1024); // sparse: the kernel serves zeros, no disk
    fd.close();
    const openssl = openSslSha256();
    console.log(
      `\n== streamed SHA-256 of a 512 MiB file (fastest of 3 passes), share of openssl speed sha256 (${
        fmt(openssl && openssl / 1e6)
      } MB/s)`,
    );
    const trees = [["now", ROOT], ...(BASELINE ? [["before", BASELINE]] : [])];
    for (const [label, tree] of trees) {
      for (const [rt, argv] of Object.entries(runtimes(tree!, "hash", hashFile))) {
        const speed = worker(argv);
        console.log(
          `${label} ${rt}: ${fmt(speed && speed / 1e6, " MB/s")} = ${
            ratio(speed, openssl).replace("×", "")
          } of openssl`,
        );
      }
    }
    rmSync(hashFile);

    const big = `${TMP}/artifact-1GiB`;
    const bf = Deno.openSync(big, { write: true, create: true });
    bf.truncateSync(1024 * 1024 * 1024);
    bf.close();
    const env = process.env;
    const local = env.LOCAL_SIGSTORE_STATE !== undefined && env.OIDC_URL !== undefined &&
      env.TRUST_CONFIG !== undefined;
    // [global options, verify options] of the reference CLI, which sigstore-ts shares.
    let globals: string[] = [];
    let verify = ["verify", "identity", "--offline", "--bundle", bundlePath, "--cert-identity", identity];
    verify.push("--cert-oidc-issuer", issuer, big);
    let cosignTrust = ["--bundle", bundlePath, "--trusted-root", productionRoot];
    cosignTrust.push("--certificate-identity", identity, "--certificate-oidc-issuer", issuer);
    if (local) {
      const token = await (await fetch(`${env.OIDC_URL}/token?email=bench@example.com`)).text();
      const sign = spawnSync(DENO, [
        "run",
        "-A",
        `${ROOT}/cli.ts`,
        "--trust-config",
        env.TRUST_CONFIG!,
        "sign",
        "--identity-token",
        token,
        big,
      ], {
        encoding: "utf8",
      });
      if (sign.status !== 0) throw new Error(`signing the 1 GiB artifact failed: ${sign.stderr}`);
      globals = ["--trust-config", env.TRUST_CONFIG!];
      verify = [
        "verify",
        "identity",
        "--cert-identity",
        "bench@example.com",
        "--cert-oidc-issuer",
        env.OIDC_URL!,
        big,
      ];
      cosignTrust = [
        "--bundle",
        `${big}.sigstore.json`,
        "--trusted-root",
        `${env.LOCAL_SIGSTORE_STATE}/trusted_root.json`,
      ];
      cosignTrust.push(
        "--certificate-identity",
        "bench@example.com",
        "--certificate-oidc-issuer",
        env.OIDC_URL!,
      );
    }
    console.log(
      `\n== peak RSS, verify identity of a 1 GiB artifact (${
        local
          ? "signed on the local instance: every client should succeed"
          : "no local instance: checked against a genuine bundle for another artifact, so each client reads the whole file and stops at the digest check, exit 1"
      })`,
    );
    const exe = executableOf(ROOT);
    const ours = (cli: string) => [DENO, "run", "--allow-read", "--allow-env", cli, ...globals, ...verify];
    const rssRuns: [string, string[] | undefined][] = [
      ["sigstore-ts executable", exe === undefined ? undefined : [exe, ...globals, ...verify]],
      ["sigstore-ts, deno run cli.ts", ours(`${ROOT}/cli.ts`)],
      ...(BASELINE ? [["before: deno run cli.ts", ours(`${BASELINE}/cli.ts`)]] as [string, string[]][] : []),
      ["cosign 3.1.2", has(COSIGN) ? [COSIGN, "verify-blob", "--offline", ...cosignTrust, big] : undefined],
      ["sigstore-python 4.5.1", has(SIGSTORE_PYTHON) ? [SIGSTORE_PYTHON, ...globals, ...verify] : undefined],
    ];
    console.log("| client | peak RSS | wall | exit |");
    console.log("|---|---|---|---|");
    for (const [name, argv] of rssRuns) {
      if (argv === undefined) {
        console.log(`| ${name} | not installed | | |`);
        continue;
      }
      const r = peakRss(argv);
      console.log(`| ${name} | ${r.mib.toFixed(0)} MiB | ${r.seconds.toFixed(2)} s | ${r.code} |`);
    }
    rmSync(big, { force: true });
    rmSync(`${big}.sigstore.json`, { force: true });
  } finally {
    rmSync(TMP, { recursive: true, force: true });
  }
}

await main();
