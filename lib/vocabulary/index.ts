// The words every layer shares, and nothing else: the kinds of question and what the intrapreneur
// calls them, what a service slug may be and the paths built from it, the autocomplete tokens a
// question may carry, how a date question's bounds are written and counted (Paris days), the kinds
// of column a base has. The base validates against these, the forms render them, the browser reads
// them: this module imports nothing, so any of them may import it.

/**
 * The kinds of question, by the stable id used in code and stored definitions. `range`: the
 * Questions table's Minimum and Maximum apply. `answered: false`: a text that asks nothing (never
 * required, never stored: whoever lists answer columns leaves it out, see takesAnswer).
 */
export const FIELD_TYPE_VOCABULARY = {
  "short-text": { label: "Texte court", needsOptions: false, range: false, answered: true, seconds: 10 },
  "long-text": { label: "Texte long", needsOptions: false, range: false, answered: true, seconds: 45 },
  email: { label: "E-mail", needsOptions: false, range: false, answered: true, seconds: 12 },
  phone: { label: "Téléphone", needsOptions: false, range: false, answered: true, seconds: 10 },
  number: { label: "Nombre", needsOptions: false, range: true, answered: true, seconds: 8 },
  integer: { label: "Nombre entier", needsOptions: false, range: true, answered: true, seconds: 8 },
  amount: { label: "Montant en euros", needsOptions: false, range: true, answered: true, seconds: 10 },
  date: { label: "Date", needsOptions: false, range: false, answered: true, seconds: 12 },
  "postal-code": { label: "Code postal", needsOptions: false, range: false, answered: true, seconds: 8 },
  siret: { label: "SIRET", needsOptions: false, range: false, answered: true, seconds: 20 },
  "yes-no": { label: "Oui / non", needsOptions: false, range: false, answered: true, seconds: 5 },
  radio: { label: "Choix unique", needsOptions: true, range: false, answered: true, seconds: 8 },
  select: { label: "Liste déroulante", needsOptions: true, range: false, answered: true, seconds: 8 },
  checkboxes: { label: "Choix multiples", needsOptions: true, range: false, answered: true, seconds: 12 },
  consent: { label: "Case à cocher (consentement)", needsOptions: false, range: false, answered: true, seconds: 5 },
  address: { label: "Adresse", needsOptions: false, range: false, answered: true, seconds: 20 },
  commune: { label: "Commune", needsOptions: false, range: false, answered: true, seconds: 12 },
  department: { label: "Département", needsOptions: false, range: false, answered: true, seconds: 8 },
  region: { label: "Région", needsOptions: false, range: false, answered: true, seconds: 8 },
  explanation: { label: "Texte d'explication", needsOptions: false, range: false, answered: false, seconds: 10 },
  section: { label: "Titre de section", needsOptions: false, range: false, answered: false, seconds: 2 },
} as const satisfies Record<string, { label: string; needsOptions: boolean; range: boolean; answered: boolean; seconds: number }>;
// seconds: about how long a person takes to answer (or read) one question of the type, on a phone;
// a service page says how long its form takes from them (durationMinutes, lib/forms/definitions.ts).

export type FieldTypeId = keyof typeof FIELD_TYPE_VOCABULARY;

export const FIELD_TYPE_IDS = Object.keys(FIELD_TYPE_VOCABULARY) as FieldTypeId[];

/** The answers of a « Oui / non » question, as stored. */
export const YES_NO = ["Oui", "Non"] as const;

/** Whether a question takes an answer: a « Texte d'explication » does not, so it is to have no column in an export or in Airtable. */
export function takesAnswer(field: { type: FieldTypeId }): boolean {
  return FIELD_TYPE_VOCABULARY[field.type].answered;
}

/**
 * A question's « Afficher si » line, once read: the question is shown when the earlier question
 * (by record id, so relabelling keeps it) was answered `value` (equals), anything but `value`
 * (differs), or had `value` among its ticked answers (contains, « Choix multiples » only).
 */
export interface Condition extends Rule {
  question: string;
}

/**
 * A test on one answer: equals `value`, differs from it, or has it among its ticked answers. A
 * « Non éligible si » line is a rule on the question's own answer.
 */
export interface Rule {
  operator: ConditionOperator;
  value: string;
}

export type ConditionOperator = "equals" | "differs" | "contains";

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
  // npm run screenshots writes there (scripts/screenshots.ts).
  "captures",
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

// ---------------------------------------------------------------------------------------------
// Date bounds (Questions table, « Date au plus tôt » / « Date au plus tard »): read by the base at
// build time, resolved by the forms when an answer is checked, on the server and in the browser.

/**
 * A bound as written: a day (2026-11-30), or an offset from the day the form is filled in
 * (« aujourd'hui » is an offset of 0 days). Offsets stay offsets in the form definition, so that
 * « in the future » still means it a month after the build.
 */
export type DateBound = { kind: "absolute"; date: string } | { kind: "relative"; amount: number; unit: "day" | "month" | "year" };

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const OFFSET = /^([+-])\s*(\d{1,4})\s*(jours?|mois|ans?|annees?)$/;
const OFFSET_UNITS = { jour: "day", jours: "day", mois: "month", an: "year", ans: "year", annee: "year", annees: "year" } as const;

/** Case, accents, typographic apostrophes and spaces folded: « Aujourd’hui » reads « aujourd'hui ». */
export function foldBound(value: string): string {
  return value
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

/** Whether a YYYY-MM-DD string is a day of the calendar (not 2027-02-30). */
export function isCalendarDay(value: string): boolean {
  const parts = ISO_DAY.exec(value);
  if (!parts) return false;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A bound as written in the base, or undefined when it is not one. */
export function readDateBound(written: string): DateBound | undefined {
  const value = foldBound(written);
  if (/^aujourd ?'? ?hui$/.test(value)) return { kind: "relative", amount: 0, unit: "day" };
  if (ISO_DAY.test(value)) return isCalendarDay(value) ? { kind: "absolute", date: value } : undefined;
  const offset = OFFSET.exec(value);
  if (!offset) return undefined;
  const amount = Number(offset[2]) * (offset[1] === "-" ? -1 : 1);
  // -0 is today, like +0.
  return { kind: "relative", amount: amount === 0 ? 0 : amount, unit: OFFSET_UNITS[offset[3] as keyof typeof OFFSET_UNITS] };
}

const pad = (value: number, length = 2) => String(value).padStart(length, "0");

/**
 * The day a bound stands for, given today (YYYY-MM-DD). Months and years keep the day of the month
 * when it exists, else take the month's last: 31 January + 1 mois is the last day of February.
 */
export function resolveDateBound(bound: DateBound, today: string): string {
  if (bound.kind === "absolute") return bound.date;
  const [year, month, day] = today.split("-").map(Number) as [number, number, number];
  if (bound.unit === "day") return new Date(Date.UTC(year, month - 1, day + bound.amount)).toISOString().slice(0, 10);
  const months = year * 12 + (month - 1) + (bound.unit === "month" ? bound.amount : bound.amount * 12);
  const [toYear, toMonth] = [Math.floor(months / 12), (months % 12) + 1];
  const lastDay = new Date(Date.UTC(toYear, toMonth, 0)).getUTCDate();
  return `${pad(toYear, 4)}-${pad(toMonth)}-${pad(Math.min(day, lastDay))}`;
}

const PARIS_DAY = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" });

/** The day it is in Paris at a given instant, YYYY-MM-DD: the day a form's relative bounds start from. */
export function parisDay(at: number = Date.now()): string {
  const parts = PARIS_DAY.formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** A YYYY-MM-DD day as French writes it: 30/11/2026. */
export function formatDay(iso: string): string {
  const [year, month, day] = iso.split("-");
  return `${day}/${month}/${year}`;
}
