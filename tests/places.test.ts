// « Commune », « Département » and « Région » questions: the communes index the build writes from
// @etalab/decoupage-administratif, its search (/api/communes) and the server's reading of a typed
// commune, the form's checks in the browser, and the submit function storing what was meant.
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The parser Netlify's build runs on each function to read its `config` (see tests/rate-limit.test.ts).
import { parseSource } from "@netlify/zip-it-and-ship-it/dist/runtimes/node/in_source_config/index.js";
import departementsData from "@etalab/decoupage-administratif/data/departements.json" with { type: "json" };
import { beforeAll, describe, expect, it } from "vitest";
import { COMMUNE_OUT_OF_TERRITORY } from "../lib/address/territory.ts";
import { communeError } from "../lib/answers/commune-check.ts";
import { DiskAnswerStore } from "../lib/answers/store.ts";
import { createSubmitHandler } from "../lib/answers/submit.ts";
import { AIRTABLE_COLUMNS, airtableColumn, airtableValue } from "../lib/airtable/columns.ts";
import { readEmbeddedBase } from "../lib/base/embedded.ts";
import { validateBase } from "../lib/base/index.ts";
import { answerCell } from "../lib/forms/cells.ts";
import { formDefinition } from "../lib/forms/definitions.ts";
import { fieldType, type FieldSpec, type FieldTypeId } from "../lib/forms/field-types.ts";
import { renderField } from "../lib/forms/markup.ts";
import type { PublishedForms } from "../lib/forms/published.ts";
import { createCommunesHandler } from "../lib/places/api.ts";
import { communeRows, writeCommuneIndex } from "../lib/places/communes-build.ts";
import { CommuneIndexError, loadCommuneIndex } from "../lib/places/communes-file.ts";
import { CommuneIndex, foldName, readQuery, type Commune } from "../lib/places/communes.ts";
import { DEPARTMENT_LABELS, REGION_LABELS } from "../lib/places/divisions.ts";
import type { CommuneResult, CommunesError } from "../lib/places/geo-api.ts";
import { RATE_LIMITS } from "../lib/site/rate-limit.ts";
import { acceptedCount, refusedCount } from "../lib/stats/submission.ts";

let index: CommuneIndex;
let buildDir: string;
beforeAll(async () => {
  // What the build does (scripts/build.ts), into a folder of the test's own.
  buildDir = await mkdtemp(join(tmpdir(), "kit-communes-"));
  await writeCommuneIndex(buildDir);
  index = await loadCommuneIndex(join(buildDir, "communes.json"));
});

const names = (communes: readonly Commune[]) => communes.map((c) => `${c.name} ${c.code}`);

describe("the communes index (build/communes.json)", () => {
  it("holds the current communes of the pinned package, compactly, most populated first", async () => {
    const file = JSON.parse(await readFile(join(buildDir, "communes.json"), "utf8")) as { source: string; communes: unknown[][] };
    expect(file.source).toBe("@etalab/decoupage-administratif@6.0.0");
    expect(index.size).toBeGreaterThan(34_000);
    expect(index.size).toBeLessThan(36_000);
    expect(file.communes[0]).toEqual(["75056", "Paris", expect.arrayContaining(["75001", "75011", "75116"]), "75"]);
    expect(file.communes.find((row) => row[0] === "93010")).toEqual(["93010", "Bondy", ["93140"], "93"]);
    // Small enough to read at each function's cold start.
    expect((await readFile(join(buildDir, "communes.json"))).length).toBeLessThan(2_000_000);
  });

  it("leaves out arrondissements, communes déléguées and associées: the commune they belong to stands for them", () => {
    expect(index.byCode("75111")).toBeUndefined(); // Paris 11e Arrondissement
    expect(index.byCode("69383")).toBeUndefined(); // Lyon 3e
    expect(index.byCode("13201")).toBeUndefined(); // Marseille 1er
    expect(index.byCode("75056")).toMatchObject({ name: "Paris", departement: "75" });
    expect(index.byCode("2a004")).toMatchObject({ name: "Ajaccio", departement: "2A" });
  });

  it("is the build's: the same rows, whichever run writes them", async () => {
    const { rows } = await communeRows();
    expect(rows).toHaveLength(index.size);
    expect(rows.slice(0, 3).map((row) => row[1])).toEqual(["Paris", "Marseille", "Lyon"]);
  });

  it("refuses a file that is not one, saying what to run", async () => {
    await expect(loadCommuneIndex(join(buildDir, "absent.json"))).rejects.toThrow(/index des communes introuvable.*npm run build/);
    await expect(loadCommuneIndex(join(buildDir, "..", "..", "..", "work", "main", "package.json"))).rejects.toBeInstanceOf(CommuneIndexError);
  });
});

describe("reading what people type", () => {
  it("folds accents, case, hyphens, apostrophes, ligatures and « St »", () => {
    expect(foldName("Saint-Étienne")).toBe("saint etienne");
    expect(foldName("L’Haÿ-les-Roses")).toBe("l hay les roses");
    expect(foldName("ŒUILLY")).toBe("oeuilly");
    expect(foldName("St-Denis")).toBe("saint denis");
    expect(foldName("Ste Maxime")).toBe("sainte maxime");
    expect(foldName("Neuilly s/ Seine")).toBe("neuilly sur seine");
    // Still being typed: « St » may be the start of Strasbourg.
    expect(foldName("St")).toBe("st");
  });

  it("separates a name from a postcode, a département or an arrondissement", () => {
    expect(readQuery("Bondy (93140)")).toEqual({ name: "bondy", number: "93140" });
    expect(readQuery("93140 Bondy")).toEqual({ name: "bondy", number: "93140" });
    expect(readQuery("Ajaccio (2A)")).toEqual({ name: "ajaccio", corsica: "2A" });
    expect(readQuery("Paris 11e arrondissement")).toEqual({ name: "paris" });
    expect(readQuery("Lyon 3ème")).toEqual({ name: "lyon" });
    expect(readQuery("Marseille 1er")).toEqual({ name: "marseille" });
  });
});

describe("search (as the citizen types)", () => {
  it("finds a commune by the start of its name, whatever the accents, case and hyphens", () => {
    expect(names(index.search("bondy", 5))[0]).toBe("Bondy 93010");
    expect(names(index.search("BONDY", 5))[0]).toBe("Bondy 93010");
    expect(names(index.search("saint etienne", 1))).toEqual(["Saint-Étienne 42218"]);
    expect(names(index.search("ST-ÉTIENNE", 1))).toEqual(["Saint-Étienne 42218"]);
    expect(names(index.search("neuilly s/ seine", 1))).toEqual(["Neuilly-sur-Seine 92051"]);
  });

  it("puts names starting with the query first, the most populated first, then names with a later word that does", () => {
    expect(names(index.search("St-Denis", 3))).toEqual(["Saint-Denis 97411", "Saint-Denis 93066", "Saint-Denis-en-Val 45274"]);
    expect(index.search("mont", 3).map((c) => c.name)).toEqual(["Montpellier", "Montreuil", "Montauban"]);
    // A small commune among homonyms: its département or postcode brings it up.
    expect(names(index.search("saint denis 11", 1))).toEqual(["Saint-Denis 11339"]);
    // No commune starts with « raincy »: Le Raincy has a word that does.
    expect(names(index.search("raincy", 5))).toEqual(["Le Raincy 93062"]);
    // « Y » (Somme, 90 inhabitants) is one letter: its postcode finds it among the Y….
    expect(index.search("y", 1).map((c) => c.name)).toEqual(["Yerres"]);
    expect(index.search("y 80190", 1).map((c) => c.name)).toEqual(["Y"]);
  });

  it("finds communes by postcode, the exact one first, and by its start", () => {
    expect(names(index.search("93140", 5))).toEqual(["Bondy 93010"]);
    expect(names(index.search("01000", 5))).toEqual(["Bourg-en-Bresse 01053", "Saint-Denis-lès-Bourg 01344"]);
    expect(index.search("931", 20).every((c) => c.postcodes.some((p) => p.startsWith("931")))).toBe(true);
    // An arrondissement's postcode finds its city.
    expect(names(index.search("75011", 5))).toEqual(["Paris 75056"]);
    expect(names(index.search("69003", 5))).toEqual(["Lyon 69123"]);
  });

  it("narrows a name by a postcode or a département written with it", () => {
    expect(names(index.search("saint denis 93", 2))).toEqual(["Saint-Denis 93066", "L'Île-Saint-Denis 93039"]);
    expect(names(index.search("Saint-Denis (974)", 5))).toEqual(["Saint-Denis 97411"]);
    expect(names(index.search("Bondy (93140)", 5))).toEqual(["Bondy 93010"]);
    expect(names(index.search("ajaccio 2a", 5))).toEqual(["Ajaccio 2A004"]);
  });

  it("gives at most `limit` communes, and none for what is no name", () => {
    expect(index.search("saint", 20)).toHaveLength(20);
    expect(index.search("saint", 3)).toHaveLength(3);
    expect(index.search("---", 5)).toEqual([]);
    expect(index.search("zzzz", 5)).toEqual([]);
  });
});

describe("resolve (a commune typed without choosing in the list)", () => {
  const found = (typed: string) => {
    const resolution = index.resolve(typed);
    return resolution.kind === "found" ? `${resolution.commune.name} ${resolution.commune.code}` : resolution.kind;
  };

  it.each(["Bondy", "bondy", "BONDY", "93140", "Bondy (93140)", "93140 Bondy", "Bondy 93140", "Bondy (93010)", "Bondy (93)"])(
    "reads « %s » as Bondy",
    (typed) => expect(found(typed)).toBe("Bondy 93010"),
  );

  it("reads accents, « St », articles and arrondissements", () => {
    expect(found("saint etienne")).toBe("Saint-Étienne 42218");
    expect(found("Raincy")).toBe("Le Raincy 93062");
    expect(found("Hay-les-Roses")).toBe("L'Haÿ-les-Roses 94038");
    expect(found("St-Denis 93200")).toBe("Saint-Denis 93066");
    expect(found("Saint-Denis (974)")).toBe("Saint-Denis 97411");
    expect(found("Paris 11e")).toBe("Paris 75056");
    expect(found("75011")).toBe("Paris 75056");
    expect(found("Marseille 13e arrondissement")).toBe("Marseille 13055");
    expect(found("Lyon (69)")).toBe("Lyon 69123");
  });

  it("asks for the postcode when several communes share the name, naming two or three", () => {
    const resolution = index.resolve("St-Denis");
    expect(resolution).toMatchObject({ kind: "several", by: "name" });
    if (resolution.kind !== "several") return;
    expect(resolution.communes.map((c) => c.code)).toEqual(["97411", "93066", "11339", "30247"]);
    expect(communeError("St-Denis", resolution)).toBe(
      "Plusieurs communes s'appellent « Saint-Denis » : ajoutez le code postal, par exemple « Saint-Denis (97400) », « Saint-Denis (93200) » ou « Saint-Denis (11310) ».",
    );
  });

  it("asks for the name when several communes share the postcode", () => {
    const resolution = index.resolve("01000");
    expect(resolution).toMatchObject({ kind: "several", by: "postcode" });
    if (resolution.kind !== "several") return;
    expect(communeError("01000", resolution)).toBe(
      "Plusieurs communes ont le code postal 01000 : ajoutez le nom de la vôtre, par exemple « Bourg-en-Bresse (01000) » ou « Saint-Denis-lès-Bourg (01000) ».",
    );
    expect(found("Saint-Denis-lès-Bourg 01000")).toBe("Saint-Denis-lès-Bourg 01344");
  });

  it("says when the postcode is not the commune's, or when nothing matches", () => {
    const mismatch = index.resolve("Bondy 75011");
    expect(mismatch.kind).toBe("mismatch");
    if (mismatch.kind === "mismatch") {
      expect(communeError("Bondy 75011", mismatch)).toBe("Aucune commune « Bondy » ne correspond à « 75011 » : vérifiez le code postal, par exemple « Bondy (93140) ».");
    }
    const none = index.resolve("Bondi");
    expect(none.kind).toBe("none");
    if (none.kind === "none") expect(communeError("Bondi", none)).toMatch(/^Nous ne trouvons pas la commune « Bondi »\. .*code postal/);
    // The start of a name is not a commune: the list is there for that.
    expect(found("Bond")).toBe("none");
    expect(found("99999")).toBe("none");
  });
});

describe("GET /api/communes", () => {
  const handler = () => createCommunesHandler({ index });
  const get = (query: string) => handler()(new Request(`http://localhost/api/communes?${query}`));

  it("answers in geo.api.gouv.fr's shape, 5 communes by default, cached 5 minutes", async () => {
    const response = await get("q=saint");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const body = (await response.json()) as CommuneResult[];
    expect(body).toHaveLength(5);
    expect((await (await get("q=bondy")).json()) as CommuneResult[]).toEqual([
      { nom: "Bondy", code: "93010", codesPostaux: ["93140"], codeDepartement: "93" },
    ]);
  });

  it("gives up to 20 communes when asked", async () => {
    expect(((await (await get("q=saint&limit=20")).json()) as unknown[]).length).toBe(20);
    expect(((await (await get("q=93&limit=1")).json()) as unknown[]).length).toBe(1);
  });

  it.each([
    ["", "q: paramètre obligatoire (un nom de commune ou un code postal)"],
    ["q=", "q: paramètre obligatoire (un nom de commune ou un code postal)"],
    ["q=%20%20", "q: paramètre obligatoire (un nom de commune ou un code postal)"],
    ["q=%F0%9F%8F%A0", "q: doit contenir une lettre ou un chiffre"],
    ["q=---", "q: doit contenir une lettre ou un chiffre"],
    [`q=${"a".repeat(101)}`, "q: doit contenir entre 1 et 100 caractères"],
    ["q=bondy&limit=0", "limit: doit être un nombre entier entre 1 et 20"],
    ["q=bondy&limit=21", "limit: doit être un nombre entier entre 1 et 20"],
    ["q=bondy&limit=abc", "limit: doit être un nombre entier entre 1 et 20"],
    ["q=bondy&limit=2.5", "limit: doit être un nombre entier entre 1 et 20"],
  ])("answers 400 with a French JSON error to ?%s, never cached", async (query, detail) => {
    const response = await get(query);
    expect(response.status).toBe(400);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect((await response.json()) as CommunesError).toEqual({ code: 400, message: "Paramètres invalides", detail: [detail] });
  });

  it("answers what it cannot match with an empty list, not an error", async () => {
    for (const q of ["zzzz", "00000", "qqq%2093140", "Bondy%20(75)", "%E2%80%94%20zzz"]) {
      const response = await get(`q=${q}`);
      expect(response.status, q).toBe(200);
      expect(await response.json(), q).toEqual([]);
    }
  });

  it("refuses other methods with 405 and answers the CORS preflight", async () => {
    const post = await handler()(new Request("http://localhost/api/communes?q=bondy", { method: "POST" }));
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    const preflight = await handler()(new Request("http://localhost/api/communes?q=bondy", { method: "OPTIONS" }));
    expect(preflight.status).toBe(204);
  });

  it("is what the Netlify function serves, from the index the build wrote, with Netlify's limits", async () => {
    process.env.KIT_BUILD_DIR = buildDir;
    try {
      const { default: communes } = await import("../functions/communes.ts");
      const response = await communes(new Request("http://localhost/api/communes?q=93140"));
      expect(response.status).toBe(200);
      expect(((await response.json()) as CommuneResult[])[0]?.nom).toBe("Bondy");
    } finally {
      delete process.env.KIT_BUILD_DIR;
    }
    const { config } = parseSource(await readFile("functions/communes.ts", "utf8"), { functionName: "communes" });
    expect(config.path).toEqual(["/api/communes"]);
    expect(config.rateLimit).toEqual({ ...RATE_LIMITS.communes, aggregateBy: ["ip", "domain"] });
  });
});

describe("the questions' parts (parse, markup, cells, Airtable)", () => {
  const spec = (type: FieldTypeId, extra: Partial<FieldSpec> = {}): FieldSpec => ({ key: "recQ", label: "Votre commune", type, required: true, options: [], ...extra });
  const parse = (type: FieldTypeId, raw: Record<string, string[]>, extra: Partial<FieldSpec> = {}) => fieldType(type).parse(spec(type, extra), raw);
  const bondyOnly = { departements: [], communes: ["93010"] };

  it("commune: the text, with the INSEE code chosen in the list, held to the territory in the browser too", () => {
    expect(parse("commune", { recQ: [" bondy "] })).toEqual({ ok: true, value: { label: "bondy" } });
    expect(parse("commune", { recQ: ["Bondy (93140)"], recQ__id: ["93010"] }, { territory: bondyOnly })).toEqual({
      ok: true,
      value: { label: "Bondy (93140)", id: "93010" },
    });
    expect(parse("commune", { recQ: ["Paris (75)"], recQ__id: ["75056"] }, { territory: bondyOnly })).toEqual({ ok: false, error: COMMUNE_OUT_OF_TERRITORY });
    // A département in the territory takes its communes; a code that is none is left to the server.
    expect(parse("commune", { recQ: ["Ajaccio"], recQ__id: ["2a004"] }, { territory: { departements: ["2A"], communes: [] } })).toMatchObject({ ok: true, value: { id: "2A004" } });
    expect(parse("commune", { recQ: ["Bondy"], recQ__id: ["<script>"] })).toEqual({ ok: true, value: { label: "Bondy" } });
    expect(parse("commune", { recQ: ["x".repeat(101)] })).toMatchObject({ ok: false, error: expect.stringMatching(/trop long : 100 caractères/) });
    expect(parse("commune", {})).toEqual({ ok: false, error: "Ce champ est obligatoire : renseignez « Votre commune »." });
  });

  it("département and région: one of the State's current lists, nothing else", () => {
    expect(DEPARTMENT_LABELS).toHaveLength(101);
    expect(DEPARTMENT_LABELS.slice(0, 2)).toEqual(["01 – Ain", "02 – Aisne"]);
    expect(DEPARTMENT_LABELS.slice(18, 22)).toEqual(["19 – Corrèze", "2A – Corse-du-Sud", "2B – Haute-Corse", "21 – Côte-d'Or"]);
    expect(DEPARTMENT_LABELS.at(-1)).toBe("976 – Mayotte");
    expect(DEPARTMENT_LABELS).not.toContain("975 – Saint-Pierre-et-Miquelon"); // a collectivité d'outre-mer
    // Every current département of the package, none forgotten.
    expect(departementsData.filter((d) => d.zone !== "com").map((d) => `${d.code} – ${d.nom}`).sort()).toEqual([...DEPARTMENT_LABELS].sort());
    expect(REGION_LABELS).toHaveLength(18);
    expect(REGION_LABELS.slice(8, 10)).toEqual(["Hauts-de-France", "Île-de-France"]);
    expect(parse("department", { recQ: ["93 – Seine-Saint-Denis"] })).toEqual({ ok: true, value: "93 – Seine-Saint-Denis" });
    expect(parse("department", { recQ: ["93"] })).toEqual({ ok: false, error: "Choisissez parmi les réponses proposées." });
    // The question's Options are not the list.
    expect(parse("department", { recQ: ["Oui"] }, { options: ["Oui"] })).toEqual({ ok: false, error: "Choisissez parmi les réponses proposées." });
    expect(parse("region", { recQ: ["Île-de-France"] })).toEqual({ ok: true, value: "Île-de-France" });
    expect(parse("region", {}, { required: false })).toEqual({ ok: true, value: null });
    expect(parse("region", {})).toEqual({ ok: false, error: "Choisissez une réponse pour « Votre commune »." });
  });

  it("commune markup: a labelled input, its listbox and the hidden INSEE code, the error said and linked", () => {
    const html = renderField(spec("commune"), { raw: { recQ: ["Bondi"], recQ__id: ["93010"] }, error: "Nous ne trouvons pas la commune" });
    expect(html).toContain('x-data="communeCombobox"');
    expect(html).toContain('<label class="fr-label" for="q-recQ">Votre commune <span class="fr-hint-text">Saisissez le nom ou le code postal');
    expect(html).toMatch(/<input class="fr-input fr-input--error" id="q-recQ" name="recQ" type="text" required autocomplete="address-level2"[^>]* value="Bondi" aria-describedby="q-recQ-messages" aria-invalid="true" x-bind="input">/);
    expect(html).toContain('role="listbox" aria-label="Communes proposées" hidden');
    expect(html).toContain('<input type="hidden" name="recQ__id" value="93010" x-bind="chosenInput">');
    expect(html).toContain('id="q-recQ-messages"');
    expect(html).toContain("fr-input-group--error");
  });

  it("département markup: a DSFR select of the 101, the answer kept, the error said", () => {
    const html = renderField(spec("department", { required: false }), { raw: { recQ: ["2A – Corse-du-Sud"] }, error: "Choisissez" });
    expect(html.match(/<option value="[^"]+"/g)).toHaveLength(101);
    expect(html).toContain('<option value="2A – Corse-du-Sud" selected>');
    expect(html).toContain('aria-describedby="q-recQ-messages" aria-invalid="true"');
    expect(html).toContain("fr-select-group--error");
    expect(html).toContain("(facultatif)");
    expect(renderField(spec("region")).match(/<option value="[^"]+"/g)).toHaveLength(18);
  });

  it("cells and Airtable: « Bondy (93010) » in a text column; départements and régions as choices", () => {
    expect(answerCell("commune", { label: "Bondy", id: "93010" })).toBe("Bondy (93010)");
    expect(answerCell("commune", { label: "bondy" })).toBe("bondy");
    expect(answerCell("department", "93 – Seine-Saint-Denis")).toBe("93 – Seine-Saint-Denis");
    expect(airtableColumn(spec("commune"))).toEqual({ type: "singleLineText" });
    expect(airtableValue(spec("commune"), { label: "Bondy", id: "93010" })).toBe("Bondy (93010)");
    expect(airtableColumn(spec("region"))).toEqual({ type: "singleSelect", options: { choices: REGION_LABELS.map((name) => ({ name })) } });
    expect(AIRTABLE_COLUMNS.department.value("93 – Seine-Saint-Denis")).toBe("93 – Seine-Saint-Denis");
  });
});

describe("POST /api/submit/<form> with a commune, a département, a région", () => {
  const NOW = Date.parse("2026-11-29T10:00:00Z");
  const VELO = "aide-velo";
  const MOVING = "aide-demenagement";
  const COMMUNE = "recQVeloCommune15";

  /** The sample's forms as the build defines them; the unpublished « aide-demenagement » too. */
  async function setup() {
    const model = validateBase(await readEmbeddedBase());
    const forms: PublishedForms = { builtAt: new Date(NOW).toISOString(), forms: {} };
    for (const slug of [VELO, MOVING]) {
      const service = model.services.find((s) => s.slug === slug);
      if (!service) throw new Error(`${slug} is not in the sample`);
      forms.forms[slug] = { definition: formDefinition(service, model.site), page: { before: "<title>Formulaire</title>", after: "" } };
    }
    const store = new DiskAnswerStore(await mkdtemp(join(tmpdir(), "kit-places-")));
    let reads = 0;
    const handler = createSubmitHandler({ forms, store, now: () => NOW, communes: async () => (reads++, index) });
    return { handler, store, reads: () => reads };
  }

  const post = (slug: string, entries: Array<[string, string]>, accept = "application/json") =>
    new Request(`http://localhost:8888/api/submit/${slug}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept },
      body: new URLSearchParams(entries).toString(),
    });

  const velo = (commune: Array<[string, string]>): Array<[string, string]> => [
    ...commune,
    ["recQVeloRevenu020", "Moins de 15 000 €"],
    ["recQVeloType00040", "Vélo classique"],
    ["recQVeloPrix00060", "450"],
    ["recQVeloPrenom090", "Camille"],
    ["recQVeloEmail0100", "camille@exemple.fr"],
    ["recQVeloAccord110", "oui"],
  ];

  it("stores a commune typed without JavaScript as its name and INSEE code", async () => {
    const { handler, store } = await setup();
    const response = await handler(post(VELO, velo([[COMMUNE, "bondy"]])));
    expect(response.status).toBe(201);
    const [answer] = await store.list();
    expect(answer?.values[COMMUNE]).toEqual({ label: "Bondy", id: "93010" });
  });

  it("stores a commune chosen in the list with its code, under its official name", async () => {
    const { handler, store } = await setup();
    const response = await handler(post(VELO, velo([[COMMUNE, "Bondy (93140)"], [`${COMMUNE}__id`, "93010"]]), "text/html"));
    expect(response.status).toBe(303);
    const [answer] = await store.list();
    expect(answer?.values[COMMUNE]).toEqual({ label: "Bondy", id: "93010" });
  });

  it("sends back a homonym, asking for the postcode, on the form page itself", async () => {
    const { handler, store } = await setup();
    const response = await handler(post(VELO, velo([[COMMUNE, "St-Denis"]]), "text/html"));
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain("Plusieurs communes s&#39;appellent « Saint-Denis » : ajoutez le code postal");
    expect(html).toContain('value="St-Denis"'); // what was typed, kept
    expect(await store.list()).toEqual([]);
  });

  it("refuses a commune outside the territory (Site table: 93010), typed or chosen", async () => {
    const { handler, store } = await setup();
    for (const commune of [[[COMMUNE, "Paris 11e"]], [[COMMUNE, "Paris (75)"], [`${COMMUNE}__id`, "75056"]]] as Array<Array<[string, string]>>) {
      const response = await handler(post(VELO, velo(commune)));
      expect(response.status).toBe(422);
      expect(((await response.json()) as { errors: Record<string, string> }).errors).toEqual({ [COMMUNE]: COMMUNE_OUT_OF_TERRITORY });
    }
    const unknown = await handler(post(VELO, velo([[COMMUNE, "Bondi"]])));
    expect(((await unknown.json()) as { errors: Record<string, string> }).errors[COMMUNE]).toMatch(/^Nous ne trouvons pas la commune « Bondi »/);
    expect(await store.list()).toEqual([]);
  });

  it("stores a département and a région as their labels, and reads no commune for a form without one", async () => {
    const { handler, store, reads } = await setup();
    const base: Array<[string, string]> = [["recQDemLocatai002", "Oui"], ["recQDemCodePos003", "93140"]];
    const wrong = await handler(post(MOVING, [...base, ["recQDemDepart0007", "Seine-Saint-Denis"]]));
    expect(wrong.status).toBe(422);
    const response = await handler(post(MOVING, [...base, ["recQDemDepart0007", "93 – Seine-Saint-Denis"], ["recQDemRegion0008", "Bretagne"]]));
    expect(response.status).toBe(201);
    const [answer] = await store.list();
    expect(answer?.values).toMatchObject({ recQDemDepart0007: "93 – Seine-Saint-Denis", recQDemRegion0008: "Bretagne" });
    expect(reads()).toBe(0);
  });

  it("counts the commune as a place inside or outside the territory, and the lists' answers as choices", async () => {
    const model = validateBase(await readEmbeddedBase());
    const definition = (slug: string) => formDefinition(model.services.find((s) => s.slug === slug)!, model.site);
    const measure = { variant: "" };
    expect(acceptedCount(definition(VELO), { [COMMUNE]: { label: "Bondy", id: "93010" } }, measure, "accepted")).toMatchObject({ places: ["93010"], inside: 1 });
    expect(refusedCount(definition(VELO), { [COMMUNE]: COMMUNE_OUT_OF_TERRITORY }, measure)).toMatchObject({ outcome: "refused", outside: 1 });
    const moving = acceptedCount(definition(MOVING), { recQDemDepart0007: "93 – Seine-Saint-Denis", recQDemRegion0008: "Pas une région" }, measure, "accepted");
    expect(moving.choices).toEqual([{ question: "recQDemDepart0007", value: "93 – Seine-Saint-Denis" }]);
  });
});
