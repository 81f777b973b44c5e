import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, NetworkError } from "../../lib/errors/mod.ts";
import { detectAmbientToken } from "../../lib/oidc/mod.ts";
import { assertRejectsSafely, fakeEnvironment, fakeHttp, validJwt } from "./_helpers.ts";

const TOKEN = validJwt({ sub: "ambient" });
const REQUEST_TOKEN = "gha-request-secret-0123456789";

function recordingCommand(output: string | Error): {
  calls: [string, readonly string[]][];
  runCommand(command: string, args: readonly string[]): Promise<string>;
} {
  const calls: [string, readonly string[]][] = [];
  return {
    calls,
    runCommand(command, args) {
      calls.push([command, args]);
      return output instanceof Error ? Promise.reject(output) : Promise.resolve(output);
    },
  };
}

describe("detectAmbientToken()", () => {
  it("finds nothing outside CI", async () => {
    const environment = fakeEnvironment({
      readFile: () => Promise.resolve("Standard PC (Q35 + ICH9, 2009)\n"),
    });
    assert.equal(await detectAmbientToken(environment), undefined);
  });

  describe("GitHub Actions", () => {
    const env = {
      GITHUB_ACTIONS: "true",
      ACTIONS_ID_TOKEN_REQUEST_URL: "https://pipelines.example/idtoken?api-version=2.0",
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
    };

    it("requests a token for audience sigstore with the request bearer token", async () => {
      const http = fakeHttp({ "https://pipelines.example/idtoken": { body: { count: 1, value: TOKEN } } });
      const found = await detectAmbientToken(fakeEnvironment({ env, http }));
      assert.deepEqual(found, { token: TOKEN, source: "github" });
      assert.equal(http.requests.length, 1);
      const { url, request } = http.requests[0]!;
      assert.equal(url, "https://pipelines.example/idtoken?api-version=2.0&audience=sigstore");
      assert.equal(request.method, "GET");
      assert.equal(request.headers?.["Authorization"], `bearer ${REQUEST_TOKEN}`);
    });

    it("explains the missing id-token permission", async () => {
      for (const missing of ["ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"]) {
        const partial: Record<string, string | undefined> = { ...env, [missing]: undefined };
        await assertRejectsSafely(
          detectAmbientToken(fakeEnvironment({ env: partial })),
          ConfigError,
          "OIDC_TOKEN",
          /permissions: id-token: write/,
          [REQUEST_TOKEN],
        );
      }
    });

    it("reports a refused request as a NetworkError without the request token", async () => {
      const http = fakeHttp({
        "https://pipelines.example/": { status: 403, body: { message: "forbidden" } },
      });
      await assertRejectsSafely(
        detectAmbientToken(fakeEnvironment({ env, http })),
        NetworkError,
        "NETWORK",
        /GitHub Actions OIDC refused the request: HTTP 403: forbidden/,
        [REQUEST_TOKEN],
      );
    });

    it("rejects an answer without a value", async () => {
      const http = fakeHttp({ "https://pipelines.example/": { body: { token: TOKEN } } });
      await assertRejectsSafely(
        detectAmbientToken(fakeEnvironment({ env, http })),
        NetworkError,
        "NETWORK",
        /without a "value" string/,
        [TOKEN],
      );
    });

    it("wins over the other CI environments", async () => {
      const http = fakeHttp({ "https://pipelines.example/": { body: { value: TOKEN } } });
      const command = recordingCommand("other");
      const found = await detectAmbientToken(
        fakeEnvironment({ env: { ...env, BUILDKITE: "true", CIRCLECI: "true" }, http, ...command }),
      );
      assert.equal(found?.source, "github");
      assert.equal(command.calls.length, 0);
    });
  });

  describe("Google Cloud", () => {
    it("uses the service account named in GOOGLE_SERVICE_ACCOUNT_NAME", async () => {
      const http = fakeHttp({
        "http://metadata/computeMetadata/v1/instance/service-accounts/default/token": {
          body: { access_token: "ya29.access-secret", expires_in: 3599, token_type: "Bearer" },
        },
        "https://iamcredentials.googleapis.com/": { body: { token: TOKEN } },
      });
      const env = { GOOGLE_SERVICE_ACCOUNT_NAME: "signer@project.iam.gserviceaccount.com" };
      const found = await detectAmbientToken(fakeEnvironment({ env, http }));
      assert.deepEqual(found, { token: TOKEN, source: "google-cloud" });
      const [metadata, iam] = http.requests;
      assert.equal(
        metadata?.url,
        "http://metadata/computeMetadata/v1/instance/service-accounts/default/token?scopes=https://www.googleapis.com/auth/cloud-platform",
      );
      assert.equal(metadata?.request.headers?.["Metadata-Flavor"], "Google");
      assert.equal(
        iam?.url,
        "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/signer%40project.iam.gserviceaccount.com:generateIdToken",
      );
      assert.equal(iam?.request.method, "POST");
      assert.equal(iam?.request.headers?.["Authorization"], "Bearer ya29.access-secret");
      assert.deepEqual(JSON.parse(iam?.request.body as string), { audience: "sigstore", includeEmail: true });
    });

    it("uses the metadata identity endpoint on a Google Compute Engine machine", async () => {
      for (const product of ["Google\n", "Google Compute Engine\n"]) {
        const http = fakeHttp({
          "http://metadata/computeMetadata/v1/instance/service-accounts/default/identity": {
            body: `${TOKEN}\n`,
          },
        });
        const paths: string[] = [];
        const readFile = (path: string) => {
          paths.push(path);
          return Promise.resolve(product);
        };
        const found = await detectAmbientToken(fakeEnvironment({ http, readFile }));
        assert.deepEqual(found, { token: TOKEN, source: "google-cloud" });
        assert.deepEqual(paths, ["/sys/class/dmi/id/product_name"]);
        assert.equal(
          http.requests[0]?.url,
          "http://metadata/computeMetadata/v1/instance/service-accounts/default/identity?audience=sigstore&format=full",
        );
        assert.equal(http.requests[0]?.request.headers?.["Metadata-Flavor"], "Google");
      }
    });

    it("reports a metadata server failure", async () => {
      const http = fakeHttp({ "http://metadata/": { status: 404, body: "not found" } });
      await assertRejectsSafely(
        detectAmbientToken(fakeEnvironment({ http, readFile: () => Promise.resolve("Google") })),
        NetworkError,
        "NETWORK",
        /Google Cloud metadata server refused the request: HTTP 404/,
      );
    });
  });

  describe("Buildkite", () => {
    it("runs buildkite-agent for audience sigstore", async () => {
      const command = recordingCommand(`${TOKEN}\n`);
      const found = await detectAmbientToken(fakeEnvironment({ env: { BUILDKITE: "true" }, ...command }));
      assert.deepEqual(found, { token: TOKEN, source: "buildkite" });
      assert.deepEqual(command.calls, [["buildkite-agent", [
        "oidc",
        "request-token",
        "--audience",
        "sigstore",
      ]]]);
    });

    it("reports a failing buildkite-agent", async () => {
      const command = recordingCommand(new Error("buildkite-agent exited with status 1: no job token"));
      await assertRejectsSafely(
        detectAmbientToken(fakeEnvironment({ env: { BUILDKITE: "true" }, ...command })),
        ConfigError,
        "OIDC_TOKEN",
        /^Buildkite: `buildkite-agent` could not get an identity token: buildkite-agent exited with status 1: no job token$/,
      );
    });

    it("needs a way to run commands", async () => {
      await assertRejectsSafely(
        detectAmbientToken(fakeEnvironment({ env: { BUILDKITE: "true" } })),
        ConfigError,
        "OIDC_TOKEN",
        /cannot run `buildkite-agent`/,
      );
    });

    it("rejects empty output", async () => {
      const command = recordingCommand("\n");
      await assertRejectsSafely(
        detectAmbientToken(fakeEnvironment({ env: { BUILDKITE: "true" }, ...command })),
        ConfigError,
        "OIDC_TOKEN",
        /returned an empty identity token/,
      );
    });
  });

  describe("GitLab CI", () => {
    it("reads SIGSTORE_ID_TOKEN", async () => {
      const found = await detectAmbientToken(
        fakeEnvironment({ env: { GITLAB_CI: "true", SIGSTORE_ID_TOKEN: TOKEN } }),
      );
      assert.deepEqual(found, { token: TOKEN, source: "gitlab" });
    });

    it("explains the missing id_tokens declaration", async () => {
      await assertRejectsSafely(
        detectAmbientToken(fakeEnvironment({ env: { GITLAB_CI: "true" } })),
        ConfigError,
        "OIDC_TOKEN",
        /SIGSTORE_ID_TOKEN is not set: declare it under `id_tokens:` with `aud: sigstore`/,
      );
    });
  });

  describe("CircleCI", () => {
    it("runs circleci for audience sigstore with the root issuer", async () => {
      const command = recordingCommand(TOKEN);
      const found = await detectAmbientToken(fakeEnvironment({ env: { CIRCLECI: "true" }, ...command }));
      assert.deepEqual(found, { token: TOKEN, source: "circleci" });
      assert.deepEqual(command.calls, [[
        "circleci",
        ["run", "oidc", "get", "--claims", '{"aud":"sigstore"}', "--root-issuer"],
      ]]);
    });
  });
});
