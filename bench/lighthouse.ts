// npm run bench:lighthouse [-- --chromium /usr/bin/chromium]: Lighthouse (accessibilité, bonnes
// pratiques, référencement) on each page type of the built site (npm run build first), served as
// Netlify serves it, through one Chromium. Prints a table of the scores, then for each score below
// 100 the audits that fail and what they point at. tests/lighthouse.test.ts fails on the same.
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { readConfig } from "../lib/app/config.ts";
import { pageTypes } from "../lib/forms/page-types.ts";
import { publishedFormsPath, readPublishedForms } from "../lib/forms/published.ts";
import { CHROMIUM_PATH, startDevtoolsChromium } from "../lib/site/chromium.ts";
import { auditPages, failuresReport, scoreTable } from "../lib/site/lighthouse.ts";
import { serveStaticSite } from "../lib/site/static-site.ts";

const { values } = parseArgs({ options: { chromium: { type: "string", default: CHROMIUM_PATH } } });
const config = readConfig();
const pages = await pageTypes(await readPublishedForms(publishedFormsPath(config.buildDir)), config.outputDir);

const cpu = cpus();
console.log(`Machine : ${cpu.length} processeurs (${cpu[0]?.model.trim() ?? "?"}), Node ${process.version}, charge moyenne ${(loadavg()[0] ?? 0).toFixed(2)} au départ.`);
console.log(`Lighthouse sur ${pages.length} types de page de ${config.outputDir}, un seul Chromium (${values.chromium})…`);

const started = performance.now();
const site = await serveStaticSite({ dir: config.outputDir });
const browser = await startDevtoolsChromium(values.chromium);
try {
  const audits = await auditPages(site.url, pages, browser.port, (audit) => console.log(`  ${audit.page.label} : ${(audit.ms / 1000).toFixed(1)} s`));
  console.log(`\n${scoreTable(audits)}\n`);
  console.log(`Durée totale : ${((performance.now() - started) / 1000).toFixed(1)} s (Chromium lancé une fois).\n`);
  const report = failuresReport(audits);
  console.log(report ? `Audits en échec :\n\n${report}` : "Toutes les pages ont 100 dans les trois catégories.");
} finally {
  await browser.close();
  await site.close();
}
