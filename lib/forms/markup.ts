// The DSFR markup of each type of field (and the Alpine combobox's bindings of the address and the commune),
// with the citizen's values and error when a form comes back from the server. Used by render.ts,
// at build time and in the submit function; never bundled for the browser, which only toggles the
// error state of the markup rendered here (site/js/form.ts).
import { attributes, classes, escapeHtml } from "../site/html.ts";
import { formatDay, plural, readDateBound, YES_NO, type DateBound, type FieldTypeId } from "../vocabulary/index.ts";
import { FIELD_CONTROLS } from "./controls.ts";
import { errorMessageHtml } from "./errors.ts";
import { addressIdName, fieldId, messagesId, optionId, type FieldSpec, type RawFields } from "./field-spec.ts";
import { formatAmount, numberRange } from "./parse.ts";
import { DEPARTMENT_LABELS, REGION_LABELS } from "../places/divisions.ts";

export interface RenderState {
  /** What the citizen submitted, kept when the form comes back with errors. */
  raw?: RawFields;
  error?: string;
  /** The form's fields: a question's « Afficher si » names the earlier ones by their labels. */
  fields?: readonly FieldSpec[];
}

export type Render = (field: FieldSpec, state?: RenderState) => string;

// ---------------------------------------------------------------------------------------------
// Shared pieces

function labelHtml(field: FieldSpec, state: RenderState): string {
  const optional = field.required ? "" : " (facultatif)";
  const sentence = conditionSentence(field, state.fields ?? []);
  // Before the hint: without JavaScript every question is shown, and this says whom it is for.
  const condition = sentence ? ` <span class="fr-hint-text kit-condition">${escapeHtml(sentence)}</span>` : "";
  const hint = field.hint ? ` <span class="fr-hint-text">${escapeHtml(field.hint)}</span>` : "";
  return `${escapeHtml(field.label)}${optional}${condition}${hint}`;
}

const CONDITION_WORDS = {
  equals: "avez répondu",
  differs: "n'avez pas répondu",
  contains: "avez coché",
} as const;

/**
 * A question's « Afficher si » in words: « Si vous avez répondu « Oui » à « Êtes-vous
 * propriétaire ? » et … ». Undefined for a question always asked.
 */
export function conditionSentence(field: FieldSpec, fields: readonly FieldSpec[]): string | undefined {
  const parts = (field.conditions ?? []).map((condition) => {
    const label = fields.find((other) => other.key === condition.question)?.label ?? condition.question;
    return `${CONDITION_WORDS[condition.operator]} « ${condition.value} » à « ${label} »`;
  });
  return parts.length > 0 ? `Si vous ${parts.join(" et ")}.` : undefined;
}

function messagesHtml(field: FieldSpec, error: string | undefined): string {
  return `<div class="fr-messages-group" id="${messagesId(field)}" aria-live="polite">${errorMessageHtml(field, error)}</div>`;
}

/** Data attributes the browser uses to toggle the DSFR error state without re-rendering. */
function groupData(field: FieldSpec, errorClass: string): string {
  return attributes({ "data-kit-field": field.key, "data-kit-error-class": errorClass });
}

// ---------------------------------------------------------------------------------------------
// Single-line inputs (text, e-mail, phone, numbers, date, postal code, SIRET)

interface InputOptions {
  /** The hint under the label, when the type adds to the question's own (e.g. a number's range). */
  hint?: (field: FieldSpec) => string | undefined;
  /** A unit shown after the input (DSFR input with an addon); the hint says it to assistive technology. */
  suffix?: string;
}

function input(id: FieldTypeId, { hint, suffix }: InputOptions = {}): Render {
  return (field, state = {}) => {
    const error = state.error;
    const value = state.raw?.[field.key]?.[0];
    const control = `<input class="${classes("fr-input", error && "fr-input--error")}"${attributes({
      id: fieldId(field),
      name: field.key,
      ...FIELD_CONTROLS[id].attributes(field),
      value,
      "aria-describedby": messagesId(field),
      "aria-invalid": error ? "true" : undefined,
    })}>`;
    return `<div class="${classes("fr-input-group", error && "fr-input-group--error")}"${groupData(field, "fr-input-group--error")}>
<label class="fr-label" for="${fieldId(field)}">${labelHtml({ ...field, hint: hint ? hint(field) : field.hint }, state)}</label>
${suffix ? `<div class="fr-input-wrap fr-input-wrap--addon">\n${control}\n<span class="fr-pl-1w fr-pt-1w" aria-hidden="true">${escapeHtml(suffix)}</span>\n</div>` : control}
${messagesHtml(field, error)}
</div>`;
  };
}

/** The question's hint, followed by a sentence of the type's: the citizen learns it before making a mistake. */
function withHint(field: FieldSpec, sentence: string | undefined): string | undefined {
  if (!sentence) return field.hint;
  return field.hint ? `${field.hint} ${sentence}` : sentence;
}

/** A number's accepted range, after the question's hint. */
function rangeHint(noun: string) {
  return (field: FieldSpec): string | undefined => {
    const range = numberRange(field);
    return withHint(field, range && `${noun} ${range}.`);
  };
}

/** An amount's unit, said in words for those who do not see the « € » after the input, and its range. */
function amountHint(field: FieldSpec): string | undefined {
  const range = numberRange(field, formatAmount);
  return withHint(field, range ? `Montant en euros, ${range}.` : "Montant en euros.");
}

/** A day a bound stands for, in words that stay true after the build: « le 30/11/2026 », « dans 1 mois », « il y a 18 ans ». */
function boundWords(bound: DateBound): string {
  if (bound.kind === "absolute") return `le ${formatDay(bound.date)}`;
  if (bound.amount === 0) return "aujourd'hui";
  const count = Math.abs(bound.amount);
  const span = bound.unit === "day" ? plural(count, "jour") : bound.unit === "month" ? `${count} mois` : plural(count, "an");
  return bound.amount > 0 ? `dans ${span}` : `il y a ${span}`;
}

/** A date's accepted range, after the question's hint: « À partir d'aujourd'hui. », « Entre le … et le …. ». */
function dateHint(field: FieldSpec): string | undefined {
  const from = field.earliest === undefined ? undefined : readDateBound(field.earliest);
  const to = field.latest === undefined ? undefined : readDateBound(field.latest);
  let range: string | undefined;
  if (from && to) range = `Entre ${boundWords(from)} et ${boundWords(to)}.`;
  else if (from) range = from.kind === "absolute" ? `À partir du ${formatDay(from.date)}.` : from.amount === 0 ? "À partir d'aujourd'hui." : `Au plus tôt ${boundWords(from)}.`;
  else if (to) range = `Au plus tard ${boundWords(to)}.`;
  return withHint(field, range);
}

/** The question's hint, or the format a SIRET is written in. */
const siretHint = (field: FieldSpec): string => field.hint ?? "Format attendu : 14 chiffres, par exemple 732 829 320 00074.";

// ---------------------------------------------------------------------------------------------
// Choices

/** Radios or checkboxes; « Oui / non » offers its two answers side by side (DSFR inline fieldset). */
function choices(id: "radio" | "checkboxes" | "yes-no"): Render {
  const groupClass = id === "checkboxes" ? "fr-checkbox-group" : "fr-radio-group";
  const elementClass = classes("fr-fieldset__element", id === "yes-no" && "fr-fieldset__element--inline");
  return (field, state = {}) => {
    const error = state.error;
    const chosen = new Set(state.raw?.[field.key] ?? []);
    const legendId = `${fieldId(field)}-legend`;
    const options: readonly string[] = id === "yes-no" ? YES_NO : field.options;
    const items = options
      .map(
        (option, index) => `<div class="${elementClass}">
<div class="${groupClass}">
<input${attributes({
          id: optionId(field, index),
          name: field.key,
          value: option,
          checked: chosen.has(option),
          ...FIELD_CONTROLS[id].attributes(field),
          "aria-invalid": error ? "true" : undefined,
        })}>
<label class="fr-label" for="${optionId(field, index)}">${escapeHtml(option)}</label>
</div>
</div>`,
      )
      .join("\n");
    return `<fieldset class="${classes("fr-fieldset", error && "fr-fieldset--error")}" id="${fieldId(field)}" aria-labelledby="${legendId} ${messagesId(field)}"${groupData(field, "fr-fieldset--error")}>
<legend class="fr-fieldset__legend fr-fieldset__legend--regular" id="${legendId}">${labelHtml(field, state)}</legend>
${items}
${messagesHtml(field, error)}
</fieldset>`;
  };
}

const select: Render = (field, state = {}) => {
  const error = state.error;
  const chosen = state.raw?.[field.key]?.[0] ?? "";
  const options = field.options
    .map((option) => `<option${attributes({ value: option, selected: option === chosen })}>${escapeHtml(option)}</option>`)
    .join("");
  return `<div class="${classes("fr-select-group", error && "fr-select-group--error")}"${groupData(field, "fr-select-group--error")}>
<label class="fr-label" for="${fieldId(field)}">${labelHtml(field, state)}</label>
<select class="${classes("fr-select", error && "fr-select--error")}"${attributes({
    id: fieldId(field),
    name: field.key,
    ...FIELD_CONTROLS.select.attributes(field),
    "aria-describedby": messagesId(field),
    "aria-invalid": error ? "true" : undefined,
  })}>
<option value=""${chosen === "" ? " selected" : ""}>Sélectionnez une réponse</option>${options}
</select>
${messagesHtml(field, error)}
</div>`;
};

const consent: Render = (field, state = {}) => {
  const error = state.error;
  const checked = (state.raw?.[field.key] ?? []).length > 0;
  return `<div class="${classes("fr-checkbox-group", error && "fr-checkbox-group--error")}"${groupData(field, "fr-checkbox-group--error")}>
<input${attributes({
    id: fieldId(field),
    name: field.key,
    value: "oui",
    checked,
    ...FIELD_CONTROLS.consent.attributes(field),
    "aria-describedby": messagesId(field),
    "aria-invalid": error ? "true" : undefined,
  })}>
<label class="fr-label" for="${fieldId(field)}">${labelHtml(field, state)}</label>
${messagesHtml(field, error)}
</div>`;
};

// ---------------------------------------------------------------------------------------------
// Long text

const longText: Render = (field, state = {}) => {
  const error = state.error;
  const value = state.raw?.[field.key]?.[0] ?? "";
  return `<div class="${classes("fr-input-group", error && "fr-input-group--error")}"${groupData(field, "fr-input-group--error")}>
<label class="fr-label" for="${fieldId(field)}">${labelHtml(field, state)}</label>
<textarea class="${classes("fr-input", error && "fr-input--error")}"${attributes({
    id: fieldId(field),
    name: field.key,
    rows: 5,
    ...FIELD_CONTROLS["long-text"].attributes(field),
    "aria-describedby": messagesId(field),
    "aria-invalid": error ? "true" : undefined,
  })}>${escapeHtml(value)}</textarea>
${messagesHtml(field, error)}
</div>`;
};

// ---------------------------------------------------------------------------------------------
// Address, commune: a plain text input without JavaScript (the server reads what is typed);
// Alpine turns it into a combobox (site/js/combobox.ts) over /api/address or /api/communes.

/** What differs between the two comboboxes' markup. */
interface ComboboxMarkup {
  type: "address" | "commune";
  /** The group's own class and the Alpine.data component (site/js) that enhances it. */
  groupClass: string;
  component: string;
  /** The hint when the question has none. */
  hint: string;
  /** The listbox's aria-label. */
  listLabel: string;
  /** Alpine expressions over `item`, one of the component's results: the x-for key, the option's text. */
  optionKey: string;
  optionText: string;
  /** Data attributes of the group the component reads (the address search's bias). */
  data?: (field: FieldSpec) => Record<string, string | undefined>;
  /** Markup after the input and its list (the address's « Utiliser ma position »). */
  after?: string;
}

function combobox(markup: ComboboxMarkup): Render {
  return (field, state = {}) => {
    const error = state.error;
    const value = state.raw?.[field.key]?.[0];
    const chosenId = state.raw?.[addressIdName(field)]?.[0];
    const id = fieldId(field);
    const hinted: FieldSpec = { ...field, hint: field.hint ?? markup.hint };
    return `<div class="${classes(`fr-input-group ${markup.groupClass}`, error && "fr-input-group--error")}"${groupData(field, "fr-input-group--error")}${attributes(markup.data?.(field) ?? {})} x-data="${markup.component}">
<label class="fr-label" for="${id}">${labelHtml(hinted, state)}</label>
<div class="kit-combobox">
<input class="${classes("fr-input", error && "fr-input--error")}"${attributes({
      id,
      name: field.key,
      ...FIELD_CONTROLS[markup.type].attributes(field),
      value,
      "aria-describedby": messagesId(field),
      "aria-invalid": error ? "true" : undefined,
    })} x-bind="input">
<ul class="kit-combobox__listbox" id="${id}-listbox" role="listbox" aria-label="${markup.listLabel}" hidden x-bind="listbox">
<template x-for="(item, index) in results" :key="${markup.optionKey}">
<li role="option" class="kit-combobox__option" :id="optionId(index)" :aria-selected="index === active ? 'true' : 'false'" x-on:mousedown.prevent x-on:click="choose(index)" x-text="${markup.optionText}"></li>
</template>
</ul>
</div>
${markup.after ?? ""}<input type="hidden"${attributes({ name: addressIdName(field), value: chosenId })} x-bind="chosenInput">
<p class="fr-sr-only" aria-live="polite" aria-atomic="true" x-text="status"></p>
${messagesHtml(field, error)}
</div>`;
  };
}

const address = combobox({
  type: "address",
  groupClass: "kit-address",
  component: "addressCombobox",
  hint: "Saisissez le numéro et la voie, puis choisissez votre adresse dans la liste proposée.",
  listLabel: "Adresses proposées",
  optionKey: "index",
  optionText: "item.properties.label + (item.properties.eligible === false ? ' (hors du territoire du service)' : '')",
  // The territory's centre: the search favours the streets near it (a filter by commune would hide
  // the addresses outside the territory, which the list shows as such, and the citizen would not know why).
  data: (field) => ({ "data-kit-lat": field.territory?.centre?.lat.toString(), "data-kit-lon": field.territory?.centre?.lon.toString() }),
  // Shown by the script only where the browser can give a position (site/js/address-combobox.ts):
  // without JavaScript, or without geolocation, nothing. The message says what happened to sighted
  // users; the live region above says it to screen readers.
  after: `<div class="kit-locate fr-mt-1w" hidden x-bind="locateBox">
<button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm" x-bind="locateButton">Utiliser ma position</button>
<p class="fr-hint-text fr-mt-1v" x-text="locateMessage" x-bind="locateMessageBox"></p>
</div>
`,
});

// The server finds a commune typed without choosing from its name or postcode.
const commune = combobox({
  type: "commune",
  groupClass: "kit-commune",
  component: "communeCombobox",
  hint: "Saisissez le nom ou le code postal de la commune, puis choisissez-la dans la liste proposée.",
  listLabel: "Communes proposées",
  optionKey: "item.code",
  optionText: "item.text",
});

/** « Département », « Région »: a DSFR select of the State's list, whatever the Options column says. */
function listed(offered: readonly string[]): Render {
  return (field, state) => select({ ...field, options: [...offered] }, state);
}

// ---------------------------------------------------------------------------------------------
// Explanation: a paragraph between the questions, nothing to answer.

/** An https address written in the text, up to a space or what cannot be in one unescaped. */
const URL_IN_TEXT = /https:\/\/[^\s<>"«»]+/g;

/** Punctuation after an address ends the sentence, not the address; a ")" does unless the address opened it. */
function trimUrl(url: string): string {
  let end = url.length;
  while (end > 0) {
    const last = url[end - 1] as string;
    if (last === ")") {
      const head = url.slice(0, end);
      if (head.split("(").length >= head.split(")").length) break;
    } else if (!".,;:!?'’»]".includes(last)) break;
    end--;
  }
  return url.slice(0, end);
}

/** The text, escaped, with its https addresses as links that open a new window: the form stays filled in. */
export function linkify(text: string): string {
  let html = "";
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const url = trimUrl(match[0]);
    if (!URL.canParse(url)) continue;
    const start = match.index;
    html += `${escapeHtml(text.slice(last, start))}<a${attributes({
      href: url,
      target: "_blank",
      rel: "noopener",
      title: `${url} - nouvelle fenêtre`,
    })}>${escapeHtml(url)}</a>`;
    last = start + url.length;
  }
  return html + escapeHtml(text.slice(last));
}

/**
 * The « Aide » as the text, the « Libellé » as its bold lead; without an « Aide », the « Libellé »
 * is the text. It carries data-kit-field so that the page's count of how far a form was filled
 * (site/js/measure.ts) numbers the fields as the definition does.
 */
const explanation: Render = (field, state = {}) => {
  const lead = field.hint ? `<strong>${escapeHtml(field.label)}</strong> ` : "";
  const sentence = conditionSentence(field, state.fields ?? []);
  const condition = sentence ? `<span class="fr-hint-text kit-condition">${escapeHtml(sentence)}</span>` : "";
  return `<p${attributes({ class: "kit-explanation", id: fieldId(field), "data-kit-field": field.key })}>${condition}${lead}${linkify(field.hint ?? field.label)}</p>`;
};

// ---------------------------------------------------------------------------------------------
// Section title: a heading between the questions; with JavaScript, it starts a step (render.ts).

/** The class of a section's heading: the stepper shows the title instead when the form goes step by step. */
export const SECTION_TITLE_CLASS = "kit-section__title";

const section: Render = (field, state = {}) => {
  const sentence = conditionSentence(field, state.fields ?? []);
  const condition = sentence ? `\n<p class="fr-hint-text kit-condition">${escapeHtml(sentence)}</p>` : "";
  const intro = field.hint ? `\n<p class="kit-section__intro">${linkify(field.hint)}</p>` : "";
  return `<div${attributes({ class: "kit-section", "data-kit-field": field.key })}>
<h2${attributes({ class: `fr-h4 fr-mt-4w ${SECTION_TITLE_CLASS}`, id: fieldId(field) })}>${escapeHtml(field.label)}</h2>${condition}${intro}
</div>`;
};

// ---------------------------------------------------------------------------------------------

export const FIELD_MARKUP = {
  "short-text": input("short-text"),
  "long-text": longText,
  email: input("email"),
  phone: input("phone"),
  number: input("number", { hint: rangeHint("Nombre") }),
  integer: input("integer", { hint: rangeHint("Nombre entier") }),
  amount: input("amount", { hint: amountHint, suffix: "€" }),
  date: input("date", { hint: dateHint }),
  "postal-code": input("postal-code"),
  siret: input("siret", { hint: siretHint }),
  "yes-no": choices("yes-no"),
  radio: choices("radio"),
  select,
  checkboxes: choices("checkboxes"),
  consent,
  address,
  commune,
  department: listed(DEPARTMENT_LABELS),
  region: listed(REGION_LABELS),
  explanation,
  section,
} satisfies Record<FieldTypeId, Render>;

/** A field's DSFR markup, with the citizen's values and error when the form comes back. */
export function renderField(field: FieldSpec, state?: RenderState): string {
  return FIELD_MARKUP[field.type](field, state);
}
