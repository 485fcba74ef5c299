// npm run screenshots [-- --out <folder>] [-- --chromium <path>]: full-page screenshots of each
// page type of the built site (npm run build first) at 375 px and 1280 px wide, and the form sent
// empty (its errors) at 375 px, into _site/captures/ with an index.html listing them.
import { readdir, mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { ConfigError, readConfig } from "../lib/app/config.ts";
import { ERROR_SUMMARY_ID } from "../lib/forms/errors.ts";
import { pageTypes } from "../lib/forms/page-types.ts";
import { publishedFormsPath, readPublishedForms } from "../lib/forms/published.ts";
import { STEP_IDS } from "../lib/forms/steps.ts";
import { CHROMIUM_PATH, launchBrowser } from "../lib/site/chromium.ts";
import { CAPTURE_WIDTHS, takeCaptures, writeCapturesIndex, type Capture } from "../lib/site/screenshots.ts";
import { serveStaticSite } from "../lib/site/static-site.ts";

/** The form's first visible button (« Suivant » on a form in steps, else « Envoyer »), clicked with nothing filled in. */
async function sendEmpty(page: Page): Promise<void> {
  await page.locator(`#${STEP_IDS.next}:visible, #${STEP_IDS.submit}:visible`).first().click();
  await page.locator(`#${ERROR_SUMMARY_ID}`).waitFor();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: "string" }, chromium: { type: "string", default: CHROMIUM_PATH } } });
  const config = readConfig();
  const formsPath = publishedFormsPath(config.buildDir);
  const published = await readPublishedForms(formsPath).catch(() => {
    throw new ConfigError(`${formsPath} est introuvable : lancez d'abord « npm run build ».`);
  });
  const pages = await pageTypes(published, config.outputDir);
  const outDir = resolve(values.out ?? join(config.outputDir, "captures"));

  const captures: Capture[] = pages.flatMap((page) =>
    CAPTURE_WIDTHS.map((width) => ({ file: `${page.type}-${width}.png`, page: page.label, caption: `${width} px`, path: page.path, width })),
  );
  const form = pages.find((page) => page.type === "form");
  if (form) captures.push({ file: "form-errors-375.png", page: form.label, caption: "envoyé vide (erreurs), 375 px", path: form.path, width: 375, prepare: sendEmpty });

  // Only what an earlier run wrote is removed: the folder may be one the user chose.
  await mkdir(outDir, { recursive: true });
  for (const name of await readdir(outDir)) if (name.endsWith(".png") || name === "index.html") await rm(join(outDir, name));

  const started = performance.now();
  const site = await serveStaticSite({ dir: config.outputDir });
  const browser = await launchBrowser(values.chromium);
  try {
    console.log(`${captures.length} captures de ${pages.length} pages (${CAPTURE_WIDTHS.join(" px et ")} px de large)…`);
    const taken = await takeCaptures(browser, site.url, captures, outDir);
    const about = `Prises le ${new Date().toLocaleString("fr-FR", { timeZone: "Europe/Paris" })} sur le site construit le ${new Date(published.builtAt).toLocaleString("fr-FR", { timeZone: "Europe/Paris" })}, à ${CAPTURE_WIDTHS.join(" px (téléphone) et ")} px (ordinateur) de large, page entière.`;
    const index = await writeCapturesIndex(outDir, taken, about);
    for (const capture of taken) {
      console.log(`  ${join(outDir, capture.file)}`);
      for (const error of capture.errors) console.log(`    erreur dans la page : ${error}`);
    }
    console.log(`\n${taken.length} captures en ${((performance.now() - started) / 1000).toFixed(1)} s, dans ${outDir}`);
    console.log(`Pour les voir : ouvrez ${index}`);
  } finally {
    await browser.close();
    await site.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
