// Eleventy builds the static site from the validated base. Run through tsx (see package.json).
// Besides the pages, one build writes what the functions use (build/forms.json, the address
// index) and bundles the browser code, so pages, browser and functions always agree.
import { cp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { build as esbuild, type Plugin } from "esbuild";
import { BaseValidationError, MAIN_VARIANT, splits, variantsOf, withVariant, type Model, type Service, type VariantInfo } from "./lib/base/index.ts";
import { loadModel } from "./lib/app/model.ts";
import { durationMinutes, formDefinitions, paths, type FormDefinition } from "./lib/forms/definitions.ts";
import { CONTROL_FIELDS, renderForm } from "./lib/forms/render.ts";
import { newSigningKey } from "./lib/answers/timing.ts";
import { FORM_END, FORM_START, publishedFormsPath, RECEIPT_END, RECEIPT_START, splitFormPage, type PageShell, type PublishedForms } from "./lib/forms/published.ts";
import { noReceiptHtml } from "./lib/answers/receipt.ts";
import { STATS_END, STATS_START } from "./lib/stats/handlers.ts";
import type { PageMeasure } from "./lib/stats/event.ts";
import { IndexFormatError } from "./lib/address/engine.ts";
import { ensureIndex, loadIndex } from "./lib/address/index-file.ts";
import { hasTerritory } from "./lib/address/territory.ts";
import { headersFile } from "./lib/site/headers.ts";
import { assembleCss, DSFR_PACKAGE, DSFR_PUBLIC_PATH, PRELOADED_FONTS, SITE_CSS } from "./lib/site/dsfr-css.ts";
import { BUDGET, kilobytes, pageWeights, type PageWeight } from "./lib/site/page-weight.ts";
import { pageFile, pageTypes } from "./lib/forms/page-types.ts";
import { ImageError, localiseImages } from "./lib/site/images.ts";
import { ConfigError, readConfig } from "./lib/app/config.ts";
import { notifySettings } from "./lib/app/notify.ts";

/** Read once; a wrong variable stops the build with what to write instead. */
const CONFIG = (() => {
  try {
    return readConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
})();
// KIT_OUTPUT_DIR: so tests can build a modified base without touching the real output.
const OUTPUT = CONFIG.outputDir;

/** The part of Eleventy's configuration API this site uses (Eleventy ships no TypeScript types). */
interface EleventyConfig {
  addGlobalData(name: string, value: () => Promise<unknown>): void;
  addPassthroughCopy(mapping: Record<string, string>): void;
  addShortcode(name: string, fn: (...args: never[]) => string): void;
  addWatchTarget(path: string): void;
  on(event: "eleventy.before" | "eleventy.after", fn: () => Promise<void>): void;
}

/** Who, besides the publisher, handles citizens' data: the personal data page lists them. */
export interface Recipient {
  name: string;
  role: string;
}

/** A page of a service as one variant shows it. */
export interface VariantPage {
  /** The service, with the variant's texts. */
  service: Service;
  form: FormDefinition;
  variant: VariantInfo;
  /** Written in the page for counting (lib/stats/event.ts). */
  measure: PageMeasure;
  /** How long the form takes, as the landing page announces it. */
  minutes: number;
}

export interface Kit {
  model: Model;
  site: Model["site"];
  recipients: Recipient[];
  published: Array<{ service: Service; form: FormDefinition }>;
  /** Landing pages: the main one (unless the main address splits visitors), then one per variant. */
  landings: VariantPage[];
  /** Form pages: the main one, then one per variant. */
  formPages: VariantPage[];
  paths: typeof paths;
}

let kit: Promise<Kit> | undefined;

async function loadKit(): Promise<Kit> {
  const model = await loadModel(CONFIG);
  await localiseImages(model, OUTPUT, CONFIG.cacheDir);
  return kitOf(model);
}

/**
 * The kit with the territory's centre, from the address index the build just ensured: the
 * address combobox asks the search to favour what is near it (lib/address/engine.ts, centreOf).
 */
async function withTerritoryCentre(kit: Kit): Promise<Kit> {
  const { territory } = kit.site;
  if (!hasTerritory(territory)) return kit;
  const centre = (await loadIndex(CONFIG.addressIndex)).centreOf(territory);
  if (!centre) {
    console.warn("[kit] l'index d'adresses n'a aucune adresse du territoire : la recherche d'adresse ne favorise pas ses rues");
    return kit;
  }
  return kitOf({ ...kit.model, site: { ...kit.site, territory: { ...territory, centre } } });
}

function kitOf(model: Model): Kit {
  const published = formDefinitions(model).map((form) => ({ service: model.services.find((s) => s.slug === form.slug) as Service, form }));
  const pages = (page: "landing" | "form") =>
    published.flatMap(({ service, form }) =>
      variantsOf(service)
        // The main address splits visitors between active variants: no page of its own there.
        .filter((variant) => page === "form" || variant.slug !== MAIN_VARIANT || !splits(service))
        .map((variant) => ({
          service: withVariant(service, service.variants.find((v) => v.slug === variant.slug)),
          form,
          variant,
          measure: { service: service.slug, variant: variant.slug, page },
          minutes: durationMinutes(form, service.minutes),
        })),
    );
  return { model, site: model.site, published, landings: pages("landing"), formPages: pages("form"), paths, recipients: recipients(model) };
}

function recipients(model: Model): Recipient[] {
  const list: Recipient[] = [{ name: model.site.host[0] ?? "Hébergeur", role: "Hébergement du site et enregistrement des réponses" }];
  if (CONFIG.airtable) list.push({ name: "Airtable (Formagrid Inc.)", role: "Base de contenu et stockage des réponses" });
  const provider = CONFIG.addressProvider;
  if (provider === "remote" || provider === "auto") {
    list.push({ name: "IGN, Géoplateforme (data.geopf.fr)", role: "Recherche des adresses saisies" + (provider === "auto" ? " hors du territoire" : "") });
  }
  return list;
}

export default function (config: EleventyConfig) {
  config.addGlobalData("kit", () => (kit ??= loadKit()));

  config.addGlobalData("assets", async () => ({ css: SITE_CSS, fonts: PRELOADED_FONTS }));
  // No DSFR script: no component the kit uses needs one (the breadcrumb is never collapsed). The
  // stylesheet is assembled by bundleStylesheet(), which copies the fonts and icons it points to.
  config.addPassthroughCopy({ "node_modules/@gouvfr/dsfr/dist/favicon": "dsfr/favicon" });

  config.addShortcode(
    "kitForm",
    (form: FormDefinition, variant: string) => `${FORM_START}\n${renderForm(form, { raw: variant ? { [CONTROL_FIELDS.variant]: [variant] } : {} })}\n${FORM_END}`,
  );

  // The confirmation page as built: nothing to show. The receipt function fills it (lib/answers/receipt.ts).
  config.addShortcode("kitReceipt", (form: FormDefinition) => `${RECEIPT_START}\n${noReceiptHtml(form, "missing")}\n${RECEIPT_END}`);

  config.addWatchTarget("./data/");
  config.addWatchTarget("./lib/");

  config.on("eleventy.before", async () => {
    kit = loadKit(); // read (again, in watch mode) and validate the base before anything is written
    try {
      await kit;
    } catch (error) {
      if (!(error instanceof BaseValidationError || error instanceof ImageError)) throw error;
      // The intrapreneur needs the list of problems, not Eleventy's stack traces.
      console.error(`\n${error.message}\n\nCorrigez la base puis relancez la construction.`);
      process.exit(1);
    }
    await Promise.all([bundleBrowserCode(), bundleStylesheet(), buildAddressIndex()]);
    kit = withTerritoryCentre(await kit);
    await kit;
  });

  config.on("eleventy.after", async () => {
    const [published] = await Promise.all([writePublishedForms(), writeFile(join(OUTPUT, "_headers"), headersFile((await (kit ??= loadKit())).site.matomoUrl))]);
    await printPageWeights(published);
  });

  return {
    dir: { input: "site", includes: "../templates", layouts: "../templates/layouts", output: OUTPUT },
    templateFormats: ["njk", "md"],
    htmlTemplateEngine: "njk",
    markdownTemplateEngine: "njk",
  };
}

/**
 * The Alpine.js enhancements, with the same field types and validators as the server. No source
 * map in what is published (it would ship the whole TypeScript source, several times the
 * script's size): KIT_SOURCEMAP=1 writes one next to form.js to debug locally, never set it on
 * Netlify. A map left by such a build is removed by the next one.
 */
async function bundleBrowserCode(): Promise<void> {
  const sourcemap = CONFIG.sourcemap;
  await esbuild({
    entryPoints: { form: "site/js/form.ts", mesure: "site/js/measure.ts" },
    outdir: join(OUTPUT, "assets"),
    bundle: true,
    format: "esm",
    target: "es2020",
    minify: true,
    sourcemap: sourcemap ? "linked" : false,
    logLevel: "warning",
    plugins: [alpineSkipsFence(), onlyFieldsOfJson(/@etalab\/decoupage-administratif\/data\/(departements|regions)\.json$/, ["code", "nom", "zone"])],
  });
  if (!sourcemap) await Promise.all(["form", "mesure"].map((name) => rm(join(OUTPUT, "assets", `${name}.js.map`), { force: true })));
}

/** The DSFR's core, components and icons the kit's sources use, then the kit's own rules (lib/site/dsfr-css.ts). */
async function bundleStylesheet(): Promise<void> {
  const folders = ["templates", "site", "lib"];
  const files = (await Promise.all(folders.map(async (folder) => (await readdir(folder, { recursive: true })).map((name) => join(folder, name)))))
    .flat()
    // This module's own text names classes and prefixes as examples: it writes no markup.
    .filter((file) => /\.(njk|ts|md)$/.test(file) && !file.endsWith("dsfr-css.ts"));
  const sources = await Promise.all(files.map((file) => readFile(file, "utf8")));
  const { css, files: linked } = await assembleCss({ sources, kitCss: await readFile("site/css/kit.css", "utf8") });
  await mkdir(join(OUTPUT, dirname(SITE_CSS)), { recursive: true });
  await writeFile(join(OUTPUT, SITE_CSS), css);
  // Only the fonts and icons the stylesheet names (a dozen files, not the package's thousand icons).
  await Promise.all(linked.map((file) => cp(join(DSFR_PACKAGE, "dist", file), join(OUTPUT, DSFR_PUBLIC_PATH, file))));
}

/**
 * Alpine's CSP build reads every property of globalThis once, at load; reading `fence` makes
 * Chromium report a deprecated API (FencedFrame), which costs the form page Lighthouse's best
 * practices. Alpine already skips two such properties for that reason: this adds the third. If a
 * new Alpine changes those lines, the build stops here, to check whether it is still needed.
 */
function alpineSkipsFence(): Plugin {
  const skipped = 'if (key === "styleMedia" || key === "sharedStorage")';
  return {
    name: "alpine-skips-fence",
    setup(build) {
      build.onLoad({ filter: /@alpinejs[\\/]csp[\\/]dist[\\/]module\.esm\.js$/ }, async ({ path }) => {
        const source = await readFile(path, "utf8");
        if (!source.includes(skipped)) throw new Error(`${path} : la liste des propriétés qu'Alpine ne lit pas a changé ; revoir alpineSkipsFence() dans eleventy.config.ts`);
        return { contents: source.replace(skipped, 'if (key === "styleMedia" || key === "sharedStorage" || key === "fence")'), loader: "js" };
      });
    },
  };
}

/**
 * The browser reads three fields of the State's lists of départements and régions
 * (lib/places/divisions.ts): the bundle carries only those (1 KB gzip less on the form page).
 */
function onlyFieldsOfJson(file: RegExp, keep: string[]): Plugin {
  return {
    name: "only-fields-of-json",
    setup(build) {
      build.onLoad({ filter: file }, async ({ path }) => {
        const rows = JSON.parse(await readFile(path, "utf8")) as Array<Record<string, unknown>>;
        return { contents: JSON.stringify(rows.map((row) => Object.fromEntries(keep.map((key) => [key, row[key]])))), loader: "json" };
      });
    },
  };
}

async function buildAddressIndex(): Promise<void> {
  let ensured: Awaited<ReturnType<typeof ensureIndex>>;
  try {
    ensured = await ensureIndex(CONFIG.addressIndex);
  } catch (error) {
    if (!(error instanceof IndexFormatError)) throw error;
    console.error(`\n${error.message}\n`); // what to do, not Eleventy's stack traces
    process.exit(1);
  }
  const { kept, report } = ensured;
  if (kept) console.log(`[kit] index d'adresses importé conservé : ${CONFIG.addressIndex}`);
  for (const problem of report?.problems ?? []) console.warn(`${problem.file}, ligne ${problem.line} : ${problem.message} (ignorée)`);
}

/**
 * What each page type costs on first visit (lib/site/page-weight.ts), printed at every build;
 * tests/pages.test.ts holds it to the budget, `npm run bench:pages` compares with the whole DSFR.
 */
async function printPageWeights(published: PublishedForms): Promise<void> {
  if (Object.keys(published.forms).length === 0) return; // no service page to weigh yet
  const lines = ["[kit] poids des pages (gzip, première visite) :"];
  const types = await pageTypes(published, OUTPUT);
  const weights = await pageWeights(OUTPUT, types.map(pageFile));
  for (const [i, page] of types.entries()) {
    const weight = weights[i] as PageWeight;
    const over = [weight.css > BUDGET.css ? `CSS au-delà de ${kilobytes(BUDGET.css)}` : "", weight.js > BUDGET.formJs ? `JS au-delà de ${kilobytes(BUDGET.formJs)}` : ""].filter(Boolean);
    lines.push(
      `  ${page.label.padEnd(22)} HTML ${kilobytes(weight.html).padStart(8)}  CSS ${kilobytes(weight.css).padStart(8)}  JS ${kilobytes(weight.js).padStart(8)}  polices ${kilobytes(weight.fonts).padStart(8)}  total ${kilobytes(weight.total).padStart(8)}${over.length ? `  ✘ ${over.join(", ")}` : ""}`,
    );
  }
  console.log(lines.join("\n"));
}

/** Hands the functions exactly the definitions and page shells the pages were built with. */
async function writePublishedForms(): Promise<PublishedForms> {
  const { site, published: services } = await (kit ??= loadKit());
  const statsFile = join(OUTPUT, paths.stats, "index.html");
  const published: PublishedForms = {
    builtAt: new Date().toISOString(),
    forms: {},
    territory: site.territory,
    signingKey: newSigningKey(),
    pages: {
      stats: splitFormPage(await readFile(statsFile, "utf8"), statsFile, [STATS_START, STATS_END]),
      notFound: await readFile(join(OUTPUT, "404.html"), "utf8"),
    },
    ...(site.matomoUrl && site.matomoSiteId ? { matomo: { url: site.matomoUrl, siteId: site.matomoSiteId } } : {}),
    ...notifySettings(site, CONFIG),
  };
  for (const { service, form } of services) {
    const file = join(OUTPUT, form.formPath, "index.html");
    const variants = variantsOf(service);
    const variantPages: Record<string, PageShell> = {};
    for (const variant of variants.filter((v) => v.slug !== MAIN_VARIANT)) {
      const variantFile = join(OUTPUT, variant.formPath, "index.html");
      variantPages[variant.slug] = splitFormPage(await readFile(variantFile, "utf8"), variantFile);
    }
    const receiptFile = join(OUTPUT, form.confirmationPath, "index.html");
    published.forms[form.slug] = {
      definition: form,
      page: splitFormPage(await readFile(file, "utf8"), file),
      receipt: splitFormPage(await readFile(receiptFile, "utf8"), receiptFile, [RECEIPT_START, RECEIPT_END]),
      confirmation: service.confirmation,
      variantPages,
      variants,
      hypotheses: service.hypotheses,
    };
  }
  await mkdir(CONFIG.buildDir, { recursive: true });
  await writeFile(publishedFormsPath(CONFIG.buildDir), JSON.stringify(published));
  return published;
}
