// What every page type costs a citizen (the weight budget), what it says (description, duration,
// legal wording), and that the stylesheet assembled from the DSFR's parts draws the pages exactly
// as the whole DSFR bundle does: each page type rendered by Chromium with both, pixel for pixel.
import { readdir, readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageFile, pageTypes, type PageType } from "../lib/forms/page-types.ts";
import { durationMinutes } from "../lib/forms/definitions.ts";
import { publishedFormsPath, type PublishedForms } from "../lib/forms/published.ts";
import { launchBrowser } from "../lib/site/chromium.ts";
import { assembleCss, usedClasses } from "../lib/site/dsfr-css.ts";
import { BUDGET, pageWeights, type PageWeight } from "../lib/site/page-weight.ts";
import { serveStaticSite, type StaticSite } from "../lib/site/static-site.ts";

const SITE = "_site";
const DSFR_DIST = join(createRequire(import.meta.url).resolve("@gouvfr/dsfr/package.json"), "../dist");

let published: PublishedForms;
let types: PageType[];
const weights = new Map<string, PageWeight>();

beforeAll(async () => {
  published = JSON.parse(await readFile(publishedFormsPath("build"), "utf8")) as PublishedForms;
  types = await pageTypes(published, SITE);
  const measured = await pageWeights(SITE, types.map(pageFile));
  types.forEach((page, i) => weights.set(page.type, measured[i] as PageWeight));
});

describe("the weight budget", () => {
  it("keeps every page type's stylesheets under 45 KB gzip", () => {
    for (const page of types) expect.soft(weights.get(page.type)?.css, page.label).toBeLessThanOrEqual(BUDGET.css);
    // A page that lost its stylesheet would pass the line above.
    for (const page of types) expect.soft(weights.get(page.type)?.css, page.label).toBeGreaterThan(10_000);
  });

  it("keeps the form page's scripts under 40 KB gzip, in one file", () => {
    const form = weights.get("form");
    expect(form?.js).toBeGreaterThan(0);
    expect(form?.js).toBeLessThanOrEqual(BUDGET.formJs);
    expect(form?.files.js).toEqual(["/assets/form.js"]);
  });

  it("loads no script where none is needed, and never the DSFR's", () => {
    for (const type of ["home", "confirmation", "legal-notice", "personal-data", "accessibility", "not-found"]) {
      expect.soft(weights.get(type)?.files.js, type).toEqual([]);
    }
    // A landing page counts its view: that small script only.
    expect(weights.get("landing")?.files.js).toEqual(["/assets/mesure.js"]);
    expect(weights.get("landing")?.js).toBeLessThan(5_000);
    for (const weight of weights.values()) expect([...weight.files.css, ...weight.files.js].join(" ")).not.toMatch(/dsfr\.(min\.css|module|nomodule)/);
  });

  it("preloads the two Marianne faces every page shows, which the stylesheet declares", async () => {
    const css = await readFile(join(SITE, "assets/site.css"), "utf8");
    for (const weight of weights.values()) {
      expect(weight.files.fonts).toEqual(["/dsfr/fonts/Marianne-Regular.woff2", "/dsfr/fonts/Marianne-Bold.woff2"]);
      for (const font of weight.files.fonts) expect(css).toContain(`url(${font})`);
    }
    // Spectral (the DSFR's serif) is never asked for: its faces are not declared.
    expect(css).not.toContain("Spectral");
  });
});

describe("the design system's files the site ships", () => {
  it("are exactly the fonts and icons the stylesheet names, each present", async () => {
    const css = await readFile(join(SITE, "assets/site.css"), "utf8");
    const named = [...new Set([...css.matchAll(/url\((\/dsfr\/[^)]+)\)/g)].map((m) => m[1] as string))];
    expect(named.length).toBeGreaterThan(5);
    for (const path of named) await expect(stat(join(SITE, path)), path).resolves.toBeTruthy();
    const shipped = (await readdir(join(SITE, "dsfr"), { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile() && !entry.parentPath.includes("favicon"));
    expect(shipped.map((entry) => `/${relative(SITE, join(entry.parentPath, entry.name))}`).sort()).toEqual(named.sort());
  });
});

describe("what the pages say", () => {
  it("gives every page type a description for search engines", async () => {
    for (const page of types) {
      const html = await readFile(join(SITE, pageFile(page)), "utf8");
      expect.soft(html, page.label).toMatch(/<meta name="description" content="[^"]{20,}">/);
    }
  });

  it("announces on each service page how long its form takes, from its questions", async () => {
    const announced: number[] = [];
    for (const { definition, variants } of Object.values(published.forms)) {
      const landing = variants?.find((v) => v.active)?.landingPath ?? `/${definition.slug}/`;
      const minutes = durationMinutes(definition);
      const html = await readFile(join(SITE, landing, "index.html"), "utf8");
      expect(html).toContain(`cela prend environ ${minutes} minute${minutes > 1 ? "s" : ""}.`);
      announced.push(minutes);
    }
    // The sample's services differ in length: a duration written once for all would not.
    expect(new Set(announced).size).toBeGreaterThan(1);
  });

  it("counts a question's usual time, or takes the base's duration", () => {
    const fields = (...types: Array<"long-text" | "short-text" | "section">) => ({ fields: types.map((type) => ({ type }) as never) });
    expect(durationMinutes(fields())).toBe(1);
    expect(durationMinutes(fields("long-text", "long-text"))).toBe(2); // 90 s
    expect(durationMinutes(fields("short-text", "section"), 7)).toBe(7);
  });

  it("names the publisher without a phrase that needs its article, and the host apart from the next heading", async () => {
    const notice = await readFile(join(SITE, "mentions-legales/index.html"), "utf8");
    const data = await readFile(join(SITE, "donnees-personnelles/index.html"), "utf8");
    const home = await readFile(join(SITE, "index.html"), "utf8");
    for (const html of [notice, data, home]) expect(html).not.toMatch(/(édité par|publié par|au sein de|traitement des données est) [A-ZÉ]/);
    expect(notice).toMatch(/<h2>Hébergement<\/h2>\s*<address class="fr-mb-3w">/);
    // « Sous-traitants » is said once to the eye: the table's caption is for screen readers.
    expect(data.match(/>Sous-traitants</g)).toHaveLength(1);
    expect(data).toContain('class="fr-table fr-table--no-caption"');
  });

  it("links the breadcrumb's current page to itself, never collapsed", async () => {
    const form = types.find((page) => page.type === "form") as PageType;
    const html = await readFile(join(SITE, pageFile(form)), "utf8");
    expect(html).toContain(`<a class="fr-breadcrumb__link" href="${form.path}" aria-current="page">`);
    expect(html).not.toContain("fr-collapse");
  });
});

describe("the stylesheet assembled from the DSFR's parts", () => {
  it("reads classes and prefixes from the sources", () => {
    const used = usedClasses(['<div class="fr-card fr-enlarge-link">', "`fr-alert--${kind}`"]);
    expect([...used.names]).toEqual(expect.arrayContaining(["fr-card", "fr-enlarge-link", "fr-alert--"]));
    expect(used.prefixes).toEqual(["fr-alert--"]);
  });

  it("keeps a component's rules that exclude unused variants, and drops the variants", async () => {
    const { css, components } = await assembleCss({ sources: ['<div class="fr-card">'], kitCss: "" });
    expect(components).toContain("card");
    expect(components).not.toContain("table");
    expect(css).toContain(".fr-card:not(.fr-card--no-border)");
    expect(css).not.toMatch(/\.fr-card--horizontal[^-]/);
  });

  let site: StaticSite;
  let browser: Browser;
  beforeAll(async () => {
    site = await serveStaticSite({ dir: SITE });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  /** The page as Chromium draws it, with the built stylesheet or with the whole DSFR (and its icons) instead. */
  async function draw(path: string, width: number, whole: boolean, act?: (context: BrowserContext) => Promise<Buffer>): Promise<Buffer> {
    const context = await browser.newContext({ viewport: { width, height: 800 }, locale: "fr-FR" });
    try {
      if (whole) {
        // The bundle and its icons served where the package has them, so their relative URLs hold.
        const kit = await readFile("site/css/kit.css", "utf8");
        await context.route("**/assets/site.css", (route) =>
          route.fulfill({ contentType: "text/css", body: `@import url(/dsfr/dsfr.min.css);\n@import url(/dsfr/utility/icons/icons.min.css);\n${kit}` }),
        );
        for (const file of ["dsfr.min.css", "utility/icons/icons.min.css"]) {
          await context.route(`**/dsfr/${file}`, async (route) => route.fulfill({ contentType: "text/css", body: await readFile(join(DSFR_DIST, file), "utf8") }));
        }
      }
      if (act) return await act(context);
      const page = await context.newPage();
      await page.goto(site.url + path);
      await page.evaluate(() => document.fonts.ready);
      return await page.screenshot({ fullPage: true, animations: "disabled" });
    } finally {
      await context.close();
    }
  }

  it("draws every page type exactly as the whole DSFR does, on a phone and a computer", async () => {
    const different: string[] = [];
    for (const page of types) {
      for (const width of [375, 1280]) {
        const [ours, whole] = [await draw(page.path, width, false), await draw(page.path, width, true)];
        if (!ours.equals(whole)) different.push(`${page.label} à ${width} px`);
      }
    }
    expect(different).toEqual([]);
  });

  it("draws the form's error messages exactly as the whole DSFR does", async () => {
    const form = types.find((page) => page.type === "form") as PageType;
    const submitted = (context: BrowserContext) =>
      (async () => {
        const page = await context.newPage();
        await page.goto(site.url + form.path);
        await page.evaluate(() => document.fonts.ready);
        await page.locator("form button[type=submit]").last().click();
        await page.locator(".fr-error-text, .fr-message--error").first().waitFor();
        return page.screenshot({ fullPage: true, animations: "disabled" });
      })();
    const [ours, whole] = [await draw(form.path, 375, false, submitted), await draw(form.path, 375, true, submitted)];
    expect(ours.equals(whole)).toBe(true);
  });
});
