// The kit's layers, as rules `npm test` enforces (npm run deps). Read from the bottom up:
//   lib/vocabulary  the words every layer shares; imports nothing
//   lib/site        HTML escaping, HTTP headers, rate limits, caches; the built site served, audited, captured
//   lib/address     address search; knows nothing of the base, the forms or the answers
//   lib/places      communes, départements, régions (the State's data); likewise
//   lib/base        the base's tables and the validated model
//   lib/forms       field types, form definitions and markup, built from the model
//   lib/stats       counting visits and answers, the report, variants' split (no answer is read)
//   lib/answers     receiving, storing, reviewing and exporting answers
//   lib/airtable    every Airtable adapter: base reader, answer sink and flush, schema setup
//   lib/app         composition: reads the environment, picks the adapters
//   functions/, scripts/, eleventy.config.ts, bench/   entry points, imported by nothing
//   site/js         the browser bundle: browser-safe modules only
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle between modules makes layers meaningless: one of the two belongs above the other.",
      from: {},
      to: { circular: true },
    },
    {
      name: "vocabulary-is-a-leaf",
      severity: "error",
      comment: "lib/vocabulary is imported by every layer, so it imports none.",
      from: { path: "^lib/vocabulary/" },
      to: { path: "^lib/", pathNot: "^lib/vocabulary/" },
    },
    {
      name: "site-is-below-the-domain",
      severity: "error",
      comment: "lib/site (html, headers, rate limits) serves every layer; only images.ts reads the model's image type.",
      from: { path: "^lib/site/", pathNot: "^lib/site/images\\.ts$" },
      to: { path: "^lib/(base|forms|stats|answers|airtable|app|address)/" },
    },
    {
      name: "address-stands-alone",
      severity: "error",
      comment: "Address search is a service of its own: it knows nothing of the base, the forms or the answers.",
      from: { path: "^lib/address/" },
      to: { path: "^lib/(base|forms|stats|answers|airtable|app)/" },
    },
    {
      name: "places-stand-alone",
      severity: "error",
      comment: "Communes, départements and régions are a service of their own, like address search: they know nothing of the base, the forms or the answers.",
      from: { path: "^lib/places/" },
      to: { path: "^lib/(base|forms|stats|answers|airtable|app|address)/" },
    },
    {
      name: "base-below-forms",
      severity: "error",
      comment: "The model is built first; forms are derived from it, never the other way round.",
      from: { path: "^lib/base/" },
      to: { path: "^lib/(forms|stats|answers|airtable|app)/" },
    },
    {
      name: "forms-below-answers",
      severity: "error",
      from: { path: "^lib/forms/" },
      to: { path: "^lib/(stats|answers|airtable|app)/" },
    },
    {
      name: "stats-below-answers",
      severity: "error",
      comment: "Counting knows the forms, never the stored answers: the submit function tells it what to count.",
      from: { path: "^lib/stats/" },
      to: { path: "^lib/(answers|airtable|app)/" },
    },
    {
      name: "airtable-only-through-its-adapters",
      severity: "error",
      comment: "Airtable is one adapter among others: base, forms and answers never know it is there.",
      from: { path: "^lib/(vocabulary|site|address|base|forms|stats|answers)/" },
      to: { path: "^lib/airtable/|^airtable$|node_modules/airtable/" },
    },
    {
      name: "app-is-the-top",
      severity: "error",
      comment: "lib/app composes the layers from the environment; only entry points use it.",
      from: { path: "^lib/", pathNot: "^lib/app/" },
      to: { path: "^lib/app/" },
    },
    {
      name: "entry-points-are-not-imported",
      severity: "error",
      comment: "functions/ and scripts/ are thin shells over lib/; put shared code in lib/.",
      from: { pathNot: "^tests/" },
      to: { path: "^(functions|scripts)/" },
    },
    {
      name: "browser-bundle-is-browser-safe",
      severity: "error",
      comment: "site/js is bundled for the browser: it may use the vocabulary, the browser-safe form modules (ids, parsing, controls, error messages, steps; never markup.ts, render.ts, cells.ts or lib/airtable), the address API's types, the communes API's types and the lists of départements and régions (never the communes) and the events a page counts.",
      from: { path: "^site/js/" },
      to: {
        path: "^lib/",
        pathNot: "^lib/(vocabulary/|site/html\\.ts$|address/(geocodejson|territory|departements)\\.ts$|places/(divisions|geo-api)\\.ts$|forms/(field-spec|field-types|parse|controls|errors|definitions|steps)\\.ts$|stats/event\\.ts$)",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "browser-bundle-has-no-communes",
      severity: "error",
      comment: "The 35 000 communes stay on the server (/api/communes): nothing the browser loads may reach them, even through another module.",
      from: { path: "^site/js/" },
      to: { path: "^lib/places/", pathNot: "^lib/places/(divisions|geo-api)\\.ts$", reachable: true },
    },
    {
      name: "browser-bundle-has-no-node",
      severity: "error",
      comment: "Nothing the browser loads may reach a Node built-in.",
      from: { path: "^site/js/" },
      to: { path: "^(node:)?(fs|path|crypto|os|child_process|http|https|net|stream|util|url|zlib|worker_threads|readline|events|buffer|process)", reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|_site|build|\\.netlify)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs", ".cjs", ".json"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
