// npm run build [-- --fresh]: builds the site with Eleventy (eleventy.config.ts).
// --fresh ignores the cached copy of the Airtable base and reads it again.
import { parseArgs } from "node:util";
import Eleventy from "@11ty/eleventy";

const { values } = parseArgs({ options: { fresh: { type: "boolean", default: false } } });
if (values.fresh) process.env.AIRTABLE_CACHE_DURATION = "0s";

const eleventy = new Eleventy(undefined, undefined, { configPath: "eleventy.config.ts" });
await eleventy.write();
