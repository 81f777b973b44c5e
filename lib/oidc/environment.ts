/**
 * The runtime services the OIDC flows need, injected so the flows stay
 * runtime-neutral and testable: environment variables, HTTP, running CI
 * helper commands, reading a file, a loopback HTTP server, a browser, a
 * prompt, output, the clock. `node_environment.ts` implements it with Node
 * APIs (which Deno and Bun also provide).
 *
 * @module
 */

import type { HttpClient } from "../net/mod.ts";

/** A one-shot HTTP server on the loopback interface that receives the OAuth redirect. */
export interface LoopbackServer {
  /** The port it listens on; the redirect URI is `http://localhost:<port>/auth/callback`. */
  readonly port: number;
  /** Resolves with the query parameters of the first request to `/auth/callback`. */
  waitForCallback(): Promise<URLSearchParams>;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Everything the OIDC flows take from the runtime. */
export interface OidcEnvironment {
  /** Environment variables (only read). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** HTTP client for issuers, metadata servers and token endpoints. */
  readonly http: HttpClient;
  /** Runs a command and resolves with its standard output; rejects when it cannot run or exits non-zero. */
  runCommand?(command: string, args: readonly string[]): Promise<string>;
  /** Reads a text file; `undefined` when it does not exist or cannot be read. */
  readFile?(path: string): Promise<string | undefined>;
  /** Starts a loopback server for the OAuth redirect. */
  startLoopbackServer?(): Promise<LoopbackServer>;
  /** Opens a URL in the user's browser; resolves `false` when no browser could be started. */
  openBrowser?(url: string): Promise<boolean>;
  /** Asks the user a question and resolves with the answer line. */
  prompt?(question: string): Promise<string>;
  /** Shows a message to the user (progress output, not results). */
  print(text: string): void;
  /** Whether a browser can be shown (false on a headless Linux box, for example). */
  readonly hasDisplay: boolean;
  /** The current time. */
  now(): Date;
  /** Waits `ms` milliseconds (device-flow polling). Default: a timer. */
  sleep?(ms: number): Promise<void>;
}
