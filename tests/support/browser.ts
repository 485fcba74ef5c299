// Debian's Chromium through playwright-core, for the end-to-end tests: pages opened in their own
// context (French, JavaScript on or off), console errors collected, axe run on what a page shows.
import { existsSync } from "node:fs";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A browser as citizens have: headless Chromium says so in its user agent, and is not counted. */
export const CITIZEN = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";

export class BrowserSession {
  private readonly contexts: BrowserContext[] = [];

  private constructor(
    readonly browser: Browser,
    private readonly baseUrl: string,
  ) {}

  static async start(baseUrl: string): Promise<BrowserSession> {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (see .ci/run)`);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    return new BrowserSession(browser, baseUrl);
  }

  /** A new page; console errors (a CSP refusal, a failing script) fail the test that reads them. */
  async open(path: string, javaScript = true, userAgent?: string): Promise<{ page: Page; errors: string[] }> {
    const context = await this.browser.newContext({ javaScriptEnabled: javaScript, locale: "fr-FR", ...(userAgent ? { userAgent } : {}) });
    this.contexts.push(context);
    // Fail with Playwright's own explanation before the test's time limit; generous, since netlify dev
    // (a worker per function call) on a loaded machine can take tens of seconds to answer a submit.
    context.setDefaultTimeout(90_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${this.baseUrl}${path}`);
    return { page, errors };
  }

  /**
   * axe cannot run in a page with JavaScript disabled: check the same HTML in a page of the site
   * where JavaScript runs for axe but the site's own scripts are blocked (as when they fail to load).
   */
  async expectNoAxeViolationsWithoutScripts(html: string, where?: string): Promise<void> {
    const context = await this.browser.newContext({ locale: "fr-FR" });
    this.contexts.push(context);
    await context.route("**/*.js", (route) => route.abort());
    const page = await context.newPage();
    await page.goto(`${this.baseUrl}/`);
    await page.setContent(html);
    await expectNoAxeViolations(page, where);
  }

  async close(): Promise<void> {
    await Promise.all(this.contexts.map((c) => c.close()));
    await this.browser.close();
  }
}

export async function expectNoAxeViolations(page: Page, where?: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(summary, where).toEqual([]);
}

/** A question's control, by its key. */
export const field = (page: Page, key: string) => page.locator(`#q-${key}`);

/** DSFR draws radios and checkboxes over their label: a person clicks the label. */
export const tick = (page: Page, label: string | RegExp) => page.locator("label.fr-label", { hasText: label }).click();
