import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../lib/errors/mod.ts";
import { createNodeOidcEnvironment } from "../../lib/oidc/node_environment.ts";
import { assertRejectsSafely } from "./_helpers.ts";

const FAKE_BIN = fileURLToPath(new URL("./_bin", import.meta.url));

describe("createNodeOidcEnvironment()", () => {
  it("has a display on macOS and Windows", () => {
    assert.equal(createNodeOidcEnvironment({ env: {}, platform: "darwin" }).hasDisplay, true);
    assert.equal(createNodeOidcEnvironment({ env: {}, platform: "win32" }).hasDisplay, true);
  });

  it("needs DISPLAY or WAYLAND_DISPLAY and xdg-open on Linux", () => {
    const has = (env: Record<string, string>) =>
      createNodeOidcEnvironment({ env, platform: "linux" }).hasDisplay;
    assert.equal(has({ PATH: FAKE_BIN }), false);
    assert.equal(has({ DISPLAY: ":0", PATH: "/nonexistent" }), false);
    assert.equal(has({ DISPLAY: ":0", PATH: `/nonexistent:${FAKE_BIN}` }), true);
    assert.equal(has({ WAYLAND_DISPLAY: "wayland-0", PATH: FAKE_BIN }), true);
  });

  it("receives the OAuth callback on the loopback server", async () => {
    const environment = createNodeOidcEnvironment({ env: {}, callbackTimeoutMs: 5_000 });
    const server = await environment.startLoopbackServer!();
    try {
      const other = await fetch(`http://127.0.0.1:${server.port}/favicon.ico`);
      assert.equal(other.status, 404);
      await other.body?.cancel();
      const response = await fetch(`http://127.0.0.1:${server.port}/auth/callback?code=abc&state=xyz`);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /close this window/);
      const params = await server.waitForCallback();
      assert.equal(params.get("code"), "abc");
      assert.equal(params.get("state"), "xyz");
      const again = await fetch(`http://127.0.0.1:${server.port}/auth/callback?code=evil`);
      assert.equal(again.status, 404);
      await again.body?.cancel();
    } finally {
      await server.close();
    }
  });

  it("stops waiting for the callback after the timeout", async () => {
    const environment = createNodeOidcEnvironment({ env: {}, callbackTimeoutMs: 50 });
    const server = await environment.startLoopbackServer!();
    try {
      await assertRejectsSafely(
        server.waitForCallback(),
        ConfigError,
        "OIDC_TOKEN",
        /No sign-in callback arrived/,
      );
    } finally {
      await server.close();
    }
  });

  it("reads files and returns undefined for missing ones", async () => {
    const environment = createNodeOidcEnvironment({ env: {} });
    assert.match((await environment.readFile!(`${FAKE_BIN}/xdg-open`))!, /Stand-in/);
    assert.equal(await environment.readFile!(`${FAKE_BIN}/missing`), undefined);
  });

  it("opens only http and https URLs", async () => {
    const environment = createNodeOidcEnvironment({ env: {}, platform: "linux" });
    assert.equal(await environment.openBrowser!("file:///etc/passwd"), false);
    assert.equal(await environment.openBrowser!("not a url"), false);
  });

  it("prints lines through the injected writer", () => {
    const written: string[] = [];
    const environment = createNodeOidcEnvironment({ env: {}, write: (text) => written.push(text) });
    environment.print("hello");
    assert.deepEqual(written, ["hello\n"]);
  });
});
