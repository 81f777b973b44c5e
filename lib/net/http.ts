/**
 * HTTP for the Sigstore services, over an injected `fetch`: per-attempt
 * timeouts, bounded retries with exponential backoff for 5xx answers,
 * timeouts and connection failures, and one-line `NetworkError`s that name
 * the service and what went wrong. Request bodies and headers (which can
 * carry identity tokens) never appear in errors.
 *
 * @module
 */

import { concatBytes } from "../encoding/mod.ts";
import { NetworkError } from "../errors/mod.ts";

/** A response with its body read. */
export interface HttpResponse {
  /** HTTP status code */
  readonly status: number;
  /** Response headers */
  readonly headers: Headers;
  /** The whole response body */
  readonly body: Uint8Array;
}

/** One request. */
export interface HttpRequest {
  /** HTTP method */
  readonly method: "GET" | "POST";
  /** Extra request headers (User-Agent is added by the client) */
  readonly headers?: Readonly<Record<string, string>>;
  /** Request body, if any */
  readonly body?: string | Uint8Array;
  /** Per-attempt timeout in milliseconds (default: the client's). */
  readonly timeoutMs?: number;
  /** Name of the service for messages, e.g. "Fulcio". */
  readonly service: string;
  /**
   * Largest body accepted, in bytes; a longer answer is cut off and refused
   * with `RESPONSE_TOO_LARGE` (not retried). Default: no limit.
   */
  readonly maxBodyBytes?: number;
}

/** An HTTP client. */
export interface HttpClient {
  /** Sends a request; returns any HTTP status (the caller judges 4xx); throws `NetworkError` when no answer. */
  request(url: string, request: HttpRequest): Promise<HttpResponse>;
}

/** Options of {@linkcode createHttpClient}. */
export interface HttpClientOptions {
  /** The `fetch` to use, for tests; default: the global `fetch` */
  readonly fetch?: typeof fetch;
  /** Default per-attempt timeout (ms). Default 30 s. */
  readonly timeoutMs?: number;
  /** Extra attempts after a retryable failure. Default 2. */
  readonly retries?: number;
  /** First backoff delay (ms), doubled each retry. Default 500 ms. */
  readonly backoffMs?: number;
  /** User-Agent header value; default {@linkcode USER_AGENT} */
  readonly userAgent?: string;
}

/** The User-Agent sent by default. */
export const USER_AGENT = "sigstore-ts/0.1.0";

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`; // never the query, which may carry secrets
  } catch {
    return "(invalid URL)";
  }
}

/** Creates an HTTP client with retries and timeouts. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const retries = options.retries ?? 2;
  const backoff = options.backoffMs ?? 500;
  return {
    async request(url: string, req: HttpRequest): Promise<HttpResponse> {
      const where = `${req.service} (${req.method} ${describeUrl(url)})`;
      let lastProblem = "";
      for (let attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, backoff * 2 ** (attempt - 1)));
        const timeoutMs = req.timeoutMs ?? options.timeoutMs ?? 30_000;
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), timeoutMs);
        try {
          const init: RequestInit = {
            method: req.method,
            headers: { "User-Agent": options.userAgent ?? USER_AGENT, ...req.headers },
            signal: controller.signal,
          };
          if (req.body !== undefined) init.body = req.body as BodyInit;
          const response = await doFetch(url, init);
          const body = await readBody(response, req.maxBodyBytes, where);
          if (response.status >= 500) {
            lastProblem = `HTTP ${response.status}`;
            continue;
          }
          return { status: response.status, headers: response.headers, body };
        } catch (e) {
          if (e instanceof NetworkError) throw e;
          // A permission the runtime does not grant (Deno's --allow-net) will not come by retrying.
          if ((e as Error)?.name === "NotCapable" || (e as Error)?.name === "PermissionDenied") {
            throw new NetworkError(
              "NETWORK",
              `${where} is not allowed: ${(e as Error).message.split("\n")[0]}`,
              {
                cause: e,
              },
            );
          }
          lastProblem = controller.signal.aborted
            ? `no answer within ${timeoutMs / 1000} s`
            : `cannot connect: ${(e as Error).message?.split("\n")[0] ?? String(e)}`;
        } finally {
          clearTimeout(timer);
        }
      }
      throw new NetworkError("NETWORK", `${where} failed after ${retries + 1} attempts: ${lastProblem}`);
    },
  };
}

/** Reads a whole body, refusing one longer than `limit` bytes as soon as it is seen. */
async function readBody(response: Response, limit: number | undefined, where: string): Promise<Uint8Array> {
  if (limit === undefined || response.body === null) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > limit) {
      await reader.cancel().catch(() => {});
      throw new NetworkError(
        "RESPONSE_TOO_LARGE",
        `${where} answered more than the ${limit} bytes allowed`,
      );
    }
    chunks.push(value);
  }
  return concatBytes(...chunks);
}

/** Reads a JSON body, or throws a `NetworkError` saying the service answered garbage. */
export function parseJsonBody(response: HttpResponse, service: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(response.body));
  } catch {
    throw new NetworkError(
      "NETWORK",
      `${service} answered HTTP ${response.status} with a body that is not JSON`,
    );
  }
}

/**
 * Throws a one-line `NetworkError` for a non-2xx status, quoting the
 * service's own `message` field when it has one (trimmed, one line).
 */
export function requireSuccess(response: HttpResponse, service: string): void {
  if (response.status >= 200 && response.status < 300) return;
  let detail = "";
  try {
    const json = JSON.parse(new TextDecoder().decode(response.body)) as {
      message?: unknown;
      error?: unknown;
    };
    const m = typeof json.message === "string"
      ? json.message
      : typeof json.error === "string"
      ? json.error
      : "";
    detail = m.replace(/\s+/g, " ").trim().slice(0, 200);
  } catch {
    detail = new TextDecoder().decode(response.body.subarray(0, 200)).replace(/\s+/g, " ").trim();
  }
  throw new NetworkError(
    "NETWORK",
    `${service} refused the request: HTTP ${response.status}${detail ? `: ${detail}` : ""}`,
  );
}
