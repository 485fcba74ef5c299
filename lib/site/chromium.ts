// Debian's Chromium for the tools that look at the built pages (Lighthouse, screenshots): the
// flags that work on a machine with no network, and a Chromium Lighthouse can drive through its
// DevTools port. Playwright never downloads a browser here (see tests/support/browser.ts).
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Without the background-networking ones, Chromium floods a closed network with refused connections. */
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

/** Chromium through Playwright (screenshots, pages driven by a script). */
export function launchBrowser(executablePath = CHROMIUM_PATH): Promise<Browser> {
  return chromium.launch({ executablePath, args: [...CHROMIUM_FLAGS] });
}

export interface DevtoolsChromium {
  /** The DevTools port, which Lighthouse's `port` flag takes. */
  port: number;
  close(): Promise<void>;
}

/**
 * A headless Chromium listening on a free DevTools port, with a fresh profile: one for a whole
 * Lighthouse run, each page in a tab of its own, rather than a browser started per page.
 */
export async function startDevtoolsChromium(executablePath = CHROMIUM_PATH, timeoutMs = 30_000): Promise<DevtoolsChromium> {
  const profile = await mkdtemp(join(tmpdir(), "kit-chromium-"));
  const child = spawn(executablePath, ["--headless", ...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, "--remote-debugging-port=0", "about:blank"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await exited;
    await rm(profile, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((done, fail) => {
      let said = "";
      const timer = setTimeout(() => fail(new Error(`Chromium (${executablePath}) gave no DevTools port within ${timeoutMs} ms:\n${said}`)), timeoutMs);
      child.once("error", (error) => {
        clearTimeout(timer);
        fail(new Error(`Chromium not started (${executablePath}): ${error.message}; apt-get install chromium`));
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        fail(new Error(`Chromium stopped (code ${code}) before listening:\n${said}`));
      });
      const listen = (chunk: Buffer) => {
        said += chunk.toString();
        const match = /DevTools listening on ws:\/\/[^\s:]+:(\d+)\//.exec(said);
        if (!match) return;
        clearTimeout(timer);
        // From now on what it says is dropped (but read, or a full pipe would block it).
        child.stderr.off("data", listen);
        child.stderr.resume();
        done(Number(match[1]));
      };
      child.stderr.on("data", listen);
    });
    return { port, close };
  } catch (error) {
    await close();
    throw error;
  }
}
