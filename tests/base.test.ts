import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BaseValidationError, validateBase, type RawBase } from "../lib/base/index.ts";
import { loadModel } from "../lib/app/model.ts";
import { readEmbeddedBase } from "../lib/base/embedded.ts";
import { formDefinitions } from "../lib/forms/definitions.ts";
import { FIELD_TYPE_IDS } from "../lib/forms/field-types.ts";
import { buildWithBase, copyBase } from "./support/build.ts";
import { problemsOf, sampleBase } from "./support/base.ts";


describe("the embedded base", () => {
  it("is valid, with two published sample services and every field type used in the sample", async () => {
    const model = await loadModel();
    expect(model.site.name).toBe("Mon conseiller rénovation");
    expect(model.site.territory).toEqual({ departements: [], communes: ["93010"] });
    const forms = formDefinitions(model);
    expect(forms.map((f) => f.slug)).toEqual(["conseil-renovation", "aide-velo"]);
    const form = forms[0]!;
    expect(form.fields.length).toBeGreaterThanOrEqual(8);
    // The first form uses the first eleven types; the second (in steps) and the unpublished third the newer ones.
    expect(new Set(model.services.flatMap((s) => s.questions.map((q) => q.type)))).toEqual(new Set(FIELD_TYPE_IDS));
    // Questions come in the order of their "Ordre" column.
    const orders = model.services[0]!.questions.map((q) => q.order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
  });

  it("bounds the household size and asks for a house number in the sample", async () => {
    const [form] = formDefinitions(await loadModel());
    const household = form!.fields.find((f) => f.key === "recQFoyer0000008")!;
    expect(household).toMatchObject({ type: "number", min: 1, max: 20 });
    const address = form!.fields.find((f) => f.key === "recQAdresse00005")!;
    expect(address).toMatchObject({ type: "address", requireHouseNumber: true });
    // The columns a question's type does not use stay out of its definition.
    for (const field of form!.fields) {
      if (field.type !== "number") expect(field).not.toHaveProperty("min");
      if (field.type !== "address") expect(field).not.toHaveProperty("requireHouseNumber");
      // No « Afficher si » in the sample: every question is always asked.
      expect(field).not.toHaveProperty("conditions");
      expect(field).not.toHaveProperty("showIf");
    }
  });

  it("keeps unpublished services out of the forms", async () => {
    const model = await loadModel();
    expect(model.services.map((s) => [s.slug, s.published])).toEqual([
      ["conseil-renovation", true],
      ["aide-velo", true],
      ["aide-demenagement", false],
    ]);
  });
});

describe("base validation names the table, the record and the field", () => {
  it("reports a missing required field", async () => {
    const raw = await sampleBase();
    delete raw.services[0]!.fields.Titre;
    expect(problemsOf(raw)).toEqual([
      "- Table « Services », enregistrement recSvcRenovation01 (« conseil-renovation »), champ « Titre » : champ obligatoire, il est vide",
    ]);
  });

  it("reports an unknown question type with the accepted values", async () => {
    const raw = await sampleBase();
    raw.questions[2]!.fields.Type = "Courriel";
    const [problem] = problemsOf(raw);
    expect(problem).toContain("Table « Questions », enregistrement recQEmail0000003 (« Adresse e-mail »), champ « Type »");
    expect(problem).toContain("la valeur « Courriel » n'existe pas ; valeurs possibles : Texte court");
  });

  it("reports a duplicate slug", async () => {
    const raw = await sampleBase();
    raw.services[1]!.fields.Slug = "conseil-renovation";
    expect(problemsOf(raw)).toEqual([
      "- Table « Services », enregistrement recSvcDemenagement (« conseil-renovation »), champ « Slug » : le slug « conseil-renovation » est déjà utilisé par l'enregistrement recSvcRenovation01",
    ]);
  });

  it("reports a question pointing to a missing service", async () => {
    const raw = await sampleBase();
    raw.questions[0]!.fields.Service = ["recGone"];
    expect(problemsOf(raw)).toEqual([
      "- Table « Questions », enregistrement recQPrenom0000001 (« Prénom »), champ « Service » : le service recGone n'existe pas dans la table « Services »",
    ]);
  });

  it("reports every problem at once, and type-specific ones", async () => {
    const raw = await sampleBase();
    delete raw.questions[5]!.fields.Options; // a radio question without options
    raw.services[0]!.fields.Slug = "Conseil Rénovation";
    raw.site[0]!.fields.Territoire = "93010, Bondy";
    raw.questions[1]!.fields.Ordre = "deux";
    const problems = problemsOf(raw);
    expect(problems).toHaveLength(4);
    expect(problems.join("\n")).toContain("champ « Territoire » : le code « Bondy » n'est ni un département");
    expect(problems.join("\n")).toContain("champ « Options » : une question de type « Choix unique » doit proposer au moins une réponse");
    expect(problems.join("\n")).toContain("champ « Slug » : doit contenir seulement des minuscules");
    expect(problems.join("\n")).toContain("enregistrement recQNom000000002 (« Nom »), champ « Ordre » : doit être un nombre");
  });

  it("checks Minimum and Maximum: numbers, in order, for a « Nombre » question only", async () => {
    const raw = await sampleBase();
    const household = raw.questions.find((q) => q.id === "recQFoyer0000008")!;
    household.fields.Minimum = 25;
    expect(problemsOf(raw)).toEqual([
      "- Table « Questions », enregistrement recQFoyer0000008 (« Nombre de personnes dans le foyer »), champ « Minimum » : le minimum (25) doit être inférieur ou égal au maximum (20)",
    ]);
    household.fields.Minimum = 20; // a single accepted value is odd, but not wrong
    household.fields.Maximum = "vingt";
    expect(problemsOf(raw)).toEqual([
      "- Table « Questions », enregistrement recQFoyer0000008 (« Nombre de personnes dans le foyer »), champ « Maximum » : doit être un nombre",
    ]);
    household.fields.Maximum = 20;
    raw.questions[0]!.fields.Maximum = 3;
    expect(problemsOf(raw)).toEqual([
      "- Table « Questions », enregistrement recQPrenom0000001 (« Prénom »), champ « Maximum » : ne s'applique qu'aux questions de type « Nombre », « Nombre entier » ou « Montant en euros » ; videz ce champ ou changez le type",
    ]);
  });

  it("checks « Numéro obligatoire »: for an « Adresse » question only", async () => {
    const raw = await sampleBase();
    raw.questions.find((q) => q.id === "recQFoyer0000008")!.fields["Numéro obligatoire"] = true;
    raw.questions[0]!.fields["Numéro obligatoire"] = false; // unchecked: nothing to say
    expect(problemsOf(raw)).toEqual([
      "- Table « Questions », enregistrement recQFoyer0000008 (« Nombre de personnes dans le foyer »), champ « Numéro obligatoire » : ne s'applique qu'aux questions de type « Adresse » ; décochez la case ou changez le type",
    ]);
  });

  it("checks the territory codes", async () => {
    const raw = await sampleBase();
    raw.site[0]!.fields.Territoire = "93010, Bondy";
    expect(problemsOf(raw)).toEqual([
      "- Table « Site », enregistrement recSite0000000001 (« Mon conseiller rénovation »), champ « Territoire » : le code « Bondy » n'est ni un département (ex. 93) ni une commune (code INSEE, ex. 93010)",
    ]);
  });

  it("refuses a slug the site uses for its own pages", async () => {
    const raw = await sampleBase();
    raw.services[0]!.fields.Slug = "mentions-legales";
    expect(problemsOf(raw)[0]).toContain("champ « Slug » : est réservé par le site");
  });

  it("requires exactly one Site record", async () => {
    const raw = await sampleBase();
    raw.site.push(structuredClone(raw.site[0]!));
    expect(problemsOf(raw)).toEqual(["- Table « Site » : la table doit contenir exactement un enregistrement, elle en contient 2"]);
  });

  it("reports an unreadable table file by name", async () => {
    const dir = await copyBase();
    await writeFile(join(dir, "Services.json"), "{ not json");
    await expect(readEmbeddedBase(dir)).rejects.toThrow(/Table « Services » : .*Services\.json n'est pas un JSON valide/);
  });
});

describe("the measuring tables: Variantes and Hypothèses", () => {
  it("reads the sample's variants and hypotheses into its service", async () => {
    const model = await loadModel();
    const service = model.services.find((s) => s.slug === "conseil-renovation")!;
    expect(service.variants.map((v) => [v.slug, v.active])).toEqual([["detaillee", true], ["courte", true]]);
    expect(service.variants[1]).toMatchObject({ title: "Rénover votre logement : un conseiller vous rappelle sous 5 jours", cta: "Être rappelé" });
    expect(service.hypotheses.map((h) => [h.metric, h.threshold])).toEqual([["conversion", 5], ["answer-value", 50], ["answers", 100]]);
    expect(service.hypotheses[1]).toMatchObject({ question: "recQLogement0006", value: "Maison individuelle" });
  });

  it("names the table, record and field of each mistake", async () => {
    const raw = await sampleBase();
    const [, courte] = raw.variants!;
    courte!.fields.Slug = "detaillee";
    raw.variants!.push({ id: "recVarMerci", fields: { Nom: "Merci", Service: ["recSvcRenovation01"], Slug: "merci" } });
    raw.variants!.push({ id: "recVarOrphan", fields: { Nom: "Orpheline", Service: ["recNoSuchService"], Slug: "orpheline" } });
    raw.variants!.push({ id: "recVarActive", fields: { Nom: "Cochée en texte", Service: ["recSvcRenovation01"], Slug: "texte", Active: "oui" } });
    const [conversion, houses, volume] = raw.hypotheses!;
    conversion!.fields.Seuil = 150;
    conversion!.fields.Échéance = "31/01/2027";
    houses!.fields.Valeur = "Château";
    volume!.fields.Question = ["recQLogement0006"];
    raw.hypotheses!.push({ id: "recHypNoQuestion", fields: { Énoncé: "Sans question", Service: ["recSvcRenovation01"], Métrique: "Part des réponses avec une valeur", Seuil: 10 } });
    raw.hypotheses!.push({ id: "recHypDay", fields: { Énoncé: "Date impossible", Service: ["recSvcRenovation01"], Métrique: "Nombre de réponses", Seuil: 10, Échéance: "2027-02-30" } });
    expect(problemsOf(raw)).toEqual([
      "- Table « Variantes », enregistrement recVarMerci (« Merci »), champ « Slug » : est réservé par les pages du service ; choisissez un autre slug (réservés : formulaire, merci)",
      "- Table « Variantes », enregistrement recVarActive (« Cochée en texte »), champ « Active » : doit être une case cochée ou non : écrivez true (sans guillemets) au lieu de \"oui\"",
      "- Table « Variantes », enregistrement recVarCourte00002 (« Promesse courte »), champ « Slug » : le slug « detaillee » est déjà celui de la variante recVarDetaillee01 du même service",
      "- Table « Variantes », enregistrement recVarOrphan (« Orpheline »), champ « Service » : le service recNoSuchService n'existe pas dans la table « Services »",
      "- Table « Hypothèses », enregistrement recHypConversion1 (« Au moins 5 % des visiteurs demandent à être rappelés »), champ « Échéance » : doit être une date écrite AAAA-MM-JJ (ex. 2026-12-31)",
      "- Table « Hypothèses », enregistrement recHypDay (« Date impossible »), champ « Échéance » : n'est pas une date qui existe",
      "- Table « Hypothèses », enregistrement recHypMaisons0002 (« La moitié des demandes viennent de propriétaires de maisons »), champ « Valeur » : « Château » n'est pas une réponse proposée par la question « Type de logement » ; réponses : Maison individuelle, Appartement",
      "- Table « Hypothèses », enregistrement recHypVolume00003 (« 100 demandes en deux mois »), champ « Question » : ne sert qu'à la métrique « Part des réponses avec une valeur » ; videz ce champ",
      "- Table « Hypothèses », enregistrement recHypNoQuestion (« Sans question »), champ « Question » : la métrique « Part des réponses avec une valeur » dit quelle question regarder : choisissez-la",
    ]);
  });

  it("keeps a share's threshold a percentage", async () => {
    const raw = await sampleBase();
    raw.hypotheses![0]!.fields.Seuil = 150;
    expect(problemsOf(raw)).toEqual([
      "- Table « Hypothèses », enregistrement recHypConversion1 (« Au moins 5 % des visiteurs demandent à être rappelés »), champ « Seuil » : « Conversion visite → réponse » est une part : le seuil est un pourcentage, entre 0 et 100 (5 pour 5 %)",
    ]);
  });

  it("checks the Matomo address", async () => {
    const raw = await sampleBase();
    raw.site[0]!.fields["Matomo (adresse)"] = "http://stats.example/";
    raw.site[0]!.fields["Matomo (site)"] = "quarante-deux";
    expect(problemsOf(raw)).toEqual([
      "- Table « Site », enregistrement recSite0000000001 (« Mon conseiller rénovation »), champ « Matomo (adresse) » : doit être une adresse https complète, ex. https://stats.beta.gouv.fr/",
      "- Table « Site », enregistrement recSite0000000001 (« Mon conseiller rénovation »), champ « Matomo (site) » : doit être le numéro du site dans Matomo (ex. 42)",
    ]);
  });
});

describe("mistakes made editing data/base/ by hand: one mistake, one message, saying what to write", () => {
  async function problemsReading(dir: string): Promise<string[]> {
    const error = await readEmbeddedBase(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BaseValidationError);
    return (error as BaseValidationError).message.split("\n").slice(1);
  }

  it("locates a JSON syntax error by file, line and column, and shows the line", async () => {
    const dir = await copyBase();
    const services = join(dir, "Services.json");
    await writeFile(
      services,
      ['{', '  "records": [', "    {", '      "id": "recSvcRenovation01",', '      "fields": {', '        "Slug": "conseil-renovation",', "      }", "    }", "  ]", "}", ""].join("\n"),
    );
    expect(await problemsReading(dir)).toEqual([
      `  - Table « Services » : ${services} n'est pas un JSON valide, ligne 6, colonne 37 : virgule en trop après le dernier champ : supprimez-la`,
      '    6 |         "Slug": "conseil-renovation",',
      "      |                                     ^",
    ]);
  });

  it("says what is wrong in JSON in French, on a long line too, and in every file at once", async () => {
    const dir = await copyBase();
    const site = join(dir, "Site.json");
    const questions = join(dir, "Questions.json");
    // A file written on one line: the excerpt is the part of the line around the mistake.
    await writeFile(site, JSON.stringify(JSON.parse(await readFile(site, "utf8"))).replace('"Éditeur"', '"Éditeur": oui, "Éditeur x"'));
    await writeFile(questions, (await readFile(questions, "utf8")).replace('"Ordre": 20,', '"Ordre": 20\n'));
    const problems = await problemsReading(dir);
    expect(problems).toHaveLength(6);
    expect(problems[0]).toMatch(
      /^ {2}- Table « Site » : .*Site\.json n'est pas un JSON valide, ligne 1, colonne \d+ : « oui » n'est pas une valeur : un texte s'écrit entre guillemets \("oui"\), une case à cocher true ou false/,
    );
    expect(problems[1]).toMatch(/^ {4}1 \| ….*"Éditeur": oui, .*…$/);
    expect(problems[2]!.indexOf("^")).toBe(problems[1]!.indexOf("oui"));
    expect(problems[3]).toMatch(/^ {2}- Table « Questions » : .*Questions\.json n'est pas un JSON valide, ligne 22, colonne 20 : il manque une virgule « , » après cette valeur$/);
    expect(problems[4]).toBe('    22 |         "Ordre": 20');
    expect(problems[5]).toBe("       |                    ^");
  });

  it("names the nearest field for an unknown one, ignoring accents and case, as one problem", async () => {
    const raw = await sampleBase();
    const prenom = raw.questions[0]!.fields;
    prenom.Libelle = prenom.Libellé; // the required « Libellé » is then missing too: one mistake all the same
    delete prenom.Libellé;
    raw.questions[1]!.fields["numero OBLIGATOIRE"] = true;
    expect(problemsOf(raw)).toEqual([
      "- Table « Questions », enregistrement recQPrenom0000001 (« Prénom »), champ « Libelle » : n'existe pas dans la table « Questions » ; vouliez-vous dire « Libellé » ?",
      "- Table « Questions », enregistrement recQNom000000002 (« Nom »), champ « numero OBLIGATOIRE » : n'existe pas dans la table « Questions » ; vouliez-vous dire « Numéro obligatoire » ?",
    ]);
  });

  it("lists the fields when no known one is near an unknown field", async () => {
    const raw = await sampleBase();
    raw.services[0]!.fields["Notes internes"] = "à relire";
    expect(problemsOf(raw)).toEqual([
      "- Table « Services », enregistrement recSvcRenovation01 (« conseil-renovation »), champ « Notes internes » : n'existe pas dans la table « Services » ; champs possibles : Slug, Titre, Accroche, Problème, Promesse, Bénéfices, Bouton, Publié, Message de confirmation, Image, Texte alternatif de l'image, Ordre, Description, Durée (minutes)",
    ]);
  });

  it("ignores columns of the intrapreneur's own in a base read from Airtable", async () => {
    const raw = await sampleBase();
    delete raw.strictFields; // as lib/airtable reads it: Airtable sends every column of a table
    raw.services[0]!.fields["Notes internes"] = "à relire";
    expect(validateBase(raw).services[0]!.slug).toBe("conseil-renovation");
  });

  it("says to write a link as [\"rec…\"], whether it was written as an id or a name", async () => {
    const raw = await sampleBase();
    raw.questions[0]!.fields.Service = "recSvcRenovation01";
    raw.questions[1]!.fields.Service = "Conseil rénovation";
    expect(problemsOf(raw)).toEqual([
      '- Table « Questions », enregistrement recQPrenom0000001 (« Prénom »), champ « Service » : doit être un lien, écrit entre crochets : ["recSvcRenovation01"]',
      "- Table « Questions », enregistrement recQNom000000002 (« Nom »), champ « Service » : doit être un lien, écrit entre crochets avec l'identifiant de l'enregistrement de la table « Services » (pas son nom) : [\"rec…\"]",
    ]);
  });

  it("says to write a checkbox as true or false", async () => {
    const raw = await sampleBase();
    raw.questions[0]!.fields.Obligatoire = "oui";
    raw.questions[1]!.fields.Obligatoire = "non";
    raw.questions.find((q) => q.id === "recQAdresse00005")!.fields["Numéro obligatoire"] = 1;
    raw.questions[2]!.fields.Obligatoire = "true";
    raw.services[1]!.fields.Publié = "peut-être";
    expect(problemsOf(raw)).toEqual([
      "- Table « Services », enregistrement recSvcDemenagement (« aide-demenagement »), champ « Publié » : doit être une case cochée ou non : écrivez true (cochée) ou false (non cochée), sans guillemets",
      '- Table « Questions », enregistrement recQPrenom0000001 (« Prénom »), champ « Obligatoire » : doit être une case cochée ou non : écrivez true (sans guillemets) au lieu de "oui"',
      '- Table « Questions », enregistrement recQNom000000002 (« Nom »), champ « Obligatoire » : doit être une case cochée ou non : écrivez false (sans guillemets) au lieu de "non"',
      '- Table « Questions », enregistrement recQEmail0000003 (« Adresse e-mail »), champ « Obligatoire » : doit être une case cochée ou non : écrivez true (sans guillemets) au lieu de "true"',
      "- Table « Questions », enregistrement recQAdresse00005 (« Adresse du logement »), champ « Numéro obligatoire » : doit être une case cochée ou non : écrivez true (sans guillemets) au lieu de 1",
    ]);
  });

  it("gives one message for a text left empty or given as a list, and for an image given as a file name", async () => {
    const raw = await sampleBase();
    raw.services[0]!.fields.Slug = "";
    raw.services[0]!.fields.Titre = ["Un titre"];
    raw.services[0]!.fields.Image = "images/maison.png";
    expect(problemsOf(raw)).toEqual([
      "- Table « Services », enregistrement recSvcRenovation01, champ « Slug » : champ obligatoire, il est vide",
      "- Table « Services », enregistrement recSvcRenovation01, champ « Titre » : doit être du texte",
      '- Table « Services », enregistrement recSvcRenovation01, champ « Image » : doit être une pièce jointe (image), écrite [{ "url": "images/maison.png" }]',
    ]);
  });

  it("reads a misspelled field from the files as one problem", async () => {
    const dir = await copyBase();
    const questions = JSON.parse(await readFile(join(dir, "Questions.json"), "utf8"));
    questions.records[0].fields.Obligatoir = questions.records[0].fields.Obligatoire;
    delete questions.records[0].fields.Obligatoire;
    await writeFile(join(dir, "Questions.json"), JSON.stringify(questions, null, 2));
    expect(problemsOf(await readEmbeddedBase(dir))).toEqual([
      "- Table « Questions », enregistrement recQPrenom0000001 (« Prénom »), champ « Obligatoir » : n'existe pas dans la table « Questions » ; vouliez-vous dire « Obligatoire » ?",
    ]);
  });
});

describe("the build", () => {
  it("stops on a bad base with the list of problems", async () => {
    const dir = await copyBase();
    const questions = JSON.parse(await readFile(join(dir, "Questions.json"), "utf8"));
    questions.records[0].fields.Type = "Texte très court";
    await writeFile(join(dir, "Questions.json"), JSON.stringify(questions));
    const run = await buildWithBase(dir);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain("La base contient 1 erreur :");
    expect(run.output).toContain("Table « Questions », enregistrement recQPrenom0000001 (« Prénom »), champ « Type » : la valeur « Texte très court » n'existe pas");
  });

  it("changes the form when a question's label changes in data/, with no code change", async () => {
    const dir = await copyBase();
    const questions = JSON.parse(await readFile(join(dir, "Questions.json"), "utf8"));
    questions.records[0].fields.Libellé = "Votre prénom d'usage";
    await writeFile(join(dir, "Questions.json"), JSON.stringify(questions));
    const run = await buildWithBase(dir);
    expect(run.code, run.output).toBe(0);
    const page = await readFile(join(run.outDir, "conseil-renovation/formulaire/index.html"), "utf8");
    expect(page).toContain("Votre prénom d&#39;usage");
    const published = JSON.parse(await readFile(join(run.buildDir, "forms.json"), "utf8"));
    expect(published.forms["conseil-renovation"].definition.fields[0].label).toBe("Votre prénom d'usage");
  });
});

describe("the question types « Nombre entier », « Montant en euros », « Oui / non » and « Texte d'explication »", () => {
  const question = (raw: RawBase, id: string, fields: Record<string, unknown>) => {
    raw.questions.push({ id, fields: { Service: ["recSvcRenovation01"], Ordre: 50 + raw.questions.length, ...fields } });
  };

  it("applies Minimum and Maximum to whole numbers and amounts, in order", async () => {
    const raw = await sampleBase();
    question(raw, "recQEnfants00101", { Libellé: "Nombre d'enfants", Type: "Nombre entier", Minimum: 0, Maximum: 12 });
    question(raw, "recQLoyer0000102", { Libellé: "Loyer mensuel", Type: "Montant en euros", Minimum: 1, Maximum: 5000.5 });
    const [form] = formDefinitions(validateBase(raw));
    expect(form!.fields.find((f) => f.key === "recQEnfants00101")).toMatchObject({ type: "integer", min: 0, max: 12 });
    expect(form!.fields.find((f) => f.key === "recQLoyer0000102")).toMatchObject({ type: "amount", min: 1, max: 5000.5 });
    raw.questions.at(-1)!.fields.Minimum = 6000;
    expect(problemsOf(raw)).toEqual([
      `- Table « Questions », enregistrement recQLoyer0000102 (« Loyer mensuel »), champ « Minimum » : le minimum (${(6000).toLocaleString("fr-FR")}) doit être inférieur ou égal au maximum (${(5000.5).toLocaleString("fr-FR")})`,
    ]);
  });

  it("refuses Minimum on a « Oui / non » question, naming every type it applies to", async () => {
    const raw = await sampleBase();
    question(raw, "recQProprio00103", { Libellé: "Êtes-vous propriétaire ?", Type: "Oui / non", Obligatoire: true, Minimum: 1 });
    expect(problemsOf(raw)).toEqual([
      "- Table « Questions », enregistrement recQProprio00103 (« Êtes-vous propriétaire ? »), champ « Minimum » : ne s'applique qu'aux questions de type « Nombre », « Nombre entier » ou « Montant en euros » ; videz ce champ ou changez le type",
    ]);
  });

  it("refuses a « Texte d'explication » checked « Obligatoire »: it asks nothing", async () => {
    const raw = await sampleBase();
    question(raw, "recQAvant000104", { Libellé: "Bon à savoir", Aide: "Vos réponses restent confidentielles.", Type: "Texte d'explication", Obligatoire: true });
    expect(problemsOf(raw)).toEqual([
      "- Table « Questions », enregistrement recQAvant000104 (« Bon à savoir »), champ « Obligatoire » : une question de type « Texte d'explication » n'attend pas de réponse, elle ne peut pas être obligatoire ; décochez la case ou changez le type",
    ]);
    raw.questions.at(-1)!.fields.Obligatoire = false;
    const [form] = formDefinitions(validateBase(raw));
    expect(form!.fields.find((f) => f.key === "recQAvant000104")).toMatchObject({ type: "explanation", required: false });
  });

  it("checks a hypothesis's value against « Oui » and « Non » for a « Oui / non » question", async () => {
    const raw = await sampleBase();
    question(raw, "recQProprio00103", { Libellé: "Êtes-vous propriétaire ?", Type: "Oui / non", Obligatoire: true });
    const hypothesis = raw.hypotheses!.find((h) => h.id === "recHypMaisons0002")!;
    hypothesis.fields.Question = ["recQProprio00103"];
    hypothesis.fields.Valeur = "Oui";
    expect(() => validateBase(raw)).not.toThrow();
    hypothesis.fields.Valeur = "Peut-être";
    expect(problemsOf(raw)).toEqual([
      "- Table « Hypothèses », enregistrement recHypMaisons0002 (« La moitié des demandes viennent de propriétaires de maisons »), champ « Valeur » : « Peut-être » n'est pas une réponse proposée par la question « Êtes-vous propriétaire ? » ; réponses : Oui, Non",
    ]);
  });
});

describe("« Date au plus tôt » and « Date au plus tard »: for a « Date » question only, readable, in order", () => {
  const RDV = "recQDateRdv00010";
  const at = "- Table « Questions », enregistrement recQDateRdv00010 (« Date souhaitée pour un premier rendez-vous »)";
  const bounded = async (fields: Record<string, unknown>, id = RDV) => {
    const raw = await sampleBase();
    Object.assign(raw.questions.find((q) => q.id === id)!.fields, fields);
    return raw;
  };
  const accepted = async (fields: Record<string, unknown>) => {
    const raw = await bounded(fields);
    expect(() => validateBase(raw)).not.toThrow();
  };

  it("keeps the bounds as written in the form definition: offsets are resolved when the form is filled in", async () => {
    const [form] = formDefinitions(validateBase(await bounded({ "Date au plus tôt": " aujourd'hui ", "Date au plus tard": "2027-06-30" })));
    expect(form!.fields.find((f) => f.key === RDV)).toMatchObject({ type: "date", earliest: "aujourd'hui", latest: "2027-06-30" });
    const birth = formDefinitions(validateBase(await bounded({ "Date au plus tôt": "-120 ANS", "Date au plus tard": "-18 ans" })))[0]!;
    expect(birth.fields.find((f) => f.key === RDV)).toMatchObject({ earliest: "-120 ANS", latest: "-18 ans" });
    // A day and an offset cross as time goes by (« until 2026-12-31 » closes then, as meant): not a mistake.
    await accepted({ "Date au plus tôt": "aujourd'hui", "Date au plus tard": "2000-01-01" });
    for (const field of form!.fields) {
      if (field.type !== "date") expect(field).not.toHaveProperty("earliest");
    }
  });

  it("refuses a bound on a question of another type", async () => {
    expect(problemsOf(await bounded({ "Date au plus tard": "aujourd'hui" }, "recQFoyer0000008"))).toEqual([
      "- Table « Questions », enregistrement recQFoyer0000008 (« Nombre de personnes dans le foyer »), champ « Date au plus tard » : ne s'applique qu'aux questions de type « Date » ; videz ce champ ou changez le type",
    ]);
  });

  it("says what to write for a bound it cannot read", async () => {
    expect(problemsOf(await bounded({ "Date au plus tôt": "demain", "Date au plus tard": "18 ans" }))).toEqual([
      `${at}, champ « Date au plus tôt » : « demain » n'est pas lisible ; écrivez une date AAAA-MM-JJ (ex. 2026-12-31), aujourd'hui, ou un écart depuis aujourd'hui : +30 jours, +1 mois, -18 ans`,
      `${at}, champ « Date au plus tard » : dit dans quel sens compter : -18 ans (dans le passé) ou +18 ans (dans le futur)`,
    ]);
    expect(problemsOf(await bounded({ "Date au plus tôt": "1/9/2026", "Date au plus tard": "2027-02-29" }))).toEqual([
      `${at}, champ « Date au plus tôt » : doit être écrite AAAA-MM-JJ : 2026-09-01`,
      `${at}, champ « Date au plus tard » : n'est pas une date qui existe`,
    ]);
    expect(problemsOf(await bounded({ "Date au plus tôt": 2026 }))).toEqual([`${at}, champ « Date au plus tôt » : doit être du texte`]);
  });

  it("refuses « au plus tôt » after « au plus tard », two days or two offsets", async () => {
    expect(problemsOf(await bounded({ "Date au plus tôt": "2027-07-01", "Date au plus tard": "2027-06-30" }))).toEqual([
      `${at}, champ « Date au plus tôt » : la date au plus tôt (2027-07-01) tombe après la date au plus tard (2027-06-30) : aucune date ne serait acceptée ; échangez-les ou corrigez l'une des deux`,
    ]);
    // The birth date's bounds swapped: the likeliest mistake.
    expect(problemsOf(await bounded({ "Date au plus tôt": "-18 ans", "Date au plus tard": "-120 ans" }))).toEqual([
      `${at}, champ « Date au plus tôt » : la date au plus tôt (-18 ans) tombe après la date au plus tard (-120 ans) : aucune date ne serait acceptée ; échangez-les ou corrigez l'une des deux`,
    ]);
    expect(problemsOf(await bounded({ "Date au plus tôt": "+1 mois", "Date au plus tard": "+20 jours" }))).toHaveLength(1);
    // One day is a range all the same.
    await accepted({ "Date au plus tôt": "2027-06-30", "Date au plus tard": "2027-06-30" });
    await accepted({ "Date au plus tôt": "+12 mois", "Date au plus tard": "+1 an" });
  });
});
