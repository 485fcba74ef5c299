// Lighthouse on every page type of the built site (lib/forms/page-types.ts), served as Netlify
// serves it, through one Chromium: 100 in accessibility, best practices and SEO, or the failing
// audits and the elements they point at, so whoever reads the failure knows what to fix.
// npm run bench:lighthouse prints the same as a table.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageTypes, type PageType } from "../lib/forms/page-types.ts";
import { readPublishedForms } from "../lib/forms/published.ts";
import { startDevtoolsChromium } from "../lib/site/chromium.ts";
import { auditPages, failureLines, scoreTable, type PageAudit } from "../lib/site/lighthouse.ts";
import { serveStaticSite } from "../lib/site/static-site.ts";
import { CHROMIUM } from "./support/browser.ts";

const pages = await pageTypes(await readPublishedForms(), "_site");
const audits = new Map<string, PageAudit<PageType>>();

beforeAll(async () => {
  const started = performance.now();
  const site = await serveStaticSite({ dir: "_site" });
  const chromium = await startDevtoolsChromium(CHROMIUM);
  try {
    for (const audit of await auditPages(site.url, pages, chromium.port)) audits.set(audit.page.type, audit);
  } finally {
    await chromium.close();
    await site.close();
  }
  console.log(`Lighthouse, ${pages.length} pages in ${((performance.now() - started) / 1000).toFixed(1)} s:\n${scoreTable([...audits.values()])}`);
}, 600_000);

afterAll(() => audits.clear());

describe("Lighthouse: 100 in accessibility, best practices and SEO", () => {
  it.each(pages.map((page) => [page.label, page] as const))("%s", (_label, page) => {
    const audit = audits.get(page.type);
    expect(audit, `${page.label} not audited`).toBeDefined();
    // Empty when all three are 100; else each category's score, its failing audits and their elements.
    expect(failureLines(audit!), `${page.label} (${page.path})`).toEqual([]);
    expect(audit!.scores).toEqual({ accessibility: 100, "best-practices": 100, seo: 100 });
  });
});
