// npm run build [-- --fresh]: builds the site with Eleventy (eleventy.config.ts).
// --fresh ignores the cached copy of the Airtable base and reads it again.
import { rm } from "node:fs/promises";
import { parseArgs } from "node:util";
import Eleventy from "@11ty/eleventy";
import { readConfig } from "../lib/app/config.ts";

const { values } = parseArgs({ options: { fresh: { type: "boolean", default: false } } });
if (values.fresh) process.env.AIRTABLE_CACHE_DURATION = "0s";

// Eleventy never deletes: a page the base no longer has (a service unpublished, the main page of a
// service whose variants now split its address) would stay online. Each build starts empty.
await rm(readConfig().outputDir, { recursive: true, force: true });

const eleventy = new Eleventy(undefined, undefined, { configPath: "eleventy.config.ts" });
await eleventy.write();
