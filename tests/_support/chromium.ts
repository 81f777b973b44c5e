/**
 * A headless Chromium driven over the DevTools protocol (no driver library):
 * launch with a fresh profile, open a page, evaluate script, set file inputs,
 * take screenshots, read the renderer's peak memory. Used by the browser
 * tests of dist/verify.html.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";

/** The Chromium binary: `$CHROMIUM` when set, else Debian's `/usr/bin/chromium`; `undefined` when absent. */
export const CHROMIUM: string | undefined = (() => {
  const path = process.env.CHROMIUM || "/usr/bin/chromium";
  return existsSync(path) ? path : undefined;
})();

/** One DevTools event. */
interface CdpEvent {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly sessionId?: string;
}

/** A page (target) session of a running Chromium. */
export interface ChromiumPage {
  /** Sends a DevTools command to the page and returns its result. */
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Evaluates an expression in the page (awaiting promises) and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** Events the page sent so far, oldest first. */
  readonly events: CdpEvent[];
  /** Waits until `expression` is truthy in the page; throws after `timeoutMs`. */
  waitFor(expression: string, timeoutMs: number): Promise<void>;
  /** Gives the file input `selector` these files (paths on disk; nothing is read into the test). */
  setFiles(selector: string, paths: readonly string[]): Promise<void>;
  /** A PNG screenshot of the whole page. */
  screenshot(): Promise<Uint8Array>;
}

/** A running headless Chromium. */
export interface Chromium {
  /** Opens `url` in a new page and waits for its load event. */
  open(url: string): Promise<ChromiumPage>;
  /** Process ids of the renderer processes. */
  rendererPids(): Promise<number[]>;
  /** Kills the browser and removes its profile. */
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile, no network services, and a DevTools port. */
export async function launchChromium(binary: string): Promise<Chromium> {
  const profile = mkdtempSync(`${tmpdir()}/sigstore-ts-chromium-`);
  const child: ChildProcess = spawn(binary, [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    `--user-data-dir=${profile}`,
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
    "--window-size=1100,1400",
    "about:blank",
  ], { stdio: ["ignore", "ignore", "pipe"], detached: true }); // its own process group, killed as one
  const wsUrl = await new Promise<string>((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error(`Chromium did not start in 30 s:\n${err}`)), 30_000);
    child.stderr!.on("data", (d: Uint8Array) => {
      err += new TextDecoder().decode(d);
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited with ${code}:\n${err}`));
    });
  });
  child.stderr!.resume();
  const socket = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error(`Cannot connect to Chromium's DevTools at ${wsUrl}`));
  });
  let nextId = 1;
  const pending = new Map<number, { resolve(v: Record<string, unknown>): void; reject(e: Error): void }>();
  const listeners: ((event: CdpEvent) => void)[] = [];
  socket.onmessage = (message) => {
    const data = JSON.parse(String(message.data));
    if (typeof data.id === "number") {
      const p = pending.get(data.id);
      pending.delete(data.id);
      if (data.error) p?.reject(new Error(`DevTools: ${data.error.message}`));
      else p?.resolve(data.result);
    } else {
      for (const l of listeners) l(data as CdpEvent);
    }
  };
  function send(method: string, params: Record<string, unknown> = {}, sessionId?: string) {
    const id = nextId++;
    socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return new Promise<Record<string, unknown>>((resolve, reject) => pending.set(id, { resolve, reject }));
  }

  async function open(url: string): Promise<ChromiumPage> {
    const { targetId } = await send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true }) as {
      sessionId: string;
    };
    const events: CdpEvent[] = [];
    listeners.push((e) => {
      if (e.sessionId === sessionId) events.push(e);
    });
    const pageSend = (method: string, params?: Record<string, unknown>) => send(method, params, sessionId);
    await pageSend("Page.enable");
    await pageSend("Runtime.enable");
    await pageSend("Network.enable");
    await pageSend("DOM.enable");
    const loaded = events.length;
    await pageSend("Page.navigate", { url });
    const page: ChromiumPage = {
      send: pageSend,
      events,
      async evaluate<T>(expression: string): Promise<T> {
        const r = await pageSend("Runtime.evaluate", {
          expression,
          awaitPromise: true,
          returnByValue: true,
        }) as {
          result: { value?: unknown };
          exceptionDetails?: { text: string; exception?: { description?: string } };
        };
        if (r.exceptionDetails) {
          throw new Error(
            `In the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`,
          );
        }
        return r.result.value as T;
      },
      async waitFor(expression: string, timeoutMs: number): Promise<void> {
        const until = Date.now() + timeoutMs;
        while (!(await page.evaluate<boolean>(`Boolean(${expression})`))) {
          if (Date.now() > until) {
            throw new Error(`Timed out after ${timeoutMs} ms waiting for ${expression}`);
          }
          await new Promise((r) => setTimeout(r, 25));
        }
      },
      async setFiles(selector: string, paths: readonly string[]): Promise<void> {
        const { root } = await pageSend("DOM.getDocument") as { root: { nodeId: number } };
        const { nodeId } = await pageSend("DOM.querySelector", { nodeId: root.nodeId, selector });
        await pageSend("DOM.setFileInputFiles", { nodeId, files: paths });
      },
      async screenshot(): Promise<Uint8Array> {
        const { data } = await pageSend("Page.captureScreenshot", {
          format: "png",
          captureBeyondViewport: true,
        });
        return Uint8Array.from(atob(String(data)), (c) => c.charCodeAt(0));
      },
    };
    const until = Date.now() + 30_000;
    while (!events.slice(loaded).some((e) => e.method === "Page.loadEventFired")) {
      if (Date.now() > until) throw new Error(`Page ${url} did not load in 30 s`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return page;
  }

  return {
    open,
    async rendererPids(): Promise<number[]> {
      const { processInfo } = await send("SystemInfo.getProcessInfo") as {
        processInfo: { type: string; id: number }[];
      };
      return processInfo.filter((p) => p.type === "renderer").map((p) => p.id);
    },
    async close(): Promise<void> {
      socket.close();
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid!, "SIGKILL"); // the browser and its renderer, GPU and zygote processes
      await exited;
      for (let attempt = 0;; attempt++) {
        try {
          rmSync(profile, { recursive: true, force: true });
          return;
        } catch (e) {
          if (attempt === 20) throw e; // a dying child may still write to the profile for a moment
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    },
  };
}

/** Peak resident memory (VmHWM) of a process, in bytes, from /proc. */
export function peakRssBytes(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`No VmHWM for process ${pid}`);
  return Number(m[1]) * 1024;
}
