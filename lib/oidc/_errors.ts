/**
 * Error construction shared by the OIDC files: unusable identity tokens and
 * failed sign-ins are `ConfigError`s with the code `OIDC_TOKEN`.
 *
 * @module
 */

import { ConfigError, type ConfigErrorCode } from "../errors/mod.ts";

/** The code given to unusable identity tokens and failed sign-ins. */
export const TOKEN_ERROR_CODE: ConfigErrorCode = "OIDC_TOKEN";

/** Builds a `ConfigError` for an unusable token or a failed sign-in. Never pass token text in `message`. */
export function tokenError(message: string, cause?: unknown): ConfigError {
  return new ConfigError(TOKEN_ERROR_CODE, message, cause === undefined ? undefined : { cause });
}

/** The first line of an error's message, trimmed to 200 characters. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split("\n")[0] ?? "").trim().slice(0, 200);
}
