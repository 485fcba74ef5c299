// Full-page screenshots of the built pages at a phone's and a computer's width, and a page listing
// them, so an intrapreneur or a reviewer sees what citizens see without running a browser.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { escapeHtml } from "./html.ts";

/** A phone (the narrowest width the DSFR designs for) and a laptop. */
export const CAPTURE_WIDTHS = [375, 1280] as const;

/** The window's height before the page is captured whole. */
const HEIGHT = 800;

export interface Capture {
  /** The PNG's name in the output folder. */
  file: string;
  /** The page it shows, in French: captures of the same page are listed together. */
  page: string;
  /** What this capture shows of it, in French (« 375 px », « envoyé vide, 375 px »). */
  caption: string;
  path: string;
  width: number;
  /** Brings the page to the state to capture (a form sent empty…), once loaded. */
  prepare?: (page: Page) => Promise<void>;
}

export interface TakenCapture extends Capture {
  /** Errors the page logged (a CSP refusal, a failing script), which a reviewer should know of. */
  errors: string[];
}

/**
 * Each capture in a tab of its own, one after the other, into `outDir`; the tabs of a width share a
 * browser context (a tab keeps its own session storage, where a form keeps its draft).
 */
export async function takeCaptures(browser: Browser, baseUrl: string, captures: readonly Capture[], outDir: string): Promise<TakenCapture[]> {
  const contexts = new Map<number, BrowserContext>();
  const contextFor = async (width: number) => {
    const known = contexts.get(width);
    if (known) return known;
    const context = await browser.newContext({ viewport: { width, height: HEIGHT }, deviceScaleFactor: 1, locale: "fr-FR", reducedMotion: "reduce" });
    contexts.set(width, context);
    return context;
  };
  const taken: TakenCapture[] = [];
  try {
    for (const capture of captures) {
      const page = await (await contextFor(capture.width)).newPage();
      try {
        const url = new URL(capture.path, baseUrl).href;
        const errors: string[] = [];
        page.on("console", (message) => {
          // A page answering 404 (the site's page for unknown addresses) has Chromium log its own status.
          const ownStatus = message.location().url === url && message.text().startsWith("Failed to load resource");
          if (message.type() === "error" && !ownStatus) errors.push(message.text());
        });
        page.on("pageerror", (error) => errors.push(error.message));
        await page.goto(url, { waitUntil: "load" });
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        await capture.prepare?.(page);
        await page.screenshot({ path: join(outDir, capture.file), fullPage: true, animations: "disabled", caret: "hide" });
        taken.push({ ...capture, errors });
      } finally {
        await page.close();
      }
    }
  } finally {
    await Promise.all([...contexts.values()].map((context) => context.close()));
  }
  return taken;
}

/** The page listing the captures, by page, each shown at most 640 px wide and linked to its file. */
export function capturesIndexHtml(captures: readonly Capture[], about: string): string {
  const pages = [...new Set(captures.map((c) => c.page))];
  const sections = pages.map((name) => {
    const own = captures.filter((c) => c.page === name);
    const figures = own.map(
      (c) =>
        `<figure><a href="${escapeHtml(c.file)}"><img src="${escapeHtml(c.file)}" width="${Math.min(c.width, 640)}" alt="${escapeHtml(`${name}, ${c.caption}`)}"></a>` +
        `<figcaption>${escapeHtml(c.caption)}</figcaption></figure>`,
    );
    return `<section>\n<h2>${escapeHtml(name)} <code>${escapeHtml(own[0]?.path ?? "")}</code></h2>\n${figures.join("\n")}\n</section>`;
  });
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Captures des pages</title>
</head>
<body>
<main>
<h1>Captures des pages</h1>
<p>${escapeHtml(about)}</p>
${sections.join("\n")}
</main>
</body>
</html>
`;
}

export async function writeCapturesIndex(outDir: string, captures: readonly Capture[], about: string): Promise<string> {
  const file = join(outDir, "index.html");
  await writeFile(file, capturesIndexHtml(captures, about));
  return file;
}
