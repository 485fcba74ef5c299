// The words every layer shares, and nothing else: the kinds of question and what the intrapreneur
// calls them, what a service slug may be and the paths built from it, the autocomplete tokens a
// question may carry, the kinds of column a base has. The base validates against these, the forms
// render them, the browser reads them: this module imports nothing, so any of them may import it.

/**
 * The kinds of question, by the stable id used in code and stored definitions. `range`: the
 * Questions table's Minimum and Maximum apply. `answered: false`: a text that asks nothing (never
 * required, never stored: whoever lists answer columns leaves it out, see takesAnswer).
 */
export const FIELD_TYPE_VOCABULARY = {
  "short-text": { label: "Texte court", needsOptions: false, range: false, answered: true },
  "long-text": { label: "Texte long", needsOptions: false, range: false, answered: true },
  email: { label: "E-mail", needsOptions: false, range: false, answered: true },
  phone: { label: "Téléphone", needsOptions: false, range: false, answered: true },
  number: { label: "Nombre", needsOptions: false, range: true, answered: true },
  integer: { label: "Nombre entier", needsOptions: false, range: true, answered: true },
  amount: { label: "Montant en euros", needsOptions: false, range: true, answered: true },
  date: { label: "Date", needsOptions: false, range: false, answered: true },
  "postal-code": { label: "Code postal", needsOptions: false, range: false, answered: true },
  siret: { label: "SIRET", needsOptions: false, range: false, answered: true },
  "yes-no": { label: "Oui / non", needsOptions: false, range: false, answered: true },
  radio: { label: "Choix unique", needsOptions: true, range: false, answered: true },
  select: { label: "Liste déroulante", needsOptions: true, range: false, answered: true },
  checkboxes: { label: "Choix multiples", needsOptions: true, range: false, answered: true },
  consent: { label: "Case à cocher (consentement)", needsOptions: false, range: false, answered: true },
  address: { label: "Adresse", needsOptions: false, range: false, answered: true },
  explanation: { label: "Texte d'explication", needsOptions: false, range: false, answered: false },
} as const satisfies Record<string, { label: string; needsOptions: boolean; range: boolean; answered: boolean }>;

export type FieldTypeId = keyof typeof FIELD_TYPE_VOCABULARY;

export const FIELD_TYPE_IDS = Object.keys(FIELD_TYPE_VOCABULARY) as FieldTypeId[];

/** The answers of a « Oui / non » question, as stored. */
export const YES_NO = ["Oui", "Non"] as const;

/** Whether a question takes an answer: a « Texte d'explication » does not, so it is to have no column in an export or in Airtable. */
export function takesAnswer(field: { type: FieldTypeId }): boolean {
  return FIELD_TYPE_VOCABULARY[field.type].answered;
}

/** The Type column's values, as the intrapreneur sees them, to their id. */
export const FIELD_TYPE_BY_LABEL: ReadonlyMap<string, FieldTypeId> = new Map(
  FIELD_TYPE_IDS.map((id) => [FIELD_TYPE_VOCABULARY[id].label, id]),
);

/** HTML autocomplete tokens accepted in the Questions table (WCAG 1.3.5, the ones forms here ask for). */
export const AUTOCOMPLETE_TOKENS = [
  "name", "honorific-prefix", "given-name", "additional-name", "family-name", "nickname",
  "organization", "organization-title", "street-address", "address-line1", "address-line2",
  "postal-code", "address-level2", "country-name", "email", "tel", "bday", "sex", "language", "url", "off",
] as const;

/** What a service slug may be: it becomes a folder of the site and a path segment of the API. */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Slugs the site uses for its own pages and files. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  "accessibilite", "mentions-legales", "donnees-personnelles", "api", "assets", "dsfr", "images", "404", "index", "stats",
]);

/** Path segments a service's pages use, which a variant's slug may not take. */
export const RESERVED_VARIANT_SLUGS: ReadonlySet<string> = new Set(["formulaire", "merci"]);

export const paths = {
  landing: (slug: string) => `/${slug}/`,
  form: (slug: string) => `/${slug}/formulaire/`,
  confirmation: (slug: string) => `/${slug}/merci/`,
  submit: (slug: string) => `/api/submit/${slug}`,
  /** A variant's own landing page and form (the service's main URL then splits visitors between variants). */
  variantLanding: (slug: string, variant: string) => `/${slug}/${variant}/`,
  variantForm: (slug: string, variant: string) => `/${slug}/${variant}/formulaire/`,
  /** Where pages send what they count (views, progress in a form). */
  event: "/api/event",
  stats: "/stats/",
  statsApi: "/api/stats",
};

/**
 * What a hypothesis measures (Hypothèses table, « Métrique »). A share is in per cent and its
 * threshold too (« 5 » for 5 %); a count is a number of answers.
 */
export const HYPOTHESIS_METRICS = {
  conversion: { label: "Conversion visite → réponse", unit: "share" },
  answers: { label: "Nombre de réponses", unit: "count" },
  "answer-value": { label: "Part des réponses avec une valeur", unit: "share" },
  eligible: { label: "Part d'adresses dans le territoire", unit: "share" },
} as const satisfies Record<string, { label: string; unit: "share" | "count" }>;

export type HypothesisMetricId = keyof typeof HYPOTHESIS_METRICS;

export const HYPOTHESIS_METRIC_BY_LABEL: ReadonlyMap<string, HypothesisMetricId> = new Map(
  (Object.keys(HYPOTHESIS_METRICS) as HypothesisMetricId[]).map((id) => [HYPOTHESIS_METRICS[id].label, id]),
);

/**
 * The kinds of column a base's tables have. The base's format is Airtable's (the embedded base
 * stores Airtable's list-records answer), so they are named as Airtable names them.
 */
export type ColumnType =
  | "singleLineText"
  | "multilineText"
  | "email"
  | "url"
  | "phoneNumber"
  | "checkbox"
  | "number"
  | "date"
  | "dateTime"
  | "singleSelect"
  | "multipleSelects"
  | "multipleRecordLinks"
  | "multipleAttachments";

const FRENCH_NUMBER = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 20 });

/** A number as French writes it: 1 234,5 (the same in the browser, on the server and in the build). */
export function formatNumber(value: number): string {
  return FRENCH_NUMBER.format(value);
}

/** "1 réponse", "2 réponses": a count and its word, which takes an s from 2 on, as French writes it. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count > 1 ? "s" : ""}`;
}
