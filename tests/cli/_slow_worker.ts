/**
 * A `verify --jobs` worker entry that starts listening for tasks only after
 * a delay, as `cli.ts` does after its dynamic import of the worker code: a
 * pool that sent tasks before the worker listened would lose them (and
 * hang) on Deno.
 *
 * @module
 */

await new Promise((resolve) => setTimeout(resolve, 500));
const { serveVerifyWorker } = await import("../../lib/cli/verify_worker.ts");
serveVerifyWorker();
