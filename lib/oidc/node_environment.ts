/**
 * The runtime edge of the OIDC folder: an {@linkcode OidcEnvironment} built
 * on Node APIs (`node:http`, `node:child_process`, `node:fs`,
 * `node:readline`, `node:process`), which Deno and Bun provide as well.
 *
 * The loopback server listens on 127.0.0.1 only, on an ephemeral port, and
 * answers the first `/auth/callback` request; browsers reach it through the
 * redirect URI `http://localhost:<port>/auth/callback` (RFC 8252 §7.3).
 *
 * Published as `jsr:@sigstore-ts/sigstore/oidc/node`, apart from the library
 * root, which loads none of these Node modules.
 *
 * @example Get a token in CI or interactively
 * ```ts ignore
 * import { getIdentityToken } from "@sigstore-ts/sigstore";
 * import { createNodeOidcEnvironment } from "@sigstore-ts/sigstore/oidc/node";
 *
 * const { token, source } = await getIdentityToken(
 *   { issuerUrl: "https://oauth2.sigstore.dev/auth" },
 *   createNodeOidcEnvironment(),
 * );
 * ```
 *
 * @module
 */

import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import process from "node:process";
import { createInterface } from "node:readline";
import { createHttpClient, type HttpClient } from "../net/mod.ts";
import { tokenError } from "./_errors.ts";
import type { LoopbackServer, OidcEnvironment } from "./environment.ts";

/** Options of {@linkcode createNodeOidcEnvironment}. */
export interface NodeOidcEnvironmentOptions {
  /** HTTP client. Default: `createHttpClient()`. */
  readonly http?: HttpClient;
  /** Environment variables. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Platform name as `process.platform` spells it. Default: `process.platform`. */
  readonly platform?: string;
  /** How long the loopback server waits for the browser (ms). Default 5 minutes. */
  readonly callbackTimeoutMs?: number;
  /** How long a CI helper command may run (ms). Default 60 s. */
  readonly commandTimeoutMs?: number;
  /** Where `print` writes. Default: standard error. */
  readonly write?: (text: string) => void;
}

const CALLBACK_PAGE = "<!doctype html><meta charset=utf-8><title>sigstore-ts</title>" +
  "<p>Sign-in finished. You can close this window and return to the terminal.</p>";

function findOnPath(command: string, env: Readonly<Record<string, string | undefined>>): boolean {
  for (const dir of (env["PATH"] ?? "").split(":")) {
    if (dir === "") continue;
    try {
      if (existsSync(`${dir}/${command}`)) return true;
    } catch {
      // Unreadable directory: keep looking.
    }
  }
  return false;
}

function browserCommand(platform: string, url: string): [string, string[]] {
  if (platform === "darwin") return ["open", [url]];
  // rundll32 avoids cmd.exe, whose `start` would interpret `&` in the URL.
  if (platform === "win32") return ["rundll32", ["url.dll,FileProtocolHandler", url]];
  return ["xdg-open", [url]];
}

function startLoopbackServer(timeoutMs: number): Promise<LoopbackServer> {
  let resolveCallback: (params: URLSearchParams) => void = () => {};
  let rejectCallback: (error: Error) => void = () => {};
  let settled = false;
  const callback = new Promise<URLSearchParams>((resolve, reject) => {
    resolveCallback = resolve;
    rejectCallback = reject;
  });
  callback.catch(() => {}); // Rejection is reported through waitForCallback().
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (request.method !== "GET" || url.pathname !== "/auth/callback" || settled) {
      response.writeHead(404, { "Content-Type": "text/plain" }).end("Not found");
      return;
    }
    settled = true;
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Connection": "close" })
      .end(CALLBACK_PAGE);
    resolveCallback(url.searchParams);
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      const port = (server.address() as AddressInfo).port;
      timer = setTimeout(() => {
        if (!settled) {
          settled = true;
          rejectCallback(tokenError(`No sign-in callback arrived within ${Math.round(timeoutMs / 1000)} s`));
        }
      }, timeoutMs);
      resolve({
        port,
        waitForCallback: () => callback,
        close: () =>
          new Promise<void>((done) => {
            clearTimeout(timer);
            if (!settled) {
              settled = true;
              rejectCallback(tokenError("The sign-in was cancelled"));
            }
            server.close(() => done());
            server.closeAllConnections?.();
          }),
      });
    });
  });
}

/**
 * Creates an {@linkcode OidcEnvironment} from Node APIs: `process.env`, a
 * default HTTP client, `execFile` for CI helper commands, `fs` for files, a
 * `node:http` loopback server, `xdg-open` / `open` / `rundll32` for the
 * browser, `readline` prompts on standard input, and messages on standard
 * error. `hasDisplay` is true on macOS and Windows, and on other systems
 * when `DISPLAY` or `WAYLAND_DISPLAY` is set and `xdg-open` is on `PATH`.
 *
 * @param options Overrides for tests and embedding.
 * @returns The environment.
 * @throws {TypeError} Never for valid options; runtime failures surface
 *   from the individual methods.
 *
 * @example A headless Linux box has no display
 * ```ts
 * import assert from "node:assert/strict";
 * import { createNodeOidcEnvironment } from "./node_environment.ts";
 *
 * const environment = createNodeOidcEnvironment({ env: {}, platform: "linux" });
 * assert.equal(environment.hasDisplay, false);
 * ```
 */
export function createNodeOidcEnvironment(options: NodeOidcEnvironmentOptions = {}): OidcEnvironment {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const callbackTimeoutMs = options.callbackTimeoutMs ?? 5 * 60_000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 60_000;
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  const hasDisplay = platform === "darwin" || platform === "win32" ||
    ((!!env["DISPLAY"] || !!env["WAYLAND_DISPLAY"]) && findOnPath("xdg-open", env));
  return {
    env,
    http: options.http ?? createHttpClient(),
    hasDisplay,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    print: (text) => write(`${text}\n`),
    runCommand: (command, args) =>
      new Promise((resolve, reject) => {
        execFile(
          command,
          [...args],
          { timeout: commandTimeoutMs, maxBuffer: 1 << 20, windowsHide: true, encoding: "utf8" },
          (error, stdout, stderr) => {
            if (error === null) {
              resolve(stdout);
              return;
            }
            const code = (error as { code?: unknown }).code;
            const why = code === "ENOENT"
              ? "not found"
              : error.killed
              ? "timed out"
              : `exited with status ${String(code)}`;
            const detail = (stderr.split("\n").find((l) => l.trim() !== "") ?? "").trim().slice(0, 200);
            reject(new Error(`${command} ${why}${detail ? `: ${detail}` : ""}`));
          },
        );
      }),
    readFile: async (path) => {
      try {
        return await readFile(path, "utf8");
      } catch {
        return undefined;
      }
    },
    startLoopbackServer: () => startLoopbackServer(callbackTimeoutMs),
    openBrowser: (url) => {
      const protocol = URL.canParse(url) ? new URL(url).protocol : "";
      if (protocol !== "https:" && protocol !== "http:") return Promise.resolve(false);
      const [command, args] = browserCommand(platform, url);
      return new Promise((resolve) => {
        try {
          const child = spawn(command, args, { detached: true, stdio: "ignore", windowsHide: true });
          child.once("error", () => resolve(false));
          child.once("spawn", () => {
            child.unref();
            resolve(true);
          });
        } catch {
          resolve(false);
        }
      });
    },
    prompt: (question) =>
      new Promise((resolve) => {
        const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
        write(question);
        let answered = false;
        rl.once("line", (line) => {
          answered = true;
          rl.close();
          resolve(line);
        });
        rl.once("close", () => {
          if (!answered) resolve("");
        });
      }),
  };
}
