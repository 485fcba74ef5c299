// Airtable as the base: setting up and seeding a base with the kit's commands, then building the
// site from it, all against the project's Airtable-compatible server.
import { createServer, type Server } from "node:http";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HYPOTHESES, QUESTIONS, SERVICES, SITE, VARIANTS } from "../lib/base/tables.ts";
import { ANSWERS_TABLE } from "../lib/airtable/answer-sink.ts";
import { STATS_TABLE } from "../lib/airtable/stats-sink.ts";
import { FakeAirtable } from "./support/airtable-server.ts";
import { buildWithBase, runScript, type BuildRun } from "./support/build.ts";

const TOKEN = "patSECRETTOKEN1234567890";
const BASE = "appKITSETUP000001";

let airtable: FakeAirtable;
let env: Record<string, string>;

beforeEach(async () => {
  airtable = new FakeAirtable({ token: TOKEN });
  const endpoint = await airtable.start();
  airtable.createBase(BASE);
  // A cache of its own: the next test's server may get this one's port, and a cached base with it.
  env = { AIRTABLE_TOKEN: TOKEN, AIRTABLE_BASE_ID: BASE, AIRTABLE_ENDPOINT_URL: endpoint, KIT_CACHE_DIR: await mkdtemp(join(tmpdir(), "kit-cache-")) };
});

afterEach(async () => {
  await airtable.stop();
});

const tableNames = () => airtable.tables(BASE).map((t) => t.name);
const fieldNames = (table: string) => airtable.tables(BASE).find((t) => t.name === table)?.fields.map((f) => f.name) ?? [];

async function setupAndSeed(): Promise<void> {
  const setup = await runScript("airtable:setup", env);
  expect(setup.code, setup.output).toBe(0);
  const seed = await runScript("airtable:seed", env);
  expect(seed.code, seed.output).toBe(0);
}

const build = (args: string[] = []): Promise<BuildRun> => buildWithBase("data/base", env, args);

/** Edits records as the intrapreneur would in Airtable, in a fresh rate-limit window (the kit's commands just used the last one). */
async function editRecords(table: string, records: Array<{ id: string; fields: Record<string, unknown> }>): Promise<void> {
  await new Promise((r) => setTimeout(r, 1100));
  const response = await fetch(`${env.AIRTABLE_ENDPOINT_URL}/v0/${BASE}/${encodeURIComponent(table)}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ records, typecast: true }),
  });
  expect(response.status, await response.text()).toBe(200);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("npm run airtable:setup", () => {
  it("creates the kit's tables in an empty base, with a column per question for the answers", async () => {
    const run = await runScript("airtable:setup", env);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain("Table créée : Questions");
    expect(tableNames()).toEqual([SITE.name, SERVICES.name, QUESTIONS.name, VARIANTS.name, HYPOTHESES.name, ANSWERS_TABLE, STATS_TABLE]);
    for (const table of [SITE, SERVICES, QUESTIONS, VARIANTS, HYPOTHESES]) expect(fieldNames(table.name)).toEqual(expect.arrayContaining(Object.keys(table.fields)));
    const questions = airtable.tables(BASE).find((t) => t.name === QUESTIONS.name)!;
    expect(questions.fields.find((f) => f.id === questions.primaryFieldId)?.name).toBe("Libellé");
    const link = questions.fields.find((f) => f.name === "Service")!;
    expect(link.type).toBe("multipleRecordLinks");
    expect(fieldNames(ANSWERS_TABLE)).toEqual(expect.arrayContaining(["Identifiant", "Envoyée le", "Données brutes", "Prénom", "Adresse du logement", "Travaux envisagés"]));
    // A second run has nothing to add.
    const again = await runScript("airtable:setup", env);
    expect(again.output).toContain("La base est déjà prête : rien à ajouter.");
  });

  it("completes a partial base without deleting or changing anything", async () => {
    airtable.addTable(BASE, {
      name: SERVICES.name,
      fields: [
        { name: "Slug", type: "singleLineText" },
        { name: "Notes internes", type: "multilineText" },
        { name: "Ordre", type: "singleLineText" },
      ],
    });
    airtable.addRecords(BASE, SERVICES.name, [{ fields: { Slug: "mon-service", "Notes internes": "à garder" } }]);
    const run = await runScript("airtable:setup", env);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain("Champ ajouté : Services › Titre");
    expect(run.output).toContain("Attention : Services › Ordre est de type « singleLineText » (le kit attend « number ») : laissé tel quel.");
    expect(fieldNames(SERVICES.name)).toEqual(expect.arrayContaining(["Notes internes", "Titre", "Publié"]));
    expect(airtable.records(BASE, SERVICES.name)).toMatchObject([{ fields: { Slug: "mon-service", "Notes internes": "à garder" } }]);
    expect(tableNames()).toEqual(expect.arrayContaining([SITE.name, QUESTIONS.name, ANSWERS_TABLE]));
  });

  it("explains a refused token", async () => {
    const run = await runScript("airtable:setup", { ...env, AIRTABLE_TOKEN: "patWRONG" });
    expect(run.code).toBe(1);
    expect(run.output).toContain("La préparation de la base a échoué");
    expect(run.output).toContain("schema.bases:write");
  });
});

describe("npm run airtable:seed, then the build from Airtable", () => {
  it("copies the sample, links questions to their service, and refuses to seed twice", async () => {
    await setupAndSeed();
    expect(airtable.records(BASE, SITE.name)).toHaveLength(1);
    const services = airtable.records(BASE, SERVICES.name);
    const questions = airtable.records(BASE, QUESTIONS.name);
    // The sample's questions: 12 for the renovation service, 13 for the bicycle one (in steps), 8 for the unpublished third.
    expect(questions).toHaveLength(33);
    const renovation = services.find((s) => s.fields.Slug === "conseil-renovation")!;
    const moving = services.find((s) => s.fields.Slug === "aide-demenagement")!;
    expect(questions.filter((q) => (q.fields.Service as string[])[0] === renovation.id)).toHaveLength(12);
    expect(questions.filter((q) => (q.fields.Service as string[])[0] === moving.id)).toHaveLength(8);
    const bicycle = services.find((s) => s.fields.Slug === "aide-velo")!;
    expect(questions.filter((q) => (q.fields.Service as string[])[0] === bicycle.id)).toHaveLength(13);
    // Variants and hypotheses follow, linked to the new records.
    expect(airtable.records(BASE, VARIANTS.name).map((v) => (v.fields.Service as string[])[0])).toEqual([renovation.id, renovation.id]);
    const logement = questions.find((q) => q.fields.Libellé === "Type de logement")!;
    expect(airtable.records(BASE, HYPOTHESES.name).map((h) => h.fields.Question).filter(Boolean)).toEqual([[logement.id]]);
    const again = await runScript("airtable:seed", env);
    expect(again.code).toBe(1);
    expect(again.output).toContain("contient déjà des enregistrements : rien n'a été copié");
    expect(airtable.records(BASE, QUESTIONS.name)).toHaveLength(33);
  });

  it("builds the site from Airtable and never writes the token", async () => {
    await setupAndSeed();

    const run = await build();
    expect(run.code, run.output).toBe(0);
    const published = JSON.parse(await readFile(join(run.buildDir, "forms.json"), "utf8"));
    const form = published.forms["conseil-renovation"].definition;
    expect(form.fields).toHaveLength(12);
    expect(form.fields[0]).toMatchObject({ label: "Prénom", type: "short-text", required: true, autocomplete: "given-name" });
    expect(form.fields[0].key).toMatch(/^rec[A-Za-z0-9]{14}$/); // the Airtable record id
    const page = await readFile(join(run.outDir, "conseil-renovation/formulaire/index.html"), "utf8");
    expect(page).toContain("Adresse du logement");

    for (const file of [...(await filesUnder(run.outDir)), ...(await filesUnder(run.buildDir))]) {
      if (/\.(png|woff2?|ico)$/.test(file)) continue;
      expect((await readFile(file, "utf8")).includes(TOKEN), file).toBe(false);
    }
  });

  it("gives the same forms as the embedded base: every type, condition, step, eligibility rule and prefill", async () => {
    await setupAndSeed();
    const [fromAirtable, embedded] = await Promise.all([build(), buildWithBase("data/base", { KIT_CACHE_DIR: env.KIT_CACHE_DIR! })]);
    expect(fromAirtable.code, fromAirtable.output).toBe(0);
    expect(embedded.code, embedded.output).toBe(0);
    /** Each service's forms, with record ids (which Airtable chose) replaced by the question's place in its form. */
    const forms = async (run: BuildRun) => {
      const published = JSON.parse(await readFile(join(run.buildDir, "forms.json"), "utf8")) as {
        forms: Record<string, { definition: { fields: Array<{ key: string }> } }>;
      };
      const result: Record<string, { definition: string; page: string }> = {};
      for (const [slug, form] of Object.entries(published.forms)) {
        const names = new Map(form.definition.fields.map((field, index) => [field.key, `${slug}#${index}`]));
        const normalise = (text: string) => text.replace(/rec[A-Za-z0-9]{10,16}/g, (id) => names.get(id) ?? id);
        const page = await readFile(join(run.outDir, slug, "formulaire", "index.html"), "utf8");
        result[slug] = { definition: normalise(JSON.stringify(form.definition)), page: normalise(page.slice(page.indexOf("<!-- kit:form -->"), page.indexOf("<!-- /kit:form -->"))) };
      }
      return result;
    };
    const [a, b] = [await forms(fromAirtable), await forms(embedded)];
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect(Object.keys(a)).toContain("aide-velo");
    for (const slug of Object.keys(b)) {
      expect(JSON.parse(a[slug]?.definition ?? "null"), slug).toEqual(JSON.parse(b[slug]?.definition ?? "null"));
      expect(a[slug]?.page, slug).toBe(b[slug]?.page);
    }
    // What makes the second service rich did cross: steps, a condition, an eligibility rule, a prefill.
    const velo = b["aide-velo"]!.definition;
    for (const part of ['"type":"section"', '"conditions":[', '"ineligibleIf":[', '"prefill":"velo"']) expect(velo).toContain(part);
  });

  it("reads all 150 questions of a service across pages", async () => {
    await setupAndSeed();
    const services = airtable.records(BASE, SERVICES.name);
    const second = services.find((s) => s.fields.Slug === "aide-demenagement")!;
    // After the sample's 8 questions of this service (Ordre 10 to 80).
    const extra = Array.from({ length: 150 }, (_, i) => ({
      fields: { Service: [second.id], Ordre: 100 + i, Libellé: `Question ${i + 1}`, Type: "Texte court" },
    }));
    for (let i = 0; i < extra.length; i += 10) airtable.addRecords(BASE, QUESTIONS.name, extra.slice(i, i + 10));
    await editRecords(SERVICES.name, [{ id: second.id, fields: { Publié: true } }]);

    const run = await build();
    expect(run.code, run.output).toBe(0);
    const published = JSON.parse(await readFile(join(run.buildDir, "forms.json"), "utf8"));
    expect(published.forms["aide-demenagement"].definition.fields).toHaveLength(158);
    expect(published.forms["aide-demenagement"].definition.fields[157].label).toBe("Question 150");
  });

  it("stops on invalid Airtable data, naming the table, the record and the field", async () => {
    await setupAndSeed();
    const email = airtable.records(BASE, QUESTIONS.name).find((q) => q.fields.Libellé === "Adresse e-mail")!;
    await editRecords(QUESTIONS.name, [{ id: email.id, fields: { Type: "Courriel" } }]);
    const run = await build();
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(`Table « Questions », enregistrement ${email.id} (« Adresse e-mail »), champ « Type » : la valeur « Courriel » n'existe pas`);
  });

  it("builds again from its cache when Airtable is away, and --fresh reads afresh", async () => {
    await setupAndSeed();
    expect((await build()).code).toBe(0);
    const requests = airtable.stats.requests;
    const cached = await build();
    expect(cached.code, cached.output).toBe(0);
    expect(airtable.stats.requests).toBe(requests); // not one request
    await airtable.stop();
    const fresh = await build(["--fresh"]);
    expect(fresh.code).not.toBe(0);
    expect(fresh.output).toContain("lecture de la table « Site »");
    expect(fresh.output).toContain("Airtable ne répond pas");
  });

  it("copies an attached image into the site", async () => {
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
      "base64",
    );
    const images: Server = createServer((_, res) => res.writeHead(200, { "content-type": "image/png" }).end(png));
    await new Promise<void>((r) => images.listen(0, "127.0.0.1", r));
    const address = images.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/attachments/abc/maison.png?expires=123`;
    try {
      await setupAndSeed();
      const renovation = airtable.records(BASE, SERVICES.name).find((s) => s.fields.Slug === "conseil-renovation")!;
      await editRecords(SERVICES.name, [{ id: renovation.id, fields: { Image: [{ url, filename: "maison.png" }], "Texte alternatif de l'image": "Une maison" } }]);
      const run = await build();
      expect(run.code, run.output).toBe(0);
      // The sample's variants: each landing page shows the service's image.
      const page = await readFile(join(run.outDir, "conseil-renovation/courte/index.html"), "utf8");
      const src = /<img class="fr-responsive-img" src="(\/images\/[a-f0-9]{16}\.png)" alt="Une maison">/.exec(page)?.[1];
      expect(src).toBeDefined();
      expect(await readFile(join(run.outDir, src!))).toEqual(png);
      expect(page).not.toContain("127.0.0.1");
    } finally {
      images.close();
    }
  });
});
