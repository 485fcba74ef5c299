// npm run build [-- --fresh]: builds the site with Eleventy (eleventy.config.ts).
// --fresh ignores the cached copy of the Airtable base and reads it again.
import { rm } from "node:fs/promises";
import { parseArgs } from "node:util";
import Eleventy from "@11ty/eleventy";
import { readConfig } from "../lib/app/config.ts";
import { writeCommuneIndex } from "../lib/places/communes-build.ts";
import { publishWait } from "../lib/site/publish.ts";

const { values } = parseArgs({ options: { fresh: { type: "boolean", default: false } } });
if (values.fresh) process.env.AIRTABLE_CACHE_DURATION = "0s";

// Eleventy never deletes: a page the base no longer has (a service unpublished, the main page of a
// service whose variants now split its address) would stay online. Each build starts empty.
const config = readConfig();
await rm(config.outputDir, { recursive: true, force: true });

// A build started by « Publier » reads the base only once the publication's minute is over, so that
// the requests gathered into it are all in it (lib/site/publish.ts), and reads it afresh.
const wait = publishWait(config.publish.publishAfter, Date.now());
if (config.publish.publishAfter !== undefined) {
  process.env.AIRTABLE_CACHE_DURATION = "0s";
  if (wait > 0) console.log(`Publication : lecture de la base dans ${Math.ceil(wait / 1000)} s, une fois regroupées les demandes de la dernière minute.`);
  await new Promise((resolve) => setTimeout(resolve, wait));
}

const eleventy = new Eleventy(undefined, undefined, { configPath: "eleventy.config.ts" });
// The communes come from a pinned package, not from the base: written beside the pages, for the
// functions (/api/communes, and the submit function's check of a typed commune).
await Promise.all([eleventy.write(), writeCommuneIndex(config.buildDir)]);
