/**
 * Names the permission behind a refused operation: a Deno permission not
 * granted (`--allow-read`, `--allow-env`, `--allow-net`, …) or an operating
 * system refusal (EACCES, EPERM), so the CLI says what to grant instead of
 * printing an internal error.
 *
 * @example
 * ```ts
 * import { describePermissionDenied } from "./permissions.ts";
 * const e = Object.assign(new Error('Requires read access to "x", run again with the --allow-read flag'), {
 *   name: "NotCapable",
 * });
 * describePermissionDenied(e); // 'missing permission: read access to "x" (run deno with --allow-read)'
 * ```
 *
 * @module
 */

const DENO_DENIED = /Requires (\w+) access to (.+?), run again with the (--allow-[a-z-]+) flag/;

/**
 * A one-line description when `e` is a denied permission; `undefined` for
 * any other error. `action` is what was refused (`read`, `write`).
 */
export function describePermissionDenied(e: unknown, action = "read"): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as { code?: unknown }).code;
  if (e.name === "NotCapable" || e.name === "PermissionDenied" || code === "ERR_ACCESS_DENIED") {
    const m = e.message.match(DENO_DENIED);
    if (m) return `missing permission: ${m[1]} access to ${m[2]} (run deno with ${m[3]})`;
    if (code !== "EACCES" && code !== "EPERM") return `missing permission: ${e.message.split("\n")[0]}`;
  }
  if (code === "EACCES" || code === "EPERM") {
    return `permission denied: this user has no ${action} permission for it`;
  }
  return undefined;
}
