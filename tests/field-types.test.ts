import { describe, expect, it } from "vitest";
import {
  banIdKind,
  FIELD_TYPE_IDS,
  FIELD_TYPES,
  fieldType,
  formatNumber,
  formatAmount,
  HOUSE_NUMBER_REQUIRED,
  takesAnswer,
  validSiret,
  type FieldSpec,
  type FieldTypeId,
  type RawFields,
} from "../lib/forms/field-types.ts";
import { dateBounds, FIELD_PARSERS } from "../lib/forms/parse.ts";
import { parisDay, readDateBound, resolveDateBound } from "../lib/vocabulary/index.ts";
import { FIELD_CONTROLS } from "../lib/forms/controls.ts";
import { answerCell, FIELD_CELLS, type Cell } from "../lib/forms/cells.ts";
import { FIELD_MARKUP, renderField } from "../lib/forms/markup.ts";
import { AIRTABLE_COLUMNS, airtableColumn, airtableValue } from "../lib/airtable/columns.ts";
import { renderForm } from "../lib/forms/render.ts";
import { validateSubmission } from "../lib/forms/validate.ts";
import type { FormDefinition } from "../lib/forms/definitions.ts";

const spec = (type: FieldTypeId, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  key: `rec${type.replace(/-/g, "")}`,
  label: `Question ${type}`,
  type,
  required: true,
  options: ["Oui", "Non", "Peut-être"],
  ...extra,
});

const parse = (type: FieldTypeId, values: string[], extra: Partial<FieldSpec> = {}) => {
  const field = spec(type, extra);
  return fieldType(type).parse(field, { [field.key]: values });
};

// Every type but the explanation, which asks nothing (tested on its own below).
const ANSWERED = FIELD_TYPE_IDS.filter((type) => FIELD_TYPES[type].answered);

describe("every field type", () => {
  it("every type but « Texte d'explication » takes an answer", () => {
    expect(FIELD_TYPE_IDS.filter((type) => !takesAnswer({ type }))).toEqual(["explanation", "section"]);
  });

  it.each(ANSWERED)("%s: renders DSFR markup with its name, label link and messages region", (type) => {
    const field = spec(type, { hint: "Une aide" });
    const html = renderField(field);
    expect(html).toContain(`name="${field.key}"`);
    expect(html).toContain(`data-kit-field="${field.key}"`);
    expect(html).toContain(`id="q-${field.key}-messages"`);
    // A type may add a sentence of its own after the question's hint (a range, a unit).
    expect(html).toContain('<span class="fr-hint-text">Une aide');
    expect(html).toContain(`id="${fieldType(type).focusId(field)}"`);
    expect(html).not.toContain("fr-message--error");
  });

  it.each(ANSWERED)("%s: renders the error state and keeps the submitted value", (type) => {
    const field = spec(type);
    // « Département » and « Région » offer the State's lists, whatever the question's Options.
    const listed = { department: "93 – Seine-Saint-Denis", region: "Bretagne" } as Partial<Record<FieldTypeId, string>>;
    const value = type === "radio" || type === "checkboxes" || type === "select" || type === "yes-no" ? "Non" : (listed[type] ?? "valeur <saisie>");
    const html = renderField(field, { raw: { [field.key]: [value] }, error: "Message d'erreur" });
    expect(html).toMatch(/fr-(input-group|fieldset|select-group|checkbox-group)--error/);
    expect(html).toContain("Message d&#39;erreur");
    expect(html).toContain('aria-invalid="true"');
    if (type === "radio" || type === "checkboxes" || type === "yes-no") expect(html).toMatch(/value="Non" checked/);
    else if (type === "select" || listed[type]) expect(html).toContain(`<option value="${value}" selected>`);
    else if (type === "consent") expect(html).toMatch(/value="oui" checked/);
    else expect(html).toContain("valeur &lt;saisie&gt;");
  });

  it.each(ANSWERED)("%s: refuses an empty required answer and accepts an empty optional one", (type) => {
    const required = parse(type, []);
    expect(required.ok).toBe(false);
    if (!required.ok) expect(required.error).toMatch(/Question|obligatoire/);
    const optional = parse(type, [], { required: false });
    expect(optional).toEqual({ ok: true, value: type === "consent" ? false : null });
  });

  it("marks optional fields and states the HTML validation attributes", () => {
    expect(renderField(spec("short-text", { required: false }))).toContain("(facultatif)");
    expect(fieldType("short-text").attributes(spec("short-text"))).toMatchObject({ type: "text", required: true, maxlength: 200 });
    expect(fieldType("email").attributes(spec("email"))).toMatchObject({ type: "email", autocomplete: "email" });
    expect(fieldType("phone").attributes(spec("phone"))).toMatchObject({ type: "tel", autocomplete: "tel" });
    expect(fieldType("number").attributes(spec("number"))).toMatchObject({ inputmode: "decimal" });
    expect(fieldType("date").attributes(spec("date"))).toMatchObject({ type: "date" });
    expect(fieldType("radio").attributes(spec("radio"))).toMatchObject({ type: "radio", required: true });
    // "at least one checkbox" cannot be said in HTML: the server checks it.
    expect(fieldType("checkboxes").attributes(spec("checkboxes"))).toMatchObject({ type: "checkbox", required: false });
    expect(fieldType("address").attributes(spec("address"))).toMatchObject({ autocomplete: "street-address" });
    expect(renderField(spec("short-text", { autocomplete: "given-name" }))).toContain('autocomplete="given-name"');
  });
});

describe("a type of field has its entry in every part", () => {
  // A type of field is an id of the vocabulary (lib/vocabulary) and one entry in each map below.
  // Each map is declared `satisfies Record<FieldTypeId, …>`, so a type added to the vocabulary does
  // not compile (tsc, in npm test) until every map has its entry, and a map cannot keep an entry for
  // a type that no longer exists. FIELD_TYPES is assembled from the parts at run time: checked here.
  const parts = { FIELD_TYPES, FIELD_PARSERS, FIELD_CONTROLS, FIELD_MARKUP, FIELD_CELLS, AIRTABLE_COLUMNS };

  it.each(Object.entries(parts))("%s has exactly the vocabulary's ids", (_name, map) => {
    expect(Object.keys(map).sort()).toEqual([...FIELD_TYPE_IDS].sort());
  });

  it("a part missing a type's entry is a compile error", () => {
    const { address: _address, ...withoutAddress } = FIELD_CELLS;
    // @ts-expect-error Property 'address' is missing: if this line ever compiles, `satisfies` no longer guards the maps.
    void (withoutAddress satisfies Record<FieldTypeId, Cell>);
    expect(Object.keys(withoutAddress)).toHaveLength(FIELD_TYPE_IDS.length - 1);
  });

  it("Airtable: a column per type, the address as its label", () => {
    expect(airtableColumn(spec("address"))).toEqual({ type: "singleLineText" });
    expect(airtableValue(spec("address"), { label: "1 Rue Baudin 93140 Bondy", id: "x" })).toBe("1 Rue Baudin 93140 Bondy");
    expect(airtableColumn(spec("checkboxes"))).toEqual({
      type: "multipleSelects",
      options: { choices: [{ name: "Oui" }, { name: "Non" }, { name: "Peut-être" }] },
    });
    expect(airtableColumn(spec("radio")).type).toBe("singleSelect");
    expect(airtableValue(spec("checkboxes"), ["Oui"])).toEqual(["Oui"]);
  });
});

describe("validators", () => {
  it("short and long text: trimmed, length-limited", () => {
    expect(parse("short-text", ["  Camille  "])).toEqual({ ok: true, value: "Camille" });
    expect(parse("short-text", ["x".repeat(201)]).ok).toBe(false);
    expect(parse("long-text", ["ligne 1\nligne 2"])).toEqual({ ok: true, value: "ligne 1\nligne 2" });
    expect(parse("long-text", ["x".repeat(5001)]).ok).toBe(false);
  });

  it("e-mail", () => {
    expect(parse("email", ["camille.dupont@exemple.fr"])).toEqual({ ok: true, value: "camille.dupont@exemple.fr" });
    for (const bad of ["camille", "camille@", "camille@exemple", "a b@exemple.fr", "<a>@x.fr"]) {
      expect(parse("email", [bad])).toEqual({ ok: false, error: "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr." });
    }
  });

  it("phone: French and international numbers, normalised", () => {
    expect(parse("phone", ["06 12 34 56 78"])).toEqual({ ok: true, value: "0612345678" });
    expect(parse("phone", ["+33 6.12.34.56.78"])).toEqual({ ok: true, value: "+33612345678" });
    expect(parse("phone", ["0033612345678"])).toEqual({ ok: true, value: "+33612345678" });
    for (const bad of ["12345", "06 12 34 56", "phone", "0012"]) expect(parse("phone", [bad]).ok).toBe(false);
  });

  it("number: comma or point decimals", () => {
    expect(parse("number", ["4"])).toEqual({ ok: true, value: 4 });
    expect(parse("number", ["2,5"])).toEqual({ ok: true, value: 2.5 });
    expect(parse("number", ["-3.25"])).toEqual({ ok: true, value: -3.25 });
    for (const bad of ["quatre", "1,2,3", "1e5", ""]) expect(parse("number", [bad]).ok).toBe(false);
  });

  it("number: 15 significant digits at most, so that what is stored is what was typed", () => {
    const tooLong = { ok: false, error: "Saisissez un nombre de 15 chiffres au plus." };
    // 400 digits made Infinity, which JSON stores as null: a required answer stored empty.
    expect(parse("number", ["9".repeat(400)])).toEqual(tooLong);
    expect(parse("number", ["-" + "1".repeat(400)])).toEqual(tooLong);
    expect(parse("number", ["1234567890123456"])).toEqual(tooLong);
    expect(parse("number", ["0,1234567890123456"])).toEqual(tooLong);
    expect(parse("number", ["123 456 789 012 345"])).toEqual({ ok: true, value: 123456789012345 });
    expect(parse("number", ["000012,5000000000000000"])).toEqual({ ok: true, value: 12.5 });
    expect(parse("number", ["-0"])).toEqual({ ok: true, value: 0 });
    expect(Object.is((parse("number", ["-0"]) as { value: number }).value, 0)).toBe(true);
  });

  it("number: within the question's Minimum and Maximum, said in French", () => {
    const household = { min: 1, max: 20 };
    expect(parse("number", ["-2"], household)).toEqual({ ok: false, error: "Saisissez un nombre entre 1 et 20." });
    expect(parse("number", ["0"], household)).toEqual({ ok: false, error: "Saisissez un nombre entre 1 et 20." });
    expect(parse("number", ["21"], household)).toEqual({ ok: false, error: "Saisissez un nombre entre 1 et 20." });
    expect(parse("number", ["1"], household)).toEqual({ ok: true, value: 1 });
    expect(parse("number", ["20"], household)).toEqual({ ok: true, value: 20 });
    expect(parse("number", ["-2"], { min: 0 })).toEqual({ ok: false, error: "Saisissez un nombre supérieur ou égal à 0." });
    expect(parse("number", ["2,75"], { max: 2.5 })).toEqual({ ok: false, error: "Saisissez un nombre inférieur ou égal à 2,5." });
    expect(parse("number", ["2,5"], { max: 2.5 })).toEqual({ ok: true, value: 2.5 });
    expect(parse("number", ["1500"], { min: 0.5, max: 1000 })).toEqual({ ok: false, error: `Saisissez un nombre entre 0,5 et ${formatNumber(1000)}.` });
    expect(formatNumber(1234.5)).toMatch(/^1\s234,5$/);
    // An optional number left empty stays unanswered, whatever its range.
    expect(parse("number", [""], { ...household, required: false })).toEqual({ ok: true, value: null });
  });

  it("number: the range is in the hint, not in attributes that would bring the browser's bubbles", () => {
    const field = spec("number", { hint: "Vous compris.", min: 1, max: 20 });
    const html = renderField(field);
    expect(html).toContain('<span class="fr-hint-text">Vous compris. Nombre entre 1 et 20.</span>');
    expect(html).not.toMatch(/\s(min|max|pattern)=/);
    expect(html).toContain('inputmode="decimal"');
    expect(renderField(spec("number", { min: 0 }))).toContain('<span class="fr-hint-text">Nombre supérieur ou égal à 0.</span>');
    expect(renderField(spec("number"))).not.toContain("fr-hint-text");
  });

  it("number: a required answer is never stored empty", () => {
    const form: FormDefinition = {
      slug: "n",
      title: "N",
      formPath: "/n/formulaire/",
      action: "/api/submit/n",
      confirmationPath: "/n/merci/",
      fields: [spec("number", { min: 1, max: 20 })],
    };
    for (const value of ["9".repeat(400), "1e999", "Infinity", "NaN", "-2"]) {
      expect(validateSubmission(form, { recnumber: [value] }).ok, value).toBe(false);
    }
    const accepted = validateSubmission(form, { recnumber: ["3"] });
    expect(JSON.parse(JSON.stringify(accepted))).toEqual({ ok: true, values: { recnumber: 3 } });
  });

  it("a question « Afficher si » hides is not required, and what is sent under its name is dropped", () => {
    const form: FormDefinition = {
      slug: "c",
      title: "C",
      formPath: "/c/formulaire/",
      action: "/api/submit/c",
      confirmationPath: "/c/merci/",
      fields: [spec("yes-no"), spec("number", { conditions: [{ question: "recyesno", operator: "equals", value: "Oui" }] })],
    };
    expect(validateSubmission(form, { recyesno: ["Non"], recnumber: ["abc"] })).toEqual({ ok: true, values: { recyesno: "Non" } });
    expect(validateSubmission(form, { recyesno: ["Oui"] }).ok).toBe(false);
    expect(validateSubmission(form, { recyesno: ["Oui"], recnumber: ["4"] })).toEqual({ ok: true, values: { recyesno: "Oui", recnumber: 4 } });
  });

  it("date: ISO from a date input or French typed by hand, real calendar days only", () => {
    expect(parse("date", ["2027-03-15"])).toEqual({ ok: true, value: "2027-03-15" });
    expect(parse("date", ["5/3/2027"])).toEqual({ ok: true, value: "2027-03-05" });
    for (const bad of ["2027-02-30", "31/04/2027", "demain", "2027-13-01"]) expect(parse("date", [bad]).ok).toBe(false);
  });

  it("choices: only the options offered, one for radio and select, several for checkboxes", () => {
    expect(parse("radio", ["Oui"])).toEqual({ ok: true, value: "Oui" });
    expect(parse("radio", ["Oui", "Non"]).ok).toBe(false);
    expect(parse("radio", ["Jamais"])).toEqual({ ok: false, error: "Choisissez parmi les réponses proposées." });
    expect(parse("select", ["Peut-être"])).toEqual({ ok: true, value: "Peut-être" });
    expect(parse("select", ["Autre"]).ok).toBe(false);
    expect(parse("checkboxes", ["Oui", "Non", "Oui"])).toEqual({ ok: true, value: ["Oui", "Non"] });
    expect(parse("checkboxes", ["Oui", "Autre"]).ok).toBe(false);
    expect(parse("checkboxes", [])).toEqual({ ok: false, error: "Cochez au moins une réponse pour « Question checkboxes »." });
  });

  it("consent: must be checked when required", () => {
    expect(parse("consent", ["oui"])).toEqual({ ok: true, value: true });
    expect(parse("consent", ["false"]).ok).toBe(false);
    expect(parse("consent", [], { required: false })).toEqual({ ok: true, value: false });
  });

  it("address: the label, with the BAN id when one was chosen in the list", () => {
    const field = spec("address");
    const raw: RawFields = { [field.key]: ["12 Rue Baudin 93140 Bondy"], [`${field.key}__id`]: ["93010_0620_00012"] };
    expect(fieldType("address").parse(field, raw)).toEqual({ ok: true, value: { label: "12 Rue Baudin 93140 Bondy", id: "93010_0620_00012" } });
    expect(fieldType("address").parse(field, { ...raw, [`${field.key}__id`]: ["../etc/passwd"] })).toEqual({
      ok: true,
      value: { label: "12 Rue Baudin 93140 Bondy" },
    });
  });

  it("address: a BAN id designates a house number, a street (or lieu-dit) or a commune", () => {
    expect(banIdKind("93010_0620_00055")).toBe("housenumber");
    expect(banIdKind("93010_5170_00046_bis")).toBe("housenumber");
    expect(banIdKind("2a004_tt7py3_00001")).toBe("housenumber");
    expect(banIdKind("93010_0620")).toBe("street");
    expect(banIdKind("93010")).toBe("municipality");
    expect(banIdKind("rue-baudin")).toBeUndefined();
    expect(banIdKind("93010__0620")).toBeUndefined();
  });

  it("address: with « Numéro obligatoire », a street chosen in the list is refused", () => {
    const field = spec("address", { requireHouseNumber: true });
    const chosen = (label: string, id: string) => fieldType("address").parse(field, { [field.key]: [label], [`${field.key}__id`]: [id] });
    expect(chosen("Rue Baudin 93140 Bondy", "93010_0620")).toEqual({ ok: false, error: HOUSE_NUMBER_REQUIRED });
    expect(chosen("Bondy", "93010")).toEqual({ ok: false, error: HOUSE_NUMBER_REQUIRED });
    expect(chosen("55 Rue Baudin 93140 Bondy", "93010_0620_00055")).toEqual({ ok: true, value: { label: "55 Rue Baudin 93140 Bondy", id: "93010_0620_00055" } });
    expect(chosen("46 bis Rue Blanqui 93140 Bondy", "93010_5170_00046_bis").ok).toBe(true);
    // Typed without choosing in the list: the submit function checks it against the address index.
    expect(fieldType("address").parse(field, { [field.key]: ["Rue Baudin 93140 Bondy"] })).toEqual({ ok: true, value: { label: "Rue Baudin 93140 Bondy" } });
    // Without the column, a street is an answer like any other.
    expect(parse("address", ["Rue Baudin 93140 Bondy"]).ok).toBe(true);
    expect(fieldType("address").parse(spec("address"), { recaddress: ["Rue Baudin 93140 Bondy"], recaddress__id: ["93010_0620"] })).toEqual({
      ok: true,
      value: { label: "Rue Baudin 93140 Bondy", id: "93010_0620" },
    });
    expect(HOUSE_NUMBER_REQUIRED).toMatch(/numéro/);
  });

  it("cells: one spreadsheet cell per answer", () => {
    expect(answerCell("checkboxes", ["Isolation", "Chauffage"])).toBe("Isolation ; Chauffage");
    expect(answerCell("consent", true)).toBe("Oui");
    expect(answerCell("number", 2.5)).toBe("2,5");
    expect(answerCell("address", { label: "1 Rue Baudin 93140 Bondy", id: "x" })).toBe("1 Rue Baudin 93140 Bondy");
  });
});

describe("a whole form", () => {
  const form: FormDefinition = {
    slug: "test",
    title: "Test",
    formPath: "/test/formulaire/",
    action: "/api/submit/test",
    confirmationPath: "/test/merci/",
    fields: [spec("short-text"), spec("email"), spec("checkboxes", { required: false })],
  };

  it("collects every error, keyed by field", () => {
    const result = validateSubmission(form, { recemail: ["nope"] });
    expect(result).toEqual({
      ok: false,
      errors: {
        recshorttext: "Ce champ est obligatoire : renseignez « Question short-text ».",
        recemail: "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
      },
    });
  });

  it("returns the parsed values, leaving unanswered optional questions out", () => {
    expect(validateSubmission(form, { recshorttext: ["Camille"], recemail: ["c@exemple.fr"] })).toEqual({
      ok: true,
      values: { recshorttext: "Camille", recemail: "c@exemple.fr" },
    });
  });

  it("renders an error summary linking to each field, and escapes the definition", () => {
    const html = renderForm({ ...form, title: "</script><script>alert(1)</script>" }, { errors: { recemail: "Adresse invalide" } });
    expect(html).toContain('<h2 class="fr-alert__title">Le formulaire contient 1 erreur</h2>');
    expect(html).toContain('<a href="#q-recemail">Question email : Adresse invalide</a>');
    expect(html).not.toContain("</script><script>alert(1)");
    expect(html).toContain('action="/api/submit/test"');
    expect(html).toContain('name="site_web"');
  });

  it("leaves validation to the kit, not the browser's bubbles, and keeps required for assistive technology", () => {
    const html = renderForm(form);
    expect(html).toMatch(/<form [^>]*\bnovalidate\b[^>]*>/);
    expect(html).toMatch(/<input [^>]*name="recshorttext"[^>]* required[ >]/);
    expect(html).toMatch(/<input [^>]*name="recemail"[^>]* required[ >]/);
  });
});

describe("« Oui / non »", () => {
  // The question's Options are not its answers: « Oui / non » offers its own two.
  const field = spec("yes-no", { options: ["Peut-être"] });

  it("offers « Oui » and « Non » side by side, as a DSFR inline radio fieldset", () => {
    const html = renderField(field);
    expect(html).toMatch(/^<fieldset class="fr-fieldset" id="q-recyesno" aria-labelledby="q-recyesno-legend q-recyesno-messages"/);
    expect(html.match(/<div class="fr-fieldset__element fr-fieldset__element--inline">\n<div class="fr-radio-group">/g)).toHaveLength(2);
    expect(html).toContain('<input id="q-recyesno-1" name="recyesno" value="Oui" type="radio" required>\n<label class="fr-label" for="q-recyesno-1">Oui</label>');
    expect(html).toContain('<input id="q-recyesno-2" name="recyesno" value="Non" type="radio" required>\n<label class="fr-label" for="q-recyesno-2">Non</label>');
    expect(html).not.toContain("Peut-être");
    expect(fieldType("yes-no").focusId(field)).toBe("q-recyesno-1");
  });

  it("stores « Oui » or « Non »; required, one of them must be chosen", () => {
    const answer = (values: string[], extra: Partial<FieldSpec> = {}) => fieldType("yes-no").parse({ ...field, ...extra }, { recyesno: values });
    expect(answer(["Oui"])).toEqual({ ok: true, value: "Oui" });
    expect(answer([" Non "])).toEqual({ ok: true, value: "Non" });
    expect(answer([])).toEqual({ ok: false, error: "Choisissez une réponse pour « Question yes-no »." });
    expect(answer(["Peut-être"])).toEqual({ ok: false, error: "Choisissez parmi les réponses proposées." });
    expect(answer(["oui"])).toEqual({ ok: false, error: "Choisissez parmi les réponses proposées." });
    expect(answer(["Oui", "Non"]).ok).toBe(false);
    expect(answer([], { required: false })).toEqual({ ok: true, value: null });
  });

  it("is a cell of text and an Airtable single select of the two answers", () => {
    expect(answerCell("yes-no", "Non")).toBe("Non");
    expect(airtableColumn(field)).toEqual({ type: "singleSelect", options: { choices: [{ name: "Oui" }, { name: "Non" }] } });
    expect(airtableValue(field, "Oui")).toBe("Oui");
  });
});

describe("« Code postal »", () => {
  it("accepts French postcodes, 01000 to 98899, spaces removed", () => {
    for (const [typed, stored] of [["93140", "93140"], [" 93 140 ", "93140"], ["01000", "01000"], ["20000", "20000"], ["97400", "97400"], ["98899", "98899"]]) {
      expect(parse("postal-code", [typed!]), typed).toEqual({ ok: true, value: stored });
    }
  });

  it("refuses what is not 5 digits, and codes no French commune has", () => {
    const format = { ok: false, error: "Saisissez un code postal de 5 chiffres, par exemple 93140." };
    for (const bad of ["9314", "931400", "93-140", "AB123", "93140a"]) expect(parse("postal-code", [bad]), bad).toEqual(format);
    const unknown = { ok: false, error: "Ce code postal n'existe pas : vérifiez les 5 chiffres." };
    for (const bad of ["00000", "00950", "98900", "99999"]) expect(parse("postal-code", [bad]), bad).toEqual(unknown);
  });

  it("asks the browser for a postcode and a numeric keypad", () => {
    expect(fieldType("postal-code").attributes(spec("postal-code"))).toMatchObject({ type: "text", autocomplete: "postal-code", inputmode: "numeric" });
    const html = renderField(spec("postal-code"));
    expect(html).toMatch(/<input class="fr-input" id="q-recpostalcode" name="recpostalcode" type="text" required autocomplete="postal-code" inputmode="numeric"/);
    // The question's own token wins (« Autocomplétion »).
    expect(fieldType("postal-code").attributes(spec("postal-code", { autocomplete: "off" }))).toMatchObject({ autocomplete: "off" });
  });

  it("keeps its leading 0 in the export and in Airtable", () => {
    expect(answerCell("postal-code", "01000")).toBe("01000");
    expect(airtableColumn(spec("postal-code"))).toEqual({ type: "singleLineText" });
    expect(airtableValue(spec("postal-code"), "01000")).toBe("01000");
  });
});

describe("« SIRET »", () => {
  const invalid = { ok: false, error: "Ce numéro SIRET n'est pas valide : vérifiez les 14 chiffres." };

  it("accepts 14 digits whose Luhn checksum holds, spaces removed", () => {
    expect(parse("siret", ["73282932000074"])).toEqual({ ok: true, value: "73282932000074" });
    expect(parse("siret", ["732 829 320 00074"])).toEqual({ ok: true, value: "73282932000074" });
    expect(parse("siret", ["73282932000075"])).toEqual(invalid);
    // Its digits add up to a multiple of 5: that only saves La Poste's establishments.
    expect(parse("siret", ["73282932000072"])).toEqual(invalid);
  });

  it("applies La Poste's exception: the sum of the digits a multiple of 5", () => {
    expect(parse("siret", ["35600000000048"])).toEqual({ ok: true, value: "35600000000048" });
    // Fails the Luhn check, 3 + 5 + 6 + 1 = 15.
    expect(validSiret("35600000000001")).toBe(true);
    expect(parse("siret", ["356 000 000 00001"])).toEqual({ ok: true, value: "35600000000001" });
    expect(parse("siret", ["35600000000002"])).toEqual(invalid);
  });

  it("says whether the length or the checksum is wrong", () => {
    expect(parse("siret", ["7328293200007"])).toEqual({ ok: false, error: "Un numéro SIRET compte 14 chiffres : vous en avez saisi 13." });
    expect(parse("siret", ["732829320000741"])).toEqual({ ok: false, error: "Un numéro SIRET compte 14 chiffres : vous en avez saisi 15." });
    for (const bad of ["732.829.320.00074", "FR73282932000074", "SIRET"]) {
      expect(parse("siret", [bad]), bad).toEqual({ ok: false, error: "Saisissez un numéro SIRET de 14 chiffres, par exemple 732 829 320 00074." });
    }
  });

  it("shows the format expected, unless the question has its own hint", () => {
    expect(renderField(spec("siret"))).toContain('<span class="fr-hint-text">Format attendu : 14 chiffres, par exemple 732 829 320 00074.</span>');
    expect(renderField(spec("siret", { hint: "Sur votre Kbis." }))).toContain('<span class="fr-hint-text">Sur votre Kbis.</span>');
    expect(fieldType("siret").attributes(spec("siret"))).toMatchObject({ type: "text", inputmode: "numeric" });
  });

  it("is grouped in the export, so that a spreadsheet keeps it as text, and stays digits in Airtable", () => {
    expect(answerCell("siret", "73282932000074")).toBe("732 829 320 00074");
    expect(airtableColumn(spec("siret"))).toEqual({ type: "singleLineText" });
    expect(airtableValue(spec("siret"), "73282932000074")).toBe("73282932000074");
  });
});

describe("« Nombre entier »", () => {
  it("accepts whole numbers, with spaces between thousands", () => {
    expect(parse("integer", ["4"])).toEqual({ ok: true, value: 4 });
    expect(parse("integer", [" 1 200 "])).toEqual({ ok: true, value: 1200 });
    expect(parse("integer", ["-3"])).toEqual({ ok: true, value: -3 });
    expect(Object.is((parse("integer", ["-0"]) as { value: number }).value, 0)).toBe(true);
  });

  it("refuses decimals and what is not a number", () => {
    for (const bad of ["2,5", "2.0", "0,1"]) expect(parse("integer", [bad]), bad).toEqual({ ok: false, error: "Saisissez un nombre entier, sans virgule, par exemple 3." });
    for (const bad of ["trois", "1e3", "3 enfants", "--3"]) expect(parse("integer", [bad]), bad).toEqual({ ok: false, error: "Saisissez un nombre entier, par exemple 3." });
    expect(parse("integer", ["1234567890123456"])).toEqual({ ok: false, error: "Saisissez un nombre de 15 chiffres au plus." });
    expect(parse("integer", ["0000123456789012345"])).toEqual({ ok: true, value: 123456789012345 });
  });

  it("within the question's Minimum and Maximum, said in the hint and in the error", () => {
    const children = { min: 0, max: 12 };
    expect(parse("integer", ["13"], children)).toEqual({ ok: false, error: "Saisissez un nombre entier entre 0 et 12." });
    expect(parse("integer", ["-1"], children)).toEqual({ ok: false, error: "Saisissez un nombre entier entre 0 et 12." });
    expect(parse("integer", ["12"], children)).toEqual({ ok: true, value: 12 });
    expect(parse("integer", ["0"], { min: 1 })).toEqual({ ok: false, error: "Saisissez un nombre entier supérieur ou égal à 1." });
    expect(renderField(spec("integer", children))).toContain('<span class="fr-hint-text">Nombre entier entre 0 et 12.</span>');
    expect(renderField(spec("integer"))).not.toContain("fr-hint-text");
  });

  it("brings the numeric keypad only when no negative number is accepted (it has no minus sign on every phone)", () => {
    expect(fieldType("integer").attributes(spec("integer", { min: 0 }))).toMatchObject({ inputmode: "numeric" });
    expect(fieldType("integer").attributes(spec("integer")).inputmode).toBeUndefined();
    expect(fieldType("integer").attributes(spec("integer", { min: -5 })).inputmode).toBeUndefined();
  });

  it("is a number cell and an Airtable number without decimals", () => {
    expect(answerCell("integer", 1200)).toBe("1200");
    expect(airtableColumn(spec("integer"))).toEqual({ type: "number", options: { precision: 0 } });
    expect(airtableValue(spec("integer"), 1200)).toBe(1200);
  });
});

describe("« Montant en euros »", () => {
  it("accepts a comma or a point, up to 2 decimals, and the unit typed after", () => {
    expect(parse("amount", ["150"])).toEqual({ ok: true, value: 150 });
    expect(parse("amount", ["49,90"])).toEqual({ ok: true, value: 49.9 });
    expect(parse("amount", ["49.9"])).toEqual({ ok: true, value: 49.9 });
    expect(parse("amount", ["1 234,56"])).toEqual({ ok: true, value: 1234.56 });
    expect(parse("amount", ["12 €"])).toEqual({ ok: true, value: 12 });
    expect(parse("amount", ["12,50euros"])).toEqual({ ok: true, value: 12.5 });
    expect(parse("amount", ["12,500"])).toEqual({ ok: true, value: 12.5 });
  });

  it("refuses a third decimal and what is not an amount", () => {
    expect(parse("amount", ["12,345"])).toEqual({ ok: false, error: "Saisissez un montant avec 2 chiffres après la virgule au plus, par exemple 49,90." });
    for (const bad of ["douze", "12 dollars", "1,2,3", "€"]) expect(parse("amount", [bad]), bad).toEqual({ ok: false, error: "Saisissez un montant en euros, par exemple 150 ou 49,90." });
    expect(parse("amount", ["9".repeat(16)])).toEqual({ ok: false, error: "Saisissez un nombre de 15 chiffres au plus." });
  });

  it("within the question's Minimum and Maximum, written as amounts", () => {
    const rent = { min: 10, max: 1000 };
    expect(formatAmount(1000)).toMatch(/^1\s000 €$/);
    expect(formatAmount(49.9)).toBe("49,90 €");
    expect(parse("amount", ["5"], rent)).toEqual({ ok: false, error: `Saisissez un montant entre 10 € et ${formatAmount(1000)}.` });
    expect(parse("amount", ["1000,01"], rent)).toEqual({ ok: false, error: `Saisissez un montant entre 10 € et ${formatAmount(1000)}.` });
    expect(parse("amount", ["1000"], rent)).toEqual({ ok: true, value: 1000 });
    expect(parse("amount", ["100"], { max: 99.5 })).toEqual({ ok: false, error: "Saisissez un montant inférieur ou égal à 99,50 €." });
    expect(parse("amount", [""], { ...rent, required: false })).toEqual({ ok: true, value: null });
  });

  it("shows « € » after the input, and says « en euros » in the hint", () => {
    const html = renderField(spec("amount", { hint: "Charges comprises.", min: 10, max: 1000 }));
    expect(html).toContain(`<span class="fr-hint-text">Charges comprises. Montant en euros, entre 10 € et ${formatAmount(1000)}.</span>`);
    expect(html).toMatch(
      /<div class="fr-input-wrap fr-input-wrap--addon">\n<input class="fr-input" id="q-recamount" name="recamount" type="text" required inputmode="decimal" [^>]*>\n<span class="fr-pl-1w fr-pt-1w" aria-hidden="true">€<\/span>\n<\/div>/,
    );
    expect(renderField(spec("amount"))).toContain('<span class="fr-hint-text">Montant en euros.</span>');
    // Back with an error, the value typed is kept in the input.
    expect(renderField(spec("amount"), { raw: { recamount: ["12,345"] }, error: "x" })).toMatch(/<input class="fr-input fr-input--error" [^>]*value="12,345"/);
  });

  it("is a cell with its cents and an Airtable number with 2 decimals", () => {
    expect(answerCell("amount", 49.9)).toBe("49,90");
    expect(answerCell("amount", 150)).toBe("150,00");
    expect(airtableColumn(spec("amount"))).toEqual({ type: "number", options: { precision: 2 } });
    expect(airtableValue(spec("amount"), 49.9)).toBe(49.9);
  });
});

describe("« Texte d'explication »", () => {
  const field = spec("explanation", {
    label: "Bon à savoir",
    hint: "Les aides sont décrites sur https://france-renov.gouv.fr/aides. Un conseiller vous rappelle.",
    required: false,
  });

  it("is a paragraph: the label as a bold lead, the hint as the text, its https addresses as links", () => {
    expect(renderField(field)).toBe(
      '<p class="kit-explanation" id="q-recexplanation" data-kit-field="recexplanation"><strong>Bon à savoir</strong> Les aides sont décrites sur ' +
        '<a href="https://france-renov.gouv.fr/aides" target="_blank" rel="noopener" title="https://france-renov.gouv.fr/aides - nouvelle fenêtre">https://france-renov.gouv.fr/aides</a>' +
        ". Un conseiller vous rappelle.</p>",
    );
  });

  it("without a hint, shows the label alone as the text", () => {
    const html = renderField(spec("explanation", { label: "Comptez 5 minutes (voir https://exemple.gouv.fr/faq_(aide)).", required: false }));
    expect(html).not.toContain("<strong>");
    expect(html).toContain('(voir <a href="https://exemple.gouv.fr/faq_(aide)" ');
    expect(html).toContain(">https://exemple.gouv.fr/faq_(aide)</a>).</p>");
  });

  it("escapes the text and links https addresses only", () => {
    const html = renderField(spec("explanation", { label: "À lire", hint: '<script>alert(1)</script> http://exemple.fr, javascript:alert(1) et https://a.fr/?q="x"', required: false }));
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; http://exemple.fr, javascript:alert(1) et ");
    expect(html.match(/<a /g)).toHaveLength(1);
    expect(html).toContain('<a href="https://a.fr/?q=" target="_blank"');
    expect(html).not.toMatch(/<(input|textarea|select)\b|\bname=|required/);
  });

  it("is never stored, whatever is sent under its name, even marked required", () => {
    expect(fieldType("explanation").parse({ ...field, required: true }, { recexplanation: ["une valeur"] })).toEqual({ ok: true, value: null });
    const form: FormDefinition = {
      slug: "e",
      title: "E",
      formPath: "/e/formulaire/",
      action: "/api/submit/e",
      confirmationPath: "/e/merci/",
      fields: [field, spec("short-text")],
    };
    expect(validateSubmission(form, { recexplanation: ["x"], recshorttext: ["Camille"] })).toEqual({ ok: true, values: { recshorttext: "Camille" } });
    const html = renderForm(form, { errors: { recshorttext: "Obligatoire" } });
    expect(html).toContain("Le formulaire contient 1 erreur");
    expect(html).toContain('<p class="kit-explanation"');
  });

  it("takes no answer: the export and Airtable are to leave it out", () => {
    expect(takesAnswer(field)).toBe(false);
    expect(FIELD_TYPES.explanation).toMatchObject({ label: "Texte d'explication", answered: false, range: false, needsOptions: false });
  });
});

describe("Minimum and Maximum apply to « Nombre », « Nombre entier » and « Montant en euros » only", () => {
  it("is said in the vocabulary", () => {
    expect(FIELD_TYPE_IDS.filter((type) => FIELD_TYPES[type].range)).toEqual(["number", "integer", "amount"]);
  });
});

describe("« Date » bounds: « Date au plus tôt » and « Date au plus tard »", () => {
  it("reads a day, « aujourd'hui » and offsets in days, months and years, case and accents folded", () => {
    const offset = (amount: number, unit: "day" | "month" | "year") => ({ kind: "relative", amount, unit });
    const cases: Array<[string, unknown]> = [
      ["2026-11-30", { kind: "absolute", date: "2026-11-30" }],
      ["2028-02-29", { kind: "absolute", date: "2028-02-29" }],
      ["aujourd'hui", offset(0, "day")],
      [" Aujourd’hui ", offset(0, "day")],
      ["AUJOURDHUI", offset(0, "day")],
      ["+1 jour", offset(1, "day")],
      ["+30 jours", offset(30, "day")],
      ["-2 Jours", offset(-2, "day")],
      ["+1 mois", offset(1, "month")],
      ["-6 MOIS", offset(-6, "month")],
      ["+1 an", offset(1, "year")],
      ["-120 ans", offset(-120, "year")],
      ["- 18 ans", offset(-18, "year")],
      ["+2 années", offset(2, "year")],
      ["-1 annee", offset(-1, "year")],
      ["-0 jour", offset(0, "day")],
    ];
    for (const [written, bound] of cases) expect(readDateBound(written), written).toEqual(bound);
  });

  it("reads nothing else: no sign, another unit, a French or impossible day", () => {
    for (const bad of ["", "demain", "18 ans", "+18", "+1 semaine", "+1,5 mois", "+-1 jours", "+1 jours plus tard", "30/11/2026", "2026-02-30", "2027-02-29", "2026-13-01", "+ ans"]) {
      expect(readDateBound(bad), bad).toBeUndefined();
    }
  });

  it("resolves offsets from today, keeping the day of the month or taking the month's last", () => {
    const at = (written: string, today: string) => resolveDateBound(readDateBound(written)!, today);
    expect(at("aujourd'hui", "2026-11-30")).toBe("2026-11-30");
    expect(at("2026-01-01", "2026-11-30")).toBe("2026-01-01");
    expect(at("+1 jour", "2026-12-31")).toBe("2027-01-01");
    expect(at("-1 jour", "2028-03-01")).toBe("2028-02-29");
    expect(at("+30 jours", "2026-02-01")).toBe("2026-03-03");
    expect(at("+1 mois", "2026-01-31")).toBe("2026-02-28");
    expect(at("+1 mois", "2028-01-31")).toBe("2028-02-29");
    expect(at("-1 mois", "2026-03-31")).toBe("2026-02-28");
    expect(at("+1 mois", "2026-12-15")).toBe("2027-01-15");
    expect(at("-13 mois", "2026-01-15")).toBe("2024-12-15");
    expect(at("+1 an", "2028-02-29")).toBe("2029-02-28");
    expect(at("-4 ans", "2028-02-29")).toBe("2024-02-29");
    expect(at("-18 ans", "2026-11-30")).toBe("2008-11-30");
  });

  it("counts today in Paris days, summer and winter time", () => {
    expect(parisDay(Date.parse("2026-11-29T22:59:59Z"))).toBe("2026-11-29");
    expect(parisDay(Date.parse("2026-11-29T23:00:00Z"))).toBe("2026-11-30");
    expect(parisDay(Date.parse("2026-06-30T21:59:59Z"))).toBe("2026-06-30");
    expect(parisDay(Date.parse("2026-06-30T22:00:00Z"))).toBe("2026-07-01");
    expect(parisDay()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  const dated = (values: string[], bounds: Partial<FieldSpec>, today: string) => {
    const field = spec("date", bounds);
    return fieldType("date").parse(field, { [field.key]: values }, { today });
  };

  it("refuses a day out of bounds, saying the accepted days, from the day given", () => {
    const future = { earliest: "aujourd'hui" };
    expect(dated(["2026-11-29"], future, "2026-11-30")).toEqual({ ok: false, error: "Saisissez une date à partir du 30/11/2026." });
    expect(dated(["30/11/2026"], future, "2026-11-30")).toEqual({ ok: true, value: "2026-11-30" });
    // The same definition, a month later: « in the future » still means it.
    expect(dated(["30/11/2026"], future, "2026-12-30")).toEqual({ ok: false, error: "Saisissez une date à partir du 30/12/2026." });
    const adult = { latest: "-18 ans" };
    expect(dated(["2008-12-01"], adult, "2026-11-30")).toEqual({ ok: false, error: "Saisissez une date au plus tard le 30/11/2008." });
    expect(dated(["2008-11-30"], adult, "2026-11-30")).toEqual({ ok: true, value: "2008-11-30" });
    const birth = { earliest: "-120 ans", latest: "-18 ans" };
    expect(dated(["1906-11-29"], birth, "2026-11-30")).toEqual({ ok: false, error: "Saisissez une date entre le 30/11/1906 et le 30/11/2008." });
    expect(dated(["1906-11-30"], birth, "2026-11-30")).toEqual({ ok: true, value: "1906-11-30" });
    const season = { earliest: "2026-09-01", latest: "2027-06-30" };
    expect(dated(["01/07/2027"], season, "2026-11-30")).toEqual({ ok: false, error: "Saisissez une date entre le 01/09/2026 et le 30/06/2027." });
    // A date that does not exist is said so first; an optional one left empty stays unanswered.
    expect(dated(["2027-02-29"], season, "2026-11-30")).toEqual({ ok: false, error: "Saisissez une date valide, par exemple 15/03/2027." });
    expect(dated([""], { ...season, required: false }, "2026-11-30")).toEqual({ ok: true, value: null });
  });

  it("keeps month ends and leap years in the message", () => {
    const nextMonth = { earliest: "+1 mois" };
    expect(dated(["2026-02-27"], nextMonth, "2026-01-31")).toEqual({ ok: false, error: "Saisissez une date à partir du 28/02/2026." });
    expect(dated(["2026-02-28"], nextMonth, "2026-01-31")).toEqual({ ok: true, value: "2026-02-28" });
    expect(dated(["2028-02-28"], nextMonth, "2028-01-31")).toEqual({ ok: false, error: "Saisissez une date à partir du 29/02/2028." });
    expect(dated(["2010-03-01"], { latest: "-18 ans" }, "2028-02-29")).toEqual({ ok: false, error: "Saisissez une date au plus tard le 28/02/2010." });
  });

  it("is checked from the submission's day, today in Paris by default", () => {
    const form: FormDefinition = {
      slug: "d",
      title: "D",
      formPath: "/d/formulaire/",
      action: "/api/submit/d",
      confirmationPath: "/d/merci/",
      fields: [spec("date", { earliest: "aujourd'hui" })],
    };
    expect(validateSubmission(form, { recdate: ["2026-11-29"] }, { today: "2026-11-30" })).toEqual({
      ok: false,
      errors: { recdate: "Saisissez une date à partir du 30/11/2026." },
    });
    expect(validateSubmission(form, { recdate: ["2026-11-30"] }, { today: "2026-11-30" })).toEqual({ ok: true, values: { recdate: "2026-11-30" } });
    expect(validateSubmission(form, { recdate: [parisDay()] }).ok).toBe(true);
    expect(validateSubmission(form, { recdate: ["2000-01-01"] }).ok).toBe(false);
  });

  it("ignores a bound it cannot read (a definition the base did not check) rather than refuse every day", () => {
    expect(dateBounds({ earliest: "demain", latest: "2026-12-31" }, "2026-11-30")).toEqual({ latest: "2026-12-31" });
    expect(dateBounds({}, "2026-11-30")).toEqual({});
    expect(dated(["2030-01-01"], { earliest: "demain" }, "2026-11-30")).toEqual({ ok: true, value: "2030-01-01" });
  });

  it("gives the date input min and max for days, not for offsets (the page's script sets those)", () => {
    expect(fieldType("date").attributes(spec("date", { earliest: "2026-09-01", latest: "2027-06-30" }))).toMatchObject({ type: "date", min: "2026-09-01", max: "2027-06-30" });
    const relative = fieldType("date").attributes(spec("date", { earliest: "aujourd'hui", latest: "+1 an" }));
    expect(relative.min).toBeUndefined();
    expect(relative.max).toBeUndefined();
    const html = renderField(spec("date", { earliest: "2026-09-01", latest: "+1 an" }));
    expect(html).toMatch(/<input class="fr-input" id="q-recdate" name="recdate" type="date" required min="2026-09-01" aria-describedby/);
    expect(renderField(spec("date"))).not.toMatch(/\s(min|max)=/);
  });

  it("says the range under the label, in words that stay true after the build", () => {
    const hint = (bounds: Partial<FieldSpec>) => /<span class="fr-hint-text">([^<]*)<\/span>/.exec(renderField(spec("date", bounds)))?.[1];
    expect(hint({ earliest: "aujourd'hui" })).toBe("À partir d&#39;aujourd&#39;hui.");
    expect(hint({ earliest: "2026-09-01" })).toBe("À partir du 01/09/2026.");
    expect(hint({ earliest: "+30 jours" })).toBe("Au plus tôt dans 30 jours.");
    expect(hint({ latest: "aujourd'hui" })).toBe("Au plus tard aujourd&#39;hui.");
    expect(hint({ latest: "2027-06-30" })).toBe("Au plus tard le 30/06/2027.");
    expect(hint({ latest: "+1 mois" })).toBe("Au plus tard dans 1 mois.");
    expect(hint({ earliest: "2026-09-01", latest: "2027-06-30" })).toBe("Entre le 01/09/2026 et le 30/06/2027.");
    expect(hint({ earliest: "-120 ans", latest: "-18 ans" })).toBe("Entre il y a 120 ans et il y a 18 ans.");
    expect(hint({ earliest: "aujourd'hui", latest: "+1 an", hint: "Un jour ouvré." })).toBe("Un jour ouvré. Entre aujourd&#39;hui et dans 1 an.");
    expect(hint({ hint: "Format : JJ/MM/AAAA" })).toBe("Format : JJ/MM/AAAA");
    expect(renderField(spec("date"))).not.toContain("fr-hint-text");
  });
});
