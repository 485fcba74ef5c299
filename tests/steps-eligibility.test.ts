// Steps, eligibility and prefill (issue 11), as the base states them and the forms use them:
// « Titre de section » splits a form into steps; « Non éligible si » ends the form at an answer
// and keeps it, marked; « Paramètre d'URL » names the query parameter that prefills a question.
// What the browser does with them is tested in Chromium (tests/e2e.test.ts).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { validateBase, type RawBase } from "../lib/base/index.ts";
import { formDefinition, type FormDefinition } from "../lib/forms/definitions.ts";
import { readForm, type FieldSpec } from "../lib/forms/field-types.ts";
import { renderForm } from "../lib/forms/render.ts";
import { stepsOf } from "../lib/forms/steps.ts";
import { validateSubmission } from "../lib/forms/validate.ts";
import { createSubmitHandler } from "../lib/answers/submit.ts";
import { DiskAnswerStore } from "../lib/answers/store.ts";
import { answersToCsv } from "../lib/answers/export.ts";
import { answerFields, answerRecord, ELIGIBILITY_COLUMN } from "../lib/airtable/answer-sink.ts";
import type { Answer } from "../lib/answers/answer.ts";
import { problemsOf, sampleBase } from "./support/base.ts";
import { VELO_FORM, VELO_KEYS } from "./support/sample.ts";

const VELO = VELO_FORM;
const K = VELO_KEYS;

async function veloForm(edit?: (raw: RawBase) => void): Promise<FormDefinition> {
  const raw = await sampleBase();
  edit?.(raw);
  const model = validateBase(raw);
  const service = model.services.find((s) => s.slug === VELO);
  if (!service) throw new Error("no aide-velo in the sample");
  return formDefinition(service, model.site);
}

function setField(raw: RawBase, id: string, name: string, value: unknown): void {
  const record = raw.questions.find((q) => q.id === id);
  if (!record) throw new Error(`no question ${id}`);
  record.fields[name] = value;
}

const at = (id: string, label: string, field: string) => `- Table « Questions », enregistrement ${id} (« ${label} »), champ « ${field} » : `;

/** The answers of an eligible person who fills the whole form, except what `change` says. */
function answers(change: Record<string, string[]> = {}): Record<string, string[]> {
  return {
    [K.commune]: ["Bondy"],
    [K.income]: ["Moins de 15 000 €"],
    [K.bike]: ["Vélo cargo"],
    [K.children]: ["Oui"],
    [K.price]: ["2 400"],
    [K.date]: ["2026-12-15"],
    [K.firstName]: ["Camille"],
    [K.email]: ["camille@exemple.fr"],
    [K.consent]: ["oui"],
    ...change,
  };
}
const TODAY = { today: "2026-11-30" };

describe("« Non éligible si » and « Paramètre d'URL » in the base", () => {
  it("reads the rules on the question's own answers, as the question offers them, and the message by paragraph", async () => {
    const form = await veloForm((raw) => setField(raw, K.income, "Non éligible si", "plus de 25 000 €\n≠ Moins de 15 000 €"));
    const income = form.fields.find((f) => f.key === K.income);
    expect(income?.ineligibleIf).toEqual([
      { operator: "equals", value: "Plus de 25 000 €" },
      { operator: "differs", value: "Moins de 15 000 €" },
    ]);
    expect(income?.ineligibleMessage).toHaveLength(2);
    expect(form.fields.find((f) => f.key === K.bike)?.prefill).toBe("velo");
    expect(form.fields.find((f) => f.key === K.price)).not.toHaveProperty("ineligibleIf");
  });

  it("names each mistake with the table, the record and the field", async () => {
    const raw = await sampleBase();
    setField(raw, K.income, "Non éligible si", "= Plus de 30 000 €");
    setField(raw, K.bike, "Non éligible si", "contient Vélo cargo");
    setField(raw, K.price, "Message si non éligible", "Désolé.");
    setField(raw, K.email, "Paramètre d'URL", "Courriel");
    setField(raw, K.firstName, "Paramètre d'URL", "utm_prenom");
    setField(raw, K.consent, "Paramètre d'URL", "velo");
    setField(raw, K.intro, "Paramètre d'URL", "intro");
    expect(problemsOf(raw)).toEqual([
      `${at(K.intro, "Avant de commencer", "Paramètre d'URL")}une question de type « Texte d'explication » n'attend pas de réponse ; videz ce champ ou changez le type`,
      `${at(K.income, "Revenu fiscal de référence par part de votre foyer", "Non éligible si")}« Plus de 30 000 € » n'est pas une réponse proposée par cette question ; réponses : Moins de 15 000 €, De 15 000 à 25 000 €, Plus de 25 000 €`,
      `${at(K.bike, "Quel vélo voulez-vous acheter ?", "Non éligible si")}« contient » ne s'applique qu'aux questions de type « Choix multiples » ; celle-ci est de type « Choix unique » : écrivez « = Vélo cargo »`,
      `${at(K.price, "Prix d'achat prévu", "Message si non éligible")}ce message n'est lu que si « Non éligible si » est rempli ; remplissez-le ou videz ce champ`,
      `${at(K.firstName, "Prénom", "Paramètre d'URL")}« utm_prenom » est réservé à la mesure des visites (ref, utm_…) ; choisissez un autre nom`,
      `${at(K.email, "Adresse e-mail", "Paramètre d'URL")}« Courriel » ne peut pas être un paramètre d'URL : des minuscules sans accent, des chiffres et _, 30 au plus, en commençant par une lettre (ex. commune)`,
      `${at(K.consent, "J'accepte que mes réponses soient utilisées pour étudier ma demande", "Paramètre d'URL")}le paramètre « velo » est déjà celui de la question « Quel vélo voulez-vous acheter ? » du même service`,
    ]);
  });
});

describe("eligibility when an answer is read", () => {
  it("ends the form at the answer that makes the person not eligible: what follows is neither required nor stored", async () => {
    const form = await veloForm();
    const raw = { [K.commune]: ["Bondy"], [K.income]: ["Plus de 25 000 €"], [K.price]: ["12"], [K.firstName]: ["Camille"] };
    const reading = readForm(form.fields, raw, TODAY);
    expect(reading.ineligible).toBe(K.income);
    expect([...reading.shown]).toEqual([K.intro, K.situation, K.commune, K.income]);
    // The price out of range and the missing e-mail are not errors: those questions were not asked.
    const result = validateSubmission(form, raw, TODAY);
    expect(result).toMatchObject({ ok: true, values: { [K.income]: "Plus de 25 000 €" }, ineligible: K.income });
    expect(result.ok && Object.keys(result.values).sort()).toEqual([K.commune, K.income].sort());
  });

  it("asks everything of an eligible person, and an empty answer never makes one ineligible", async () => {
    const form = await veloForm((raw) => setField(raw, K.firstName, "Non éligible si", "≠ Camille"));
    const eligible = validateSubmission(form, answers(), TODAY);
    expect(eligible.ok && eligible.ineligible).toBe(undefined);
    const result = validateSubmission(form, answers({ [K.firstName]: [""] }), TODAY);
    expect(result).toEqual({ ok: false, errors: { [K.firstName]: "Ce champ est obligatoire : renseignez « Prénom »." } });
    const other = validateSubmission(form, answers({ [K.firstName]: ["Dominique"] }), TODAY);
    expect(other.ok && other.ineligible).toBe(K.firstName);
  });

  it("a question hidden by « Afficher si » cannot make anyone ineligible", async () => {
    const form = await veloForm((raw) => setField(raw, K.children, "Non éligible si", "= Non"));
    const result = validateSubmission(form, answers({ [K.bike]: ["Vélo classique"], [K.children]: ["Non"] }), TODAY);
    expect(result.ok && result.ineligible).toBe(undefined);
    expect(result.ok && result.values[K.children]).toBe(undefined);
  });
});

describe("the submit function and eligibility", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "kit-eligibility-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps an answer that is not eligible, marked so, with only the questions asked", async () => {
    const form = await veloForm();
    const store = new DiskAnswerStore(dir);
    const handler = createSubmitHandler({
      forms: { builtAt: "", forms: { [VELO]: { definition: form, page: { before: "<title>F</title><!-- kit:form -->", after: "<!-- /kit:form -->" } } } },
      store,
      now: () => Date.parse("2026-11-30T10:00:00Z"),
    });
    const body = new URLSearchParams({ [K.commune]: "Bondy", [K.income]: "Plus de 25 000 €", [K.price]: "abc", _instance: "a".repeat(22) });
    const response = await handler(
      new Request(`http://localhost/api/submit/${VELO}`, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } }),
    );
    expect(response.status).toBe(303);
    const { answers: stored } = await store.scan(VELO);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ values: { [K.income]: "Plus de 25 000 €" }, ineligible: { question: K.income } });
    expect(Object.keys(stored[0]!.values).sort()).toEqual([K.commune, K.income].sort());
  });
});

describe("an answer's eligibility where the intrapreneur reads answers", () => {
  const answer = (id: string, ineligible?: string): Answer => ({
    id,
    form: VELO,
    submittedAt: "2026-11-30T10:00:00.000Z",
    source: "web",
    values: { [K.income]: ineligible ? "Plus de 25 000 €" : "Moins de 15 000 €" },
    ...(ineligible ? { ineligible: { question: ineligible } } : {}),
  });

  it("the CSV export has an « Éligibilité » column naming the question that ended the form", async () => {
    const form = await veloForm();
    const [header, eligible, ineligible] = answersToCsv(form, [answer("a".repeat(24)), answer("b".repeat(24), K.income)]).replace(/^\uFEFF/, "").split("\r\n");
    const column = header!.split(";").indexOf("Éligibilité");
    expect(column).toBeGreaterThan(0);
    expect(eligible!.split(";")[column]).toBe("Éligible");
    expect(ineligible!.split(";")[column]).toBe("Non éligible (Revenu fiscal de référence par part de votre foyer)");
    // A form without the rule has no such column.
    const raw = await sampleBase();
    const renovation = formDefinition(validateBase(raw).services.find((s) => s.slug === "conseil-renovation")!);
    expect(answersToCsv(renovation, [])).not.toContain("Éligibilité");
  });

  it("Airtable gets an « Éligibilité » column, created by setup for forms that have the rule", async () => {
    const form = await veloForm();
    expect(answerRecord(answer("c".repeat(24), K.income), form)[ELIGIBILITY_COLUMN]).toBe("Non éligible");
    expect(answerRecord(answer("d".repeat(24)), form)[ELIGIBILITY_COLUMN]).toBe("Éligible");
    expect(answerFields([form]).map((f) => f.name)).toContain(ELIGIBILITY_COLUMN);
    const renovation = formDefinition(validateBase(await sampleBase()).services.find((s) => s.slug === "conseil-renovation")!);
    expect(answerFields([renovation]).map((f) => f.name)).not.toContain(ELIGIBILITY_COLUMN);
    expect(answerRecord(answer("e".repeat(24)), renovation)).not.toHaveProperty(ELIGIBILITY_COLUMN);
  });
});

describe("steps", () => {
  const field = (key: string, type: FieldSpec["type"]): FieldSpec => ({ key, type, label: key, required: false, options: [] });

  it("starts a step at each section; an introduction alone opens the first step, questions alone make their own", () => {
    const keys = (fields: FieldSpec[]) => stepsOf(fields).map((step) => step.fields.map((f) => f.key));
    expect(keys([field("intro", "explanation"), field("s1", "section"), field("a", "short-text"), field("s2", "section"), field("b", "email")])).toEqual([
      ["intro", "s1", "a"],
      ["s2", "b"],
    ]);
    expect(keys([field("a", "short-text"), field("s1", "section"), field("b", "email")])).toEqual([["a"], ["s1", "b"]]);
    expect(keys([field("a", "short-text"), field("b", "email")])).toEqual([["a", "b"]]);
  });

  it("without JavaScript, the form is one page with its sections as headings; the stepper and step buttons wait hidden", async () => {
    const html = renderForm(await veloForm());
    expect(html.match(/data-kit-step="\d"/g)).toEqual(['data-kit-step="0"', 'data-kit-step="1"', 'data-kit-step="2"']);
    expect(html).toMatch(/<div class="fr-stepper" id="kit-stepper" hidden>/);
    expect(html).toContain("Étape 1 sur 3");
    expect(html).toMatch(/<button class="fr-btn fr-btn--secondary" type="button" id="kit-step-previous" hidden>Précédent<\/button>/);
    expect(html).toMatch(/<button class="fr-btn" type="submit" id="kit-submit">Envoyer mes réponses<\/button>/);
    for (const title of ["Votre situation", "Votre projet", "Vos coordonnées"]) expect(html).toMatch(new RegExp(`<h2[^>]*kit-section__title[^>]*>${title}</h2>`));
    // The rule is written out at its question; the alert is for the page's script to show.
    expect(html).toContain("Si vous répondez « Plus de 25 000 € », vous n'êtes pas éligible à ce service");
    expect(html).toMatch(/<div class="fr-alert fr-alert--warning fr-mb-3w" hidden>/);
    expect(html).toContain('<a href="https://www.service-public.fr/particuliers/vosdroits/F36828"');
  });

  it("a form without sections has no stepper and no step buttons", async () => {
    const raw = await sampleBase();
    const service = validateBase(raw).services.find((s) => s.slug === "conseil-renovation");
    const html = renderForm(formDefinition(service!));
    expect(html).not.toContain("data-kit-step");
    expect(html).not.toContain("fr-stepper");
    expect(html).not.toContain("kit-step-next");
  });
});
