// Eleventy builds the static site from the validated base. Run through tsx (see package.json).
// Besides the pages, one build writes what the functions use (build/forms.json, the address
// index) and bundles the browser code, so pages, browser and functions always agree.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build as esbuild } from "esbuild";
import { BaseValidationError, type Model, type Service } from "./lib/base/index.ts";
import { loadModel } from "./lib/app/model.ts";
import { formDefinitions, paths, type FormDefinition } from "./lib/forms/definitions.ts";
import { renderForm } from "./lib/forms/render.ts";
import { newSigningKey } from "./lib/answers/timing.ts";
import { FORM_END, FORM_START, publishedFormsPath, splitFormPage, type PublishedForms } from "./lib/forms/published.ts";
import { IndexFormatError } from "./lib/address/engine.ts";
import { ensureIndex } from "./lib/address/index-file.ts";
import { headersFile } from "./lib/site/headers.ts";
import { ImageError, localiseImages } from "./lib/site/images.ts";
import { ConfigError, readConfig } from "./lib/app/config.ts";

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

export interface Kit {
  model: Model;
  site: Model["site"];
  recipients: Recipient[];
  published: Array<{ service: Service; form: FormDefinition }>;
  paths: typeof paths;
}

let kit: Promise<Kit> | undefined;

async function loadKit(): Promise<Kit> {
  const model = await loadModel(CONFIG);
  await localiseImages(model, OUTPUT, CONFIG.cacheDir);
  const published = formDefinitions(model).map((form) => ({ service: model.services.find((s) => s.slug === form.slug) as Service, form }));
  return { model, site: model.site, published, paths, recipients: recipients(model) };
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

  config.addPassthroughCopy({
    "node_modules/@gouvfr/dsfr/dist/dsfr.min.css": "dsfr/dsfr.min.css",
    "node_modules/@gouvfr/dsfr/dist/dsfr.module.min.js": "dsfr/dsfr.module.min.js",
    "node_modules/@gouvfr/dsfr/dist/dsfr.nomodule.min.js": "dsfr/dsfr.nomodule.min.js",
    "node_modules/@gouvfr/dsfr/dist/fonts": "dsfr/fonts",
    "node_modules/@gouvfr/dsfr/dist/icons": "dsfr/icons",
    "node_modules/@gouvfr/dsfr/dist/favicon": "dsfr/favicon",
    "site/assets": "assets",
  });

  config.addShortcode("kitForm", (form: FormDefinition) => `${FORM_START}\n${renderForm(form)}\n${FORM_END}`);

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
    await Promise.all([bundleBrowserCode(), buildAddressIndex()]);
  });

  config.on("eleventy.after", async () => {
    await Promise.all([writePublishedForms(), writeFile(join(OUTPUT, "_headers"), headersFile())]);
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
  const outfile = join(OUTPUT, "assets/form.js");
  const sourcemap = CONFIG.sourcemap;
  await esbuild({
    entryPoints: ["site/js/form.ts"],
    outfile,
    bundle: true,
    format: "esm",
    target: "es2020",
    minify: true,
    sourcemap: sourcemap ? "linked" : false,
    logLevel: "warning",
  });
  if (!sourcemap) await rm(`${outfile}.map`, { force: true });
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

/** Hands the functions exactly the definitions and page shells the pages were built with. */
async function writePublishedForms(): Promise<void> {
  const { site, published: services } = await (kit ??= loadKit());
  const published: PublishedForms = { builtAt: new Date().toISOString(), forms: {}, territory: site.territory, signingKey: newSigningKey() };
  for (const { form } of services) {
    const file = join(OUTPUT, form.formPath, "index.html");
    published.forms[form.slug] = { definition: form, page: splitFormPage(await readFile(file, "utf8"), file) };
  }
  await mkdir(CONFIG.buildDir, { recursive: true });
  await writeFile(publishedFormsPath(CONFIG.buildDir), JSON.stringify(published));
}
