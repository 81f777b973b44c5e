/**
 * Ambient identity-token detection in CI and cloud environments (protocol
 * reference §4.1 step 2), in the order Python `id` uses: GitHub Actions,
 * Google Cloud, Buildkite, GitLab CI, CircleCI. Every token is requested
 * for the audience `sigstore`.
 *
 * A detector whose environment is absent returns nothing; a detector whose
 * environment is present but cannot produce a token throws, so a
 * misconfigured CI job fails with a hint instead of falling through to an
 * interactive sign-in.
 *
 * @module
 */

import { parseJsonBody, requireSuccess } from "../net/mod.ts";
import { NetworkError } from "../errors/mod.ts";
import { firstLine, tokenError } from "./_errors.ts";
import type { OidcEnvironment } from "./environment.ts";

/** Which CI or cloud environment supplied an ambient token. */
export type AmbientSource = "github" | "google-cloud" | "buildkite" | "gitlab" | "circleci";

/** A token found in the environment. */
export interface AmbientToken {
  /** The raw JWT. Never print it. */
  readonly token: string;
  /** Where it came from. */
  readonly source: AmbientSource;
}

const AUDIENCE = "sigstore";
const GCP_METADATA = "http://metadata/computeMetadata/v1/instance/service-accounts/default";
const GCP_IAM = "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts";

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== "";
}

function nonEmptyToken(text: string, where: string): string {
  const token = text.trim();
  if (token === "") throw tokenError(`${where} returned an empty identity token`);
  return token;
}

async function fromGitHub(environment: OidcEnvironment): Promise<string | undefined> {
  const { env } = environment;
  if (!isSet(env["GITHUB_ACTIONS"])) return undefined;
  const requestUrl = env["ACTIONS_ID_TOKEN_REQUEST_URL"];
  const requestToken = env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"];
  if (!isSet(requestUrl) || !isSet(requestToken)) {
    throw tokenError(
      "GitHub Actions: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: " +
        "the workflow needs `permissions: id-token: write`",
    );
  }
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    throw tokenError("GitHub Actions: ACTIONS_ID_TOKEN_REQUEST_URL is not a valid URL");
  }
  url.searchParams.append("audience", AUDIENCE);
  const service = "GitHub Actions OIDC";
  const response = await environment.http.request(url.href, {
    method: "GET",
    headers: { Authorization: `bearer ${requestToken}`, Accept: "application/json" },
    service,
  });
  requireSuccess(response, service);
  const json = parseJsonBody(response, service) as { value?: unknown } | null;
  if (typeof json?.value !== "string") {
    throw new NetworkError("NETWORK", `${service} answered without a "value" string`);
  }
  return nonEmptyToken(json.value, service);
}

async function fromGoogleServiceAccount(environment: OidcEnvironment, account: string): Promise<string> {
  const metadata = "Google Cloud metadata server";
  const tokenResponse = await environment.http.request(
    `${GCP_METADATA}/token?scopes=https://www.googleapis.com/auth/cloud-platform`,
    { method: "GET", headers: { "Metadata-Flavor": "Google" }, service: metadata },
  );
  requireSuccess(tokenResponse, metadata);
  const tokenJson = parseJsonBody(tokenResponse, metadata) as { access_token?: unknown } | null;
  if (typeof tokenJson?.access_token !== "string" || tokenJson.access_token === "") {
    throw new NetworkError("NETWORK", `${metadata} answered without an "access_token" string`);
  }
  const iam = "Google IAM Credentials";
  const idResponse = await environment.http.request(
    `${GCP_IAM}/${encodeURIComponent(account)}:generateIdToken`,
    {
      method: "POST",
      headers: {
        Authorization: `Bearer ${tokenJson.access_token}`,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ audience: AUDIENCE, includeEmail: true }),
      service: iam,
    },
  );
  requireSuccess(idResponse, iam);
  const idJson = parseJsonBody(idResponse, iam) as { token?: unknown } | null;
  if (typeof idJson?.token !== "string") {
    throw new NetworkError("NETWORK", `${iam} answered without a "token" string`);
  }
  return nonEmptyToken(idJson.token, iam);
}

async function fromGoogleCloud(environment: OidcEnvironment): Promise<string | undefined> {
  const account = environment.env["GOOGLE_SERVICE_ACCOUNT_NAME"];
  if (isSet(account)) return await fromGoogleServiceAccount(environment, account);
  const product = (await environment.readFile?.("/sys/class/dmi/id/product_name"))?.trim();
  if (product !== "Google" && product !== "Google Compute Engine") return undefined;
  const metadata = "Google Cloud metadata server";
  const response = await environment.http.request(
    `${GCP_METADATA}/identity?audience=${AUDIENCE}&format=full`,
    { method: "GET", headers: { "Metadata-Flavor": "Google" }, service: metadata },
  );
  requireSuccess(response, metadata);
  return nonEmptyToken(new TextDecoder().decode(response.body), metadata);
}

async function runTokenCommand(
  environment: OidcEnvironment,
  provider: string,
  command: string,
  args: readonly string[],
): Promise<string> {
  if (environment.runCommand === undefined) {
    throw tokenError(`${provider}: cannot run \`${command}\` in this environment`);
  }
  let output: string;
  try {
    output = await environment.runCommand(command, args);
  } catch (e) {
    throw tokenError(`${provider}: \`${command}\` could not get an identity token: ${firstLine(e)}`, e);
  }
  return nonEmptyToken(output, `${provider} (\`${command}\`)`);
}

function fromBuildkite(environment: OidcEnvironment): Promise<string> | undefined {
  if (!isSet(environment.env["BUILDKITE"])) return undefined;
  return runTokenCommand(environment, "Buildkite", "buildkite-agent", [
    "oidc",
    "request-token",
    "--audience",
    AUDIENCE,
  ]);
}

function fromGitLab(environment: OidcEnvironment): string | undefined {
  if (!isSet(environment.env["GITLAB_CI"])) return undefined;
  // The pipeline declares `id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore`; the
  // variable name is the audience upper-cased with `_ID_TOKEN` appended.
  const name = `${AUDIENCE.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}_ID_TOKEN`;
  const token = environment.env[name];
  if (!isSet(token)) {
    throw tokenError(
      `GitLab CI: ${name} is not set: declare it under \`id_tokens:\` with \`aud: ${AUDIENCE}\``,
    );
  }
  return nonEmptyToken(token, `GitLab CI (${name})`);
}

function fromCircleCi(environment: OidcEnvironment): Promise<string> | undefined {
  if (!isSet(environment.env["CIRCLECI"])) return undefined;
  return runTokenCommand(environment, "CircleCI", "circleci", [
    "run",
    "oidc",
    "get",
    "--claims",
    JSON.stringify({ aud: AUDIENCE }),
    "--root-issuer",
  ]);
}

/**
 * Looks for an ambient identity token (audience `sigstore`) in GitHub
 * Actions, Google Cloud, Buildkite, GitLab CI and CircleCI, in that order.
 *
 * @param environment The injected runtime services.
 * @returns The first token found with its source, or `undefined` when no
 *   supported environment is detected.
 * @throws {ConfigError} `CONFIG` when an environment is detected but cannot
 *   supply a token (for example GitHub Actions without
 *   `permissions: id-token: write`).
 * @throws {NetworkError} `NETWORK` when a token service fails or answers garbage.
 *
 * @example GitLab CI exposes the token in `SIGSTORE_ID_TOKEN`
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectAmbientToken } from "./ambient.ts";
 *
 * const found = await detectAmbientToken({
 *   env: { GITLAB_CI: "true", SIGSTORE_ID_TOKEN: "a.b.c" },
 *   http: { request: () => Promise.reject(new Error("no network")) },
 *   print: () => {},
 *   hasDisplay: false,
 *   now: () => new Date(),
 * });
 * assert.equal(found?.source, "gitlab");
 * ```
 */
export async function detectAmbientToken(environment: OidcEnvironment): Promise<AmbientToken | undefined> {
  const github = await fromGitHub(environment);
  if (github !== undefined) return { token: github, source: "github" };
  const google = await fromGoogleCloud(environment);
  if (google !== undefined) return { token: google, source: "google-cloud" };
  const buildkite = await fromBuildkite(environment);
  if (buildkite !== undefined) return { token: buildkite, source: "buildkite" };
  const gitlab = fromGitLab(environment);
  if (gitlab !== undefined) return { token: gitlab, source: "gitlab" };
  const circleci = await fromCircleCi(environment);
  if (circleci !== undefined) return { token: circleci, source: "circleci" };
  return undefined;
}
