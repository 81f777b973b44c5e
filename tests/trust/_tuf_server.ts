/**
 * A static HTTP server on 127.0.0.1 for TUF tests: it serves a map of paths
 * to bytes (a repository in the published layout), logs every request, and
 * has hooks to delay or replace answers (slow servers, errors). Also turns
 * the source tree in ../shared/tuf into the published consistent-snapshot
 * layout: `N.root.json`, `timestamp.json`, `V.snapshot.json`,
 * `V.targets.json`, `V.ROLE.json`, `targets/HEXDIGEST.NAME`.
 *
 * @module
 */

import { test } from "node:test";
import { skipTest } from "../_support/unavailable.ts";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { REPO_ROOT } from "../_support/paths.ts";

/** A running server. */
export interface TufServer {
  /** Base URL, such as `http://127.0.0.1:40123` */
  readonly url: string;
  /** The files served, by path without the leading slash (mutable: tests change the repository) */
  readonly files: Map<string, Uint8Array>;
  /** Paths requested, in order */
  readonly requests: string[];
  /** Milliseconds to wait before answering a path (default none) */
  delayMs: (path: string) => number;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Serves `files` on 127.0.0.1 on a free port. */
export async function serveFiles(files: Map<string, Uint8Array>): Promise<TufServer> {
  const requests: string[] = [];
  const state = { delayMs: (_path: string) => 0 };
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname.slice(1));
    requests.push(path);
    const answer = () => {
      const body = files.get(path);
      if (body === undefined) {
        res.writeHead(404).end("not found");
      } else {
        res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
      }
    };
    const delay = state.delayMs(path);
    if (delay > 0) {
      const t = setTimeout(() => {
        timers.delete(t);
        if (!res.destroyed) answer();
      }, delay);
      timers.add(t);
    } else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const handle: TufServer = {
    url: `http://127.0.0.1:${port}`,
    files,
    requests,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(f) {
      state.delayMs = f;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return handle;
}

/** The shared TUF data (../shared/tuf), or `undefined` when absent (tests then fail under CI=true). */
export const SHARED_TUF_REPOSITORY: string | undefined = (() => {
  const dir = `${REPO_ROOT}/../shared/tuf/sigstore-production-2026-08-21`;
  return existsSync(`${dir}/metadata/root.json`) ? dir : undefined;
})();

/** The shared trust material (../shared/trust), or `undefined` when absent. */
export const SHARED_TRUST: string | undefined =
  existsSync(`${REPO_ROOT}/../shared/trust/production/root.json`)
    ? `${REPO_ROOT}/../shared/trust`
    : undefined;

/**
 * Registers a test that needs ../shared: it runs when the data is there,
 * fails under CI=true when it is absent, and otherwise says it skipped.
 */
export function sharedTest(
  name: string,
  needs: string | undefined,
  fn: (dir: string) => Promise<void>,
): void {
  test(name, async (t) => {
    if (needs === undefined) return skipTest(t, `${name}: ../shared is absent`);
    await fn(needs);
  });
}

function signedVersion(bytes: Uint8Array): number {
  return (JSON.parse(new TextDecoder().decode(bytes)) as { signed: { version: number } }).signed.version;
}

/** The published consistent-snapshot layout of a source tree with `metadata/` and `targets/`. */
export function publishedLayout(dir: string, rootVersions?: readonly number[]): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const read = (p: string) => new Uint8Array(readFileSync(`${dir}/${p}`));
  for (const name of readdirSync(`${dir}/metadata/root_history`)) {
    const version = Number(name.split(".")[0]);
    if (rootVersions === undefined || rootVersions.includes(version)) {
      files.set(name, read(`metadata/root_history/${name}`));
    }
  }
  files.set("timestamp.json", read("metadata/timestamp.json"));
  for (const name of readdirSync(`${dir}/metadata`)) {
    if (!name.endsWith(".json") || name === "root.json" || name === "timestamp.json") continue;
    const bytes = read(`metadata/${name}`);
    files.set(`${signedVersion(bytes)}.${name}`, bytes);
    const targets = (JSON.parse(new TextDecoder().decode(bytes)) as {
      signed: { targets?: Record<string, { hashes: Record<string, string> }> };
    }).signed.targets ?? {};
    for (const [path, { hashes }] of Object.entries(targets)) {
      const slash = path.lastIndexOf("/");
      for (const hash of Object.values(hashes)) {
        files.set(
          `targets/${path.slice(0, slash + 1)}${hash}.${path.slice(slash + 1)}`,
          read(`targets/${path}`),
        );
      }
    }
  }
  return files;
}
