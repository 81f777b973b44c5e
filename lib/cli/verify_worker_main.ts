/**
 * The default `--jobs` worker module (when `main` is called without a
 * `workerEntry`, e.g. from tests): serves verification.
 *
 * @module
 */

import { serveVerifyWorker } from "./verify_worker.ts";

serveVerifyWorker();
