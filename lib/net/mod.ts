/**
 * Network edge: an HTTP client over an injected `fetch` with timeouts,
 * bounded retries and one-line errors.
 *
 * @module
 */

export { createHttpClient, parseJsonBody, requireSuccess, USER_AGENT } from "./http.ts";
export type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse } from "./http.ts";
