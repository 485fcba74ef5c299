// npm run doctor: the checklist on the embedded default, against the project's Airtable stand-in
// (a bad token, a token without a right, a field deleted, a choice renamed) and against a local
// stand-in of Netlify's API (a variable missing, no build hook, all good). Secrets never printed.
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureIndex } from "../lib/address/index-file.ts";
import { allPassed, doctor, formatChecklist, satisfiesMinimum } from "../lib/app/doctor.ts";
import { checkAirtableStructure } from "../lib/airtable/doctor.ts";
import type { AirtableConfig } from "../lib/airtable/client.ts";
import { AirtableApi, seedBase, setupBase, type MetaTable } from "../lib/airtable/setup.ts";
import type { AirtableFieldSpec } from "../lib/airtable/types.ts";
import { readEmbeddedBase } from "../lib/base/embedded.ts";
import { validateBase } from "../lib/base/model.ts";
import { QUESTIONS, TABLES } from "../lib/base/tables.ts";
import { allFormDefinitions } from "../lib/forms/definitions.ts";
import { ALL_SCOPES, FakeAirtable } from "./support/airtable-server.ts";
import { runScript } from "./support/build.ts";
import { FakeNetlifyApi } from "./support/netlify-api-server.ts";

const TOKEN = "patDOCTORSECRET0123456789abcdef";
const BASE = "appDOCTORBASE0001";
const NODE = { nodeVersion: "20.19.0", requiredNode: ">=20.19" };

let indexPath: string;

beforeAll(async () => {
  // The address index as the build makes it (from the shipped sample), in a folder of its own.
  indexPath = join(await mkdtemp(join(tmpdir(), "kit-doctor-")), "adresses.idx");
  await ensureIndex(indexPath);
});

/** Variables that would otherwise come from the machine running the tests, neutralised (empty reads as unset). */
const UNSET = { AIRTABLE_TOKEN: "", AIRTABLE_BASE_ID: "", NETLIFY_AUTH_TOKEN: "", NETLIFY_SITE_ID: "", KIT_BASE_DIR: "", ADDRESS_PROVIDER: "" };

async function check(env: Record<string, string>): Promise<{ output: string; passed: boolean }> {
  const checks = await doctor(NODE, { ADDRESS_INDEX: indexPath, ...env });
  return { output: formatChecklist(checks), passed: allPassed(checks) };
}

/** A copy of the embedded base whose Site has this « Territoire ». */
async function baseWithTerritory(territory: string): Promise<string> {
  const baseDir = await mkdtemp(join(tmpdir(), "kit-doctor-base-"));
  await cp("data/base", baseDir, { recursive: true });
  const site = JSON.parse(await readFile(join(baseDir, "Site.json"), "utf8")) as { records: Array<{ fields: Record<string, unknown> }> };
  site.records[0]!.fields.Territoire = territory;
  await writeFile(join(baseDir, "Site.json"), JSON.stringify(site));
  return baseDir;
}

describe("npm run doctor on the embedded base", () => {
  it("ticks every line and exits 0 on a fresh clone once built (the real script)", async () => {
    const run = await runScript("doctor", { ...UNSET, ADDRESS_INDEX: indexPath });
    expect(run.output).toMatch(/✔ Node \d+\.\d+\.\d+ \(demandé : >=20\.19\)/);
    expect(run.output).toContain("✔ Base embarquée (data/base) valide (3 services, 33 questions)");
    expect(run.output).toContain("✔ Index d'adresses présent et couvrant le territoire");
    // Without a Netlify token the deployed site is not checked, and that is no failure.
    expect(run.output).toContain("– Site déployé non vérifié (NETLIFY_AUTH_TOKEN n'est pas défini)");
    expect(run.output).not.toContain("✘");
    expect(run.output).toContain("Tout est prêt.");
    expect(run.code, run.output).toBe(0);
  });

  it("on a fresh clone, checks the index the build will make from the sample", async () => {
    const missing = join(tmpdir(), "kit-doctor-none", "adresses.idx");
    const { output, passed } = await check({ ADDRESS_INDEX: missing });
    expect(output).toContain(`✔ Index d'adresses pas encore construit et couvrant le territoire (${missing}, que npm run build créera à partir de data/adresses-sample.csv`);
    expect(passed).toBe(true);
    // Checking wrote nothing where the build will.
    await expect(readFile(missing)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("says when the sample the build would index does not cover the territory", async () => {
    const baseDir = await baseWithTerritory("75");
    const { output, passed } = await check({ KIT_BASE_DIR: baseDir, ADDRESS_INDEX: join(tmpdir(), "kit-doctor-none", "adresses.idx") });
    expect(output).toContain("✘ Index d'adresses sans adresse du territoire");
    expect(output).toContain("npm run addresses:import -- 75");
    expect(passed).toBe(false);
  });

  it("names the territory the index has no address of, and the import that fills it", async () => {
    const baseDir = await baseWithTerritory("93010, 75");
    const { output, passed } = await check({ KIT_BASE_DIR: baseDir });
    expect(output).toContain("✘ Index d'adresses sans adresse du territoire");
    expect(output).toContain("- aucune adresse dans : département 75");
    expect(output).not.toContain("commune 93010"); // Bondy is in the sample
    expect(output).toContain("npm run addresses:import -- 75 93");
    expect(passed).toBe(false);
  });

  it("prints the base's errors, naming table, record and field", async () => {
    const baseDir = await mkdtemp(join(tmpdir(), "kit-doctor-base-"));
    await cp("data/base", baseDir, { recursive: true });
    const file = join(baseDir, "Questions.json");
    const questions = JSON.parse(await readFile(file, "utf8")) as { records: Array<{ fields: Record<string, unknown> }> };
    const first = questions.records[0]!;
    first.fields.Type = "Texte très court";
    await writeFile(file, JSON.stringify(questions));
    const { output, passed } = await check({ KIT_BASE_DIR: baseDir });
    expect(output).toMatch(/✘ Base embarquée \(.*\) : 1 erreur\n/);
    expect(output).toContain("Questions");
    expect(output).toContain(String(first.fields["Libellé"]));
    expect(output).toContain("la valeur « Texte très court » n'existe pas");
    // The territory cannot be known from a base with errors: the index is only said present.
    expect(output).toContain("sa couverture du territoire n'est pas vérifiée sans base valide");
    expect(passed).toBe(false);
  });

  it("checks Node against package.json's engines", async () => {
    expect(satisfiesMinimum("20.19.0", ">=20.19")).toBe(true);
    expect(satisfiesMinimum("22.1.0", ">=20.19")).toBe(true);
    expect(satisfiesMinimum("20.18.3", ">=20.19")).toBe(false);
    expect(satisfiesMinimum("18.20.0", ">=20.19")).toBe(false);
    expect(satisfiesMinimum("20.19.0", "^20.19 || >=22")).toBeUndefined();
    const checks = await doctor({ nodeVersion: "20.18.3", requiredNode: ">=20.19" }, { ...UNSET, ADDRESS_INDEX: indexPath });
    const output = formatChecklist(checks);
    expect(output).toContain("✘ Node 20.18.3 trop ancien (demandé : >=20.19)");
    expect(output).toContain("Installez Node 20.19 ou plus récent");
    expect(allPassed(checks)).toBe(false);
  });

  it("reports a wrong variable as a line of the checklist", async () => {
    const { output, passed } = await check({ AIRTABLE_BASE_ID: "pasunebase", AIRTABLE_TOKEN: TOKEN });
    expect(output).toContain("✘ Variable d'environnement à corriger :");
    expect(output).toContain("AIRTABLE_BASE_ID « pasunebase » n'est pas un identifiant de base Airtable");
    expect(output).not.toContain(TOKEN);
    expect(passed).toBe(false);
  });
});

/** Sets the base up and copies the sample into it with the kit's own functions, through `api`. */
async function setUpAndSeed(api: AirtableApi): Promise<void> {
  const raw = await readEmbeddedBase();
  await setupBase(api, allFormDefinitions(validateBase(raw)));
  await seedBase(api, raw);
}

/**
 * The kit's base as it is after the intrapreneur changed it in Airtable: `fields` edits the
 * fields as created, `records` the records as written (Airtable renames a choice in every
 * record that has it, and a deleted field's values go with it).
 */
class EditedInAirtable extends AirtableApi {
  constructor(
    config: AirtableConfig,
    private readonly edit: { table: string; fields: (specs: AirtableFieldSpec[]) => AirtableFieldSpec[]; record: (fields: Record<string, unknown>) => Record<string, unknown> },
  ) {
    super(config);
  }

  override createTable(name: string, fields: AirtableFieldSpec[], description?: string): Promise<MetaTable> {
    return super.createTable(name, name === this.edit.table ? this.edit.fields(fields) : fields, description);
  }

  override createRecords(table: string, records: Array<Record<string, unknown>>): Promise<Array<{ id: string }>> {
    return super.createRecords(table, table === this.edit.table ? records.map(this.edit.record) : records);
  }
}

describe("npm run doctor with Airtable", () => {
  let airtable: FakeAirtable;
  let endpoint: string;
  let config: AirtableConfig;
  let env: Record<string, string>;

  beforeEach(async () => {
    airtable = new FakeAirtable({
      tokens: [
        { token: TOKEN },
        { token: "patNOWRITE", scopes: ALL_SCOPES.filter((s) => s !== "data.records:write") },
        { token: "patOTHERBASE", bases: ["appSOMEOTHERBASE1"] },
      ],
    });
    endpoint = await airtable.start();
    airtable.createBase(BASE);
    config = { token: TOKEN, baseId: BASE, endpointUrl: endpoint };
    env = { ...UNSET, AIRTABLE_TOKEN: TOKEN, AIRTABLE_BASE_ID: BASE, AIRTABLE_ENDPOINT_URL: endpoint };
  });

  afterEach(async () => {
    await airtable.stop();
  });

  it("ticks a base set up and seeded by the kit", async () => {
    await setUpAndSeed(new AirtableApi(config));
    const { output, passed } = await check(env);
    expect(output).toContain("✔ Jeton Airtable accepté");
    expect(output).toContain(`✔ Base Airtable ${BASE} accessible`);
    expect(output).toContain("✔ Droits du jeton Airtable suffisants (data.records:read, data.records:write, schema.bases:read, schema.bases:write)");
    expect(output).toContain("✔ Structure de la base Airtable conforme");
    expect(output).toContain(`✔ Base Airtable ${BASE} valide (3 services, 33 questions)`);
    expect(output).toContain("✔ Index d'adresses présent et couvrant le territoire");
    expect(passed, output).toBe(true);
    // Probing the write rights changed nothing.
    expect(airtable.tables(BASE).find((t) => t.name === QUESTIONS.name)?.fields.map((f) => f.name)).toEqual(expect.arrayContaining(Object.keys(QUESTIONS.fields)));
    expect(airtable.records(BASE, QUESTIONS.name)).toHaveLength(33);
  });

  it("says the token is refused, without printing it (the real script)", async () => {
    const wrong = "patWRONGTOKEN9876543210fedcba";
    const run = await runScript("doctor", { ...env, AIRTABLE_TOKEN: wrong, ADDRESS_INDEX: indexPath });
    expect(run.output).toContain("✘ Jeton Airtable refusé (AIRTABLE_TOKEN)");
    expect(run.output).toContain("https://airtable.com/create/tokens");
    expect(run.output).not.toContain(wrong);
    expect(run.output).not.toContain(TOKEN);
    expect(run.code, run.output).toBe(1);
  });

  it("names the right a token lacks", async () => {
    await setUpAndSeed(new AirtableApi(config));
    const { output, passed } = await check({ ...env, AIRTABLE_TOKEN: "patNOWRITE" });
    expect(output).toContain("✘ Droits du jeton Airtable insuffisants");
    expect(output).toContain("- il manque data.records:write : pour écrire les réponses et les statistiques dans Airtable");
    expect(output).not.toMatch(/il manque (data\.records:read|schema\.bases)/);
    // It still reads the base: the content is checked all the same.
    expect(output).toContain(`✔ Base Airtable ${BASE} valide (3 services, 33 questions)`);
    expect(passed).toBe(false);
  });

  it("tells a base the token cannot reach", async () => {
    const { output, passed } = await check({ ...env, AIRTABLE_TOKEN: "patOTHERBASE" });
    expect(output).toContain("✔ Jeton Airtable accepté");
    expect(output).toContain(`✘ Base Airtable ${BASE} introuvable, ou ce jeton n'y a pas accès`);
    expect(output).toContain("Vérifiez AIRTABLE_BASE_ID");
    expect(passed).toBe(false);
  });

  it("says Airtable cannot be reached when nothing answers", async () => {
    // A port just freed: nothing listens there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const { output, passed } = await check({ ...env, AIRTABLE_ENDPOINT_URL: `http://127.0.0.1:${port}` });
    expect(output).toContain("✘ Airtable injoignable (connexion refusée)");
    expect(passed).toBe(false);
  });

  it("names a field deleted in Airtable, and npm run airtable:setup to add it back", async () => {
    await setUpAndSeed(
      new EditedInAirtable(config, {
        table: QUESTIONS.name,
        fields: (specs) => specs.filter((s) => s.name !== "Type"),
        record: ({ Type: _deleted, ...fields }) => fields,
      }),
    );
    const { output, passed } = await check(env);
    expect(output).toContain("✘ Structure de la base Airtable différente de celle du kit");
    expect(output).toContain("- table « Questions » : champ « Type » absent → npm run airtable:setup");
    expect(output).toContain("Lancez npm run airtable:setup");
    // Every question lacks its type: the structure's line says it once, the content is not listed.
    expect(output).toContain("– Contenu de la base Airtable non vérifié : corrigez d'abord sa structure");
    expect(output.match(/Type/g)?.length).toBe(1);
    expect(passed).toBe(false);
  });

  it("names a question type renamed in Airtable, to be fixed there", async () => {
    const rename = (type: unknown) => (type === "Choix unique" ? "Choix" : type);
    await setUpAndSeed(
      new EditedInAirtable(config, {
        table: QUESTIONS.name,
        fields: (specs) =>
          specs.map((s) => (s.name === "Type" ? { ...s, options: { choices: (s.options as { choices: Array<{ name: string }> }).choices.map((c) => ({ name: String(rename(c.name)) })) } } : s)),
        record: (fields) => ({ ...fields, Type: rename(fields.Type) }),
      }),
    );
    const { output, passed } = await check(env);
    expect(output).toContain("- table « Questions » : champ « Type » : choix absent « Choix unique » (choix inconnus du kit : « Choix » ; renommé ?) → à corriger dans Airtable");
    expect(output).toContain("npm run airtable:setup ne change jamais un champ existant");
    expect(output).not.toContain("Lancez npm run airtable:setup");
    expect(passed).toBe(false);
  });
});

describe("the structure check", () => {
  /** The kit's tables as Airtable's Meta API lists them, with `edit` applied. */
  function metaTables(edit: (table: string, field: { name: string; type: string; options?: unknown }) => { name: string; type: string; options?: unknown } | undefined): MetaTable[] {
    return TABLES.map((table, t) => ({
      id: `tbl${t}`,
      name: table.name,
      primaryFieldId: "fld0",
      fields: Object.entries(table.fields).flatMap(([name, def], f) => {
        const field = edit(table.name, { name, type: def.airtableType, ...(def.choices ? { options: { choices: def.choices.map((c: string) => ({ id: `sel${c}`, name: c, color: "blueLight2" })) } } : {}) });
        return field ? [{ id: `fld${f}`, ...field }] : [];
      }),
    }));
  }

  it("names the question types a base set up before them lacks, and a field of another type", () => {
    const newer = ["Commune", "Département", "Région", "Titre de section"];
    const { check, baseTablesDrift } = checkAirtableStructure(
      metaTables((table, field) => {
        if (table === QUESTIONS.name && field.name === "Type") {
          const choices = (field.options as { choices: Array<{ name: string }> }).choices.filter((c) => !newer.includes(c.name));
          return { ...field, options: { choices } };
        }
        if (table === QUESTIONS.name && field.name === "Ordre") return { ...field, type: "singleLineText" };
        return field;
      }),
    );
    expect(check.status).toBe("fail");
    expect(baseTablesDrift).toBe(true);
    expect(check.details).toContain("table « Questions » : champ « Type » : choix absents « Commune », « Département », « Région », « Titre de section » → à corriger dans Airtable");
    expect(check.details).toContain("table « Questions » : champ « Ordre » de type singleLineText, attendu number → à corriger dans Airtable");
    // The answers and statistics tables are missing too: those, setup creates.
    expect(check.details).toContain("table « Réponses » absente → npm run airtable:setup");
    expect(check.details).toContain("table « Statistiques » absente → npm run airtable:setup");
  });
});

describe("npm run doctor with the deployed site", () => {
  const NETLIFY_TOKEN = "nfp_NETLIFYSECRET0123456789";
  const SITE_ID = "0c9f5a2e-1b7d-4c3a-9e8f-6a5b4c3d2e1f";
  let airtable: FakeAirtable;
  let netlify: FakeNetlifyApi;
  let env: Record<string, string>;

  beforeAll(async () => {
    // One base for the three cases: the doctor only reads it.
    airtable = new FakeAirtable({ token: TOKEN });
    const endpoint = await airtable.start();
    airtable.createBase(BASE);
    await setUpAndSeed(new AirtableApi({ token: TOKEN, baseId: BASE, endpointUrl: endpoint }));
    env = { ...UNSET, AIRTABLE_TOKEN: TOKEN, AIRTABLE_BASE_ID: BASE, AIRTABLE_ENDPOINT_URL: endpoint, ADDRESS_INDEX: indexPath, NETLIFY_SITE_ID: SITE_ID, NETLIFY_AUTH_TOKEN: NETLIFY_TOKEN };
  });

  afterAll(async () => {
    await airtable.stop();
  });

  beforeEach(async () => {
    netlify = new FakeNetlifyApi(NETLIFY_TOKEN);
    env.NETLIFY_API_URL = await netlify.start();
    netlify.addSite({ id: SITE_ID, name: "mon-conseiller-renovation", accountId: "5f0a1b2c3d4e5f6a7b8c9d0e" });
  });

  afterEach(async () => {
    await netlify.stop();
  });

  it("names a variable missing on the site", async () => {
    netlify.setEnv(SITE_ID, { key: "AIRTABLE_TOKEN", value: TOKEN });
    netlify.addBuildHook(SITE_ID, "Airtable");
    const { output, passed } = await check(env);
    expect(output).toContain("✔ Site Netlify « mon-conseiller-renovation » accessible");
    expect(output).toContain("✘ Variables d'environnement du site incomplètes");
    expect(output).toContain("- AIRTABLE_BASE_ID absente");
    expect(output).not.toContain("- AIRTABLE_TOKEN");
    expect(output).toContain("✔ Build hook présent (1)");
    expect(passed).toBe(false);
  });

  it("names a variable the functions do not get, or without a production value", async () => {
    netlify.setEnv(SITE_ID, { key: "AIRTABLE_TOKEN", value: TOKEN, scopes: ["builds"] });
    netlify.setEnv(SITE_ID, { key: "AIRTABLE_BASE_ID", values: [{ value: BASE, context: "deploy-preview" }] });
    netlify.addBuildHook(SITE_ID, "Airtable");
    const { output, passed } = await check(env);
    expect(output).toContain("- AIRTABLE_TOKEN n'est pas disponible pour : les fonctions (Functions)");
    expect(output).toContain("- AIRTABLE_BASE_ID n'a pas de valeur pour la production");
    expect(passed).toBe(false);
  });

  it("says when the site has no build hook", async () => {
    netlify.setEnv(SITE_ID, { key: "AIRTABLE_TOKEN", value: TOKEN });
    netlify.setEnv(SITE_ID, { key: "AIRTABLE_BASE_ID", value: BASE });
    const { output, passed } = await check(env);
    expect(output).toContain("✔ Variables d'environnement du site présentes (AIRTABLE_TOKEN, AIRTABLE_BASE_ID)");
    expect(output).toContain("✘ Aucun build hook sur le site");
    expect(output).toContain("« Add build hook »");
    expect(passed).toBe(false);
  });

  it("says a Netlify token is refused", async () => {
    const { output, passed } = await check({ ...env, NETLIFY_AUTH_TOKEN: "nfp_WRONG" });
    expect(output).toContain("✘ Jeton Netlify refusé (NETLIFY_AUTH_TOKEN)");
    expect(output).not.toContain("nfp_WRONG");
    expect(passed).toBe(false);
  });

  it("ticks every line when all is set, and prints no secret (the real script)", async () => {
    netlify.setEnv(SITE_ID, { key: "AIRTABLE_TOKEN", value: TOKEN });
    netlify.setEnv(SITE_ID, { key: "AIRTABLE_BASE_ID", value: BASE });
    const hook = netlify.addBuildHook(SITE_ID, "Airtable");
    const run = await runScript("doctor", env);
    expect(run.output).toContain("✔ Jeton Airtable accepté");
    expect(run.output).toContain("✔ Variables d'environnement du site présentes (AIRTABLE_TOKEN, AIRTABLE_BASE_ID)");
    expect(run.output).toContain("✔ Build hook présent (1)");
    expect(run.output).toContain("Tout est prêt.");
    expect(run.code, run.output).toBe(0);
    for (const secret of [TOKEN, NETLIFY_TOKEN, hook, hook.split("/").at(-1) as string]) expect(run.output).not.toContain(secret);
    expect(netlify.requests).toBe(3);
  });
});
