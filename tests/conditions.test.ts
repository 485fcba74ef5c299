// « Afficher si »: questions asked only when earlier answers call for them. Read and checked at
// build (lib/base/model.ts), evaluated by one function the server and the browser share
// (readForm), and written out for a page without JavaScript (lib/forms/markup.ts).
import { describe, expect, it } from "vitest";
import { validateBase, type RawBase } from "../lib/base/index.ts";
import { formDefinition, type FormDefinition } from "../lib/forms/definitions.ts";
import { conditionHolds, readForm, type Condition, type FieldSpec, type FieldTypeId } from "../lib/forms/field-types.ts";
import { conditionSentence } from "../lib/forms/markup.ts";
import { renderForm } from "../lib/forms/render.ts";
import { validateSubmission } from "../lib/forms/validate.ts";
import { problemsOf, sampleBase } from "./support/base.ts";


/** Sets « Afficher si » on a question of the sample base. */
function showIf(raw: RawBase, id: string, lines: string): void {
  const record = raw.questions.find((q) => q.id === id);
  if (!record) throw new Error(`no question ${id}`);
  record.fields["Afficher si"] = lines;
}

const AT_PIECES = "- Table « Questions », enregistrement recQDemPieces0004 (« Nombre de pièces »), champ « Afficher si » : ";
const AT_PROJET = "- Table « Questions », enregistrement recQProjet000011 (« Votre projet en quelques mots »), champ « Afficher si » : ";

describe("« Afficher si » in the base", () => {
  it("reads each line into a condition on the earlier question's record id, with the answer as the question offers it", async () => {
    const raw = await sampleBase();
    showIf(raw, "recQDemPieces0004", "Serez-vous locataire de votre nouveau logement ? = oui");
    showIf(raw, "recQProjet000011", "Travaux envisagés contient Isolation\n« Type de logement » != « Appartement »\nNombre de personnes dans le foyer ≠ 1");
    const model = validateBase(raw);
    const field = (id: string) => model.services.map((service) => formDefinition(service)).flatMap((form) => form.fields).find((f) => f.key === id);
    expect(field("recQDemPieces0004")?.conditions).toEqual([{ question: "recQDemLocatai002", operator: "equals", value: "Oui" }]);
    expect(field("recQProjet000011")?.conditions).toEqual([
      { question: "recQTravaux00009", operator: "contains", value: "Isolation" },
      { question: "recQLogement0006", operator: "differs", value: "Appartement" },
      { question: "recQFoyer0000008", operator: "differs", value: "1" },
    ]);
    // A question without the field has no conditions at all.
    expect(field("recQDemLocatai002")).not.toHaveProperty("conditions");
  });

  it("names an unknown question and suggests the nearest label", async () => {
    const raw = await sampleBase();
    showIf(raw, "recQDemPieces0004", "Serez-vous locatair de votre nouveau logement = Oui");
    expect(problemsOf(raw)).toEqual([
      `${AT_PIECES}la question « Serez-vous locatair de votre nouveau logement » n'existe pas dans ce service ; vouliez-vous dire « Serez-vous locataire de votre nouveau logement ? » ?`,
    ]);
  });

  it("refuses a question of another service, listing the earlier ones", async () => {
    const raw = await sampleBase();
    showIf(raw, "recQDemPieces0004", "Travaux envisagés contient Isolation");
    expect(problemsOf(raw)).toEqual([
      `${AT_PIECES}la question « Travaux envisagés » n'existe pas dans ce service ; questions précédentes : Comment ça marche, Serez-vous locataire de votre nouveau logement ?, Code postal de votre nouveau logement`,
    ]);
  });

  it("refuses a question that comes later, or the question itself", async () => {
    const raw = await sampleBase();
    showIf(raw, "recQDemLocatai002", "Nombre de pièces = 3\nSerez-vous locataire de votre nouveau logement ? = Oui");
    expect(problemsOf(raw)).toEqual([
      "- Table « Questions », enregistrement recQDemLocatai002 (« Serez-vous locataire de votre nouveau logement ? »), champ « Afficher si » : la question « Nombre de pièces » ne vient pas avant celle-ci (Ordre 40, celle-ci : 20) ; une condition ne porte que sur une question posée avant : changez l'Ordre de l'une des deux",
      "- Table « Questions », enregistrement recQDemLocatai002 (« Serez-vous locataire de votre nouveau logement ? »), champ « Afficher si » : une question ne peut pas dépendre d'elle-même (« Serez-vous locataire de votre nouveau logement ? = Oui »)",
    ]);
  });

  it("refuses an answer a choice question does not offer, saying which it does", async () => {
    const raw = await sampleBase();
    showIf(raw, "recQProjet000011", "Type de logement = Studio");
    showIf(raw, "recQDemPieces0004", "Serez-vous locataire de votre nouveau logement ? = Peut-être");
    expect(problemsOf(raw)).toEqual([
      `${AT_PROJET}« Studio » n'est pas une réponse proposée par la question « Type de logement » ; réponses : Maison individuelle, Appartement`,
      `${AT_PIECES}« Peut-être » n'est pas une réponse proposée par la question « Serez-vous locataire de votre nouveau logement ? » ; réponses : Oui, Non`,
    ]);
  });

  it("keeps « contient » for « Choix multiples »", async () => {
    const raw = await sampleBase();
    showIf(raw, "recQProjet000011", "Type de logement contient Appartement");
    expect(problemsOf(raw)).toEqual([
      `${AT_PROJET}« contient » ne s'applique qu'aux questions de type « Choix multiples » ; « Type de logement » est de type « Choix unique » : écrivez « Type de logement = Appartement »`,
    ]);
  });

  it("says how to write a line it cannot read, with an example", async () => {
    const raw = await sampleBase();
    showIf(raw, "recQProjet000011", "si maison alors oui");
    expect(problemsOf(raw)).toEqual([
      `${AT_PROJET}la ligne « si maison alors oui » n'est pas lisible ; écrivez une condition par ligne : le libellé d'une question précédente, puis = (ou ≠) et une réponse, ou « contient » et une réponse cochée ; ex. « Êtes-vous propriétaire ? = Oui »`,
    ]);
  });

  it("refuses a condition on a text that asks nothing", async () => {
    const raw = await sampleBase();
    showIf(raw, "recQDemPieces0004", "Comment ça marche = Oui");
    expect(problemsOf(raw)).toEqual([`${AT_PIECES}la question « Comment ça marche » est un « Texte d'explication » : elle n'attend pas de réponse`]);
  });
});

// ---------------------------------------------------------------------------------------------

const field = (key: string, type: FieldTypeId, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  key,
  label: `Question ${key}`,
  type,
  required: true,
  options: ["Isolation", "Chauffage", "Fenêtres"],
  ...extra,
});

const when = (question: string, operator: Condition["operator"], value: string): Condition => ({ question, operator, value });

describe("evaluating a condition", () => {
  it("equals, differs and contains, on the answer as parsed", () => {
    expect(conditionHolds(when("a", "equals", "Oui"), "Oui")).toBe(true);
    expect(conditionHolds(when("a", "equals", "Oui"), "Non")).toBe(false);
    expect(conditionHolds(when("a", "equals", "Oui"), null)).toBe(false);
    expect(conditionHolds(when("a", "differs", "Oui"), "Non")).toBe(true);
    expect(conditionHolds(when("a", "differs", "Oui"), null)).toBe(true);
    expect(conditionHolds(when("a", "differs", "Oui"), "Oui")).toBe(false);
    expect(conditionHolds(when("a", "contains", "Isolation"), ["Chauffage", "Isolation"])).toBe(true);
    expect(conditionHolds(when("a", "contains", "Isolation"), ["Chauffage"])).toBe(false);
    // « = » on ticked boxes: that one alone.
    expect(conditionHolds(when("a", "equals", "Isolation"), ["Isolation"])).toBe(true);
    expect(conditionHolds(when("a", "equals", "Isolation"), ["Isolation", "Chauffage"])).toBe(false);
    // Numbers as numbers, a ticked consent as « Oui ».
    expect(conditionHolds(when("a", "equals", "2,5"), 2.5)).toBe(true);
    expect(conditionHolds(when("a", "equals", "Oui"), true)).toBe(true);
    expect(conditionHolds(when("a", "equals", "Oui"), false)).toBe(false);
  });

  const fields = [
    field("a", "yes-no"),
    field("b", "checkboxes", { required: false, conditions: [when("a", "equals", "Oui")] }),
    field("c", "short-text", { conditions: [when("b", "differs", "Fenêtres")] }),
    field("d", "short-text", { conditions: [when("a", "equals", "Oui"), when("b", "contains", "Isolation")] }),
  ];
  const shown = (raw: Record<string, string[]>) => [...readForm(fields, raw).shown].sort();

  it("shows a question when all its conditions hold (« et »)", () => {
    expect(shown({ a: ["Oui"], b: ["Isolation"] })).toEqual(["a", "b", "c", "d"]);
    expect(shown({ a: ["Oui"], b: ["Chauffage"] })).toEqual(["a", "b", "c"]);
    expect(shown({ a: ["Oui"], b: ["Fenêtres"] })).toEqual(["a", "b"]);
  });

  it("hides a question that depends on a hidden one, whatever the operator", () => {
    // b is hidden: c (b ≠ Fenêtres) is hidden too, and b's boxes sent anyway are not read.
    expect(shown({ a: ["Non"], b: ["Isolation"] })).toEqual(["a"]);
    expect(shown({})).toEqual(["a"]);
  });

  it("reads a condition on an answer that does not parse as no answer", () => {
    expect(shown({ a: ["Peut-être"] })).toEqual(["a"]);
  });
});

describe("validateSubmission with « Afficher si »", () => {
  const form: FormDefinition = {
    slug: "s",
    title: "S",
    formPath: "/s/formulaire/",
    action: "/api/submit/s",
    confirmationPath: "/s/merci/",
    fields: [
      field("proprietaire", "yes-no", { label: "Êtes-vous propriétaire ?" }),
      field("surface", "integer", { label: "Surface", conditions: [when("proprietaire", "equals", "Oui")] }),
      field("bail", "short-text", { label: "Date du bail", conditions: [when("surface", "differs", "0")] }),
    ],
  };

  it("neither requires nor stores a hidden question, nor one that depends on it", () => {
    expect(validateSubmission(form, { proprietaire: ["Non"] })).toEqual({ ok: true, values: { proprietaire: "Non" } });
    // Sent anyway (a page without JavaScript shows every question): ignored.
    expect(validateSubmission(form, { proprietaire: ["Non"], surface: ["pas un nombre"], bail: ["2020"] })).toEqual({
      ok: true,
      values: { proprietaire: "Non" },
    });
  });

  it("requires a shown question", () => {
    const result = validateSubmission(form, { proprietaire: ["Oui"] });
    expect(result.ok).toBe(false);
    // An empty surface is not « 0 »: the date of the lease is asked too.
    if (!result.ok) expect(Object.keys(result.errors)).toEqual(["surface", "bail"]);
    expect(validateSubmission(form, { proprietaire: ["Oui"], surface: ["80"], bail: ["2020"] })).toEqual({
      ok: true,
      values: { proprietaire: "Oui", surface: 80, bail: "2020" },
    });
  });

  it("without JavaScript, writes each condition out before the hint", () => {
    const html = renderForm(form);
    expect(html).toContain(
      'Surface <span class="fr-hint-text kit-condition">Si vous avez répondu « Oui » à « Êtes-vous propriétaire ? ».</span>',
    );
    expect(html).toContain("Si vous n&#39;avez pas répondu « 0 » à « Surface ».");
    const both = field("x", "long-text", {
      hint: "Une aide",
      conditions: [when("proprietaire", "equals", "Oui"), when("travaux", "contains", "Isolation")],
    });
    const fields = [...form.fields, field("travaux", "checkboxes", { label: "Travaux" }), both];
    expect(conditionSentence(both, fields)).toBe("Si vous avez répondu « Oui » à « Êtes-vous propriétaire ? » et avez coché « Isolation » à « Travaux ».");
    expect(renderForm({ ...form, fields })).toMatch(/kit-condition">Si vous avez répondu[^<]*<\/span> <span class="fr-hint-text">Une aide/);
    expect(conditionSentence(form.fields[0]!, fields)).toBeUndefined();
  });
});
