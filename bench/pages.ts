// npm run bench:pages [-- --runs 5]
// What each page type of the built site costs on first visit, with this kit's stylesheet (the DSFR
// parts it uses, assembled by the build) and no DSFR script, against the same page with the whole
// DSFR bundle as the kit loaded it before (dsfr.min.css, kit.css, dsfr.module.min.js on every
// page), in the same run: bytes (gzip), then time to first contentful paint and to the load event
// in Chromium, on an emulated slow mobile connection (1.6 Mb/s down, 150 ms round trip), cache
// empty, median of --runs. Both versions are served by the same local server, from two copies of
// the built site. Run `npm run build` first.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Browser } from "playwright-core";
import { pageFile, pageTypes } from "../lib/forms/page-types.ts";
import { publishedFormsPath, type PublishedForms } from "../lib/forms/published.ts";
import { launchBrowser } from "../lib/site/chromium.ts";
import { kilobytes, pageWeights, type PageWeight } from "../lib/site/page-weight.ts";
import { serveStaticSite } from "../lib/site/static-site.ts";

const { values: args } = parseArgs({ options: { runs: { type: "string", default: "5" }, site: { type: "string", default: "_site" } } });
const RUNS = Number(args.runs);
const SITE = args.site as string;
const DIST = join(createRequire(import.meta.url).resolve("@gouvfr/dsfr/package.json"), "../dist");
const SLOW_MOBILE = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };

const BUNDLE = { css: "dsfr.min.css", js: "dsfr.module.min.js" };
const kitCss = await readFile("site/css/kit.css", "utf8");

/** A copy of the built site whose pages load the whole bundle, as before. */
async function bundledCopy(pages: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kit-bench-pages-"));
  await cp(SITE, dir, { recursive: true });
  await writeFile(join(dir, "dsfr", BUNDLE.css), await readFile(join(DIST, BUNDLE.css)));
  await writeFile(join(dir, "dsfr", BUNDLE.js), await readFile(join(DIST, BUNDLE.js)));
  await writeFile(join(dir, "assets", "kit.css"), kitCss);
  for (const page of pages) {
    const html = await readFile(join(dir, page), "utf8");
    await writeFile(
      join(dir, page),
      html
        .replace(/<link rel="stylesheet" href="[^"]*">/, `<link rel="stylesheet" href="/dsfr/${BUNDLE.css}">\n<link rel="stylesheet" href="/assets/kit.css">`)
        .replace("</body>", `<script type="module" src="/dsfr/${BUNDLE.js}"></script>\n</body>`),
    );
  }
  return dir;
}

interface Timing {
  fcp: number;
  load: number;
}

async function timeOnce(browser: Browser, url: string): Promise<Timing> {
  const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await cdp.send("Network.emulateNetworkConditions", SLOW_MOBILE);
    await page.goto(url, { waitUntil: "load" });
    // A string, not a function: tsx would name the inner arrow with a helper the page does not have.
    // The paint entry may come a frame after the load event on a page this small.
    return (await page.evaluate(`new Promise((resolve) => {
      const read = () => resolve({
        fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
        load: performance.getEntriesByType("navigation")[0].loadEventEnd,
      });
      if (performance.getEntriesByName("first-contentful-paint").length) read();
      else new PerformanceObserver(read).observe({ type: "paint", buffered: true });
    })`)) as Timing;
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const published = JSON.parse(await readFile(publishedFormsPath("build"), "utf8")) as PublishedForms;
const types = await pageTypes(published, SITE);
const site = await serveStaticSite({ dir: SITE });
const copy = await bundledCopy(types.map(pageFile));
// Both measured the same way, each from its own copy of the site.
const [oursWeights, wholeWeights] = await Promise.all([pageWeights(SITE, types.map(pageFile)), pageWeights(copy, types.map(pageFile))]);
const bundled = await serveStaticSite({ dir: copy });
const browser = await launchBrowser();
const rows: string[] = [];
let ratioBytes = 0;
let ratioLoad = 0;
let ratioFcp = 0;
try {
  for (const [i, page] of types.entries()) {
    const [ours, whole] = [oursWeights[i] as PageWeight, wholeWeights[i] as PageWeight];
    const timings: Record<"ours" | "whole", Timing[]> = { ours: [], whole: [] };
    for (let run = 0; run < RUNS; run++) {
      // Alternate, so that a busy moment of the machine weighs on both.
      timings.ours.push(await timeOnce(browser, site.url + page.path));
      timings.whole.push(await timeOnce(browser, bundled.url + page.path));
    }
    const fcp = { ours: median(timings.ours.map((t) => t.fcp)), whole: median(timings.whole.map((t) => t.fcp)) };
    const load = { ours: median(timings.ours.map((t) => t.load)), whole: median(timings.whole.map((t) => t.load)) };
    ratioBytes += whole.total / ours.total / types.length;
    ratioLoad += load.whole / load.ours / types.length;
    ratioFcp += fcp.whole / fcp.ours / types.length;
    rows.push(
      `| ${page.label} | ${kilobytes(ours.css)} / ${kilobytes(whole.css)} | ${kilobytes(ours.js)} / ${kilobytes(whole.js)} | ${kilobytes(ours.total)} / ${kilobytes(whole.total)} | ${Math.round(fcp.ours)} / ${Math.round(fcp.whole)} ms | ${Math.round(load.ours)} / ${Math.round(load.whole)} ms |`,
    );
    process.stderr.write(`${page.label} : fait\n`);
  }
} finally {
  await browser.close();
  await Promise.all([site.close(), bundled.close()]);
  await rm(copy, { recursive: true, force: true });
}
console.log(`\nChaque case : le kit / la page avec tout le DSFR. Octets gzip (polices préchargées comprises dans le total) ; temps en Chromium, réseau mobile lent émulé (1,6 Mb/s, 150 ms), médiane de ${RUNS} passages.\n`);
console.log("| page | CSS | JS | total | premier affichage | chargement |");
console.log("|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
console.log(`\nrapports (tout le DSFR / le kit), en moyenne sur les pages : octets ×${ratioBytes.toFixed(2)} ; premier affichage ×${ratioFcp.toFixed(2)} ; chargement ×${ratioLoad.toFixed(2)}`);
