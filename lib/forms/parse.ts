// How each type of field reads what a form submitted: checks, normalisation and the error message
// the citizen reads. The submit function runs these; so does the browser, for inline validation.
// Browser-safe: bundled into site/js/form.ts.
import { formatDay, formatNumber, parisDay, readDateBound, resolveDateBound, YES_NO, type FieldTypeId } from "../vocabulary/index.ts";
import { citycodeOfBanId, COMMUNE_OUT_OF_TERRITORY, inTerritory, OUT_OF_TERRITORY } from "../address/territory.ts";
import { CITYCODE } from "../address/departements.ts";
import { DEPARTMENT_LABELS, REGION_LABELS } from "../places/divisions.ts";
import { addressIdName, type FieldSpec, type FieldValue, type RawFields } from "./field-spec.ts";

export type ParseResult = { ok: true; value: FieldValue | null } | { ok: false; error: string };

/** What a check may need beyond the answer. */
export interface ParseContext {
  /** The day the form is filled in, YYYY-MM-DD: relative date bounds start from it. Default: today in Paris. */
  today?: string;
}

export type Parse = (field: FieldSpec, raw: RawFields, context?: ParseContext) => ParseResult;

export const SHORT_TEXT_MAX = 200;
export const LONG_TEXT_MAX = 5000;
export const EMAIL_MAX = 254;
/** A commune as typed: the longest name has 45 characters, then a postcode in brackets. */
export const COMMUNE_MAX = 100;
/** Beyond 15 significant digits a decimal number no longer survives being stored as a double. */
const NUMBER_MAX_DIGITS = 15;

// ---------------------------------------------------------------------------------------------
// Shared pieces

const first = (raw: RawFields, name: string): string => (raw[name]?.[0] ?? "").trim();

function requiredMessage(field: FieldSpec): string {
  return `Ce champ est obligatoire : renseignez « ${field.label} ».`;
}

/** A one-value field: empty is refused when required, otherwise `check` has the trimmed value. */
function oneValue(check: (value: string, field: FieldSpec, context: ParseContext) => ParseResult): Parse {
  return (field, raw, context = {}) => {
    const value = first(raw, field.key);
    if (value === "") return field.required ? { ok: false, error: requiredMessage(field) } : { ok: true, value: null };
    return check(value, field, context);
  };
}

function maxLength(max: number) {
  return (value: string): ParseResult =>
    value.length > max
      ? { ok: false, error: `Ce texte est trop long : ${max} caractères au maximum (vous en avez saisi ${value.length}).` }
      : { ok: true, value };
}

// ---------------------------------------------------------------------------------------------
// E-mail, phone, numbers (decimal, whole, amount), date

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

function checkEmail(value: string): ParseResult {
  if (value.length > EMAIL_MAX || !EMAIL.test(value)) {
    return { ok: false, error: "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr." };
  }
  return { ok: true, value };
}

function checkPhone(value: string): ParseResult {
  const compact = value.replace(/[\s.\-()]/g, "");
  const french = /^0[1-9]\d{8}$/.test(compact);
  const international = /^(\+|00)[1-9]\d{7,14}$/.test(compact);
  if (!french && !international) {
    return { ok: false, error: "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78." };
  }
  return { ok: true, value: compact.replace(/^00/, "+") };
}

/** The accepted range of a number field, in words ("entre 1 et 20"), when it has one. */
export function numberRange(field: FieldSpec, format: (value: number) => string = formatNumber): string | undefined {
  const { min, max } = field;
  if (min !== undefined && max !== undefined) return `entre ${format(min)} et ${format(max)}`;
  if (min !== undefined) return `supérieur ou égal à ${format(min)}`;
  if (max !== undefined) return `inférieur ou égal à ${format(max)}`;
  return undefined;
}

/** An amount as French writes it, with its unit: 1 000 €, 49,90 € (cents only when there are some). */
export function formatAmount(value: number): string {
  return `${(Number.isInteger(value) ? EUROS : CENTS).format(value)} €`;
}
const EUROS = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });
const CENTS = new Intl.NumberFormat("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const outOfRange = (field: FieldSpec, number: number): boolean =>
  (field.min !== undefined && number < field.min) || (field.max !== undefined && number > field.max);

/** A number as people type it: spaces between digits, a comma or a point. Undefined when it is not one. */
function readDecimal(value: string): { number: number; decimals: number; digits: number } | undefined {
  const normalised = value.replace(/\s/g, "").replace(",", ".");
  const parts = /^[-+]?(\d+)(?:\.(\d+))?$/.exec(normalised);
  if (!parts) return undefined;
  const decimals = (parts[2] ?? "").replace(/0+$/, "").length;
  return { number: Number(normalised), decimals, digits: (parts[1] as string).replace(/^0+/, "").length + decimals };
}

const TOO_MANY_DIGITS: ParseResult = { ok: false, error: `Saisissez un nombre de ${NUMBER_MAX_DIGITS} chiffres au plus.` };

function checkNumber(value: string, field: FieldSpec): ParseResult {
  const decimal = readDecimal(value);
  if (!decimal) {
    return { ok: false, error: "Saisissez un nombre, par exemple 3 ou 2,5." };
  }
  const { number, digits } = decimal;
  if (digits > NUMBER_MAX_DIGITS || !Number.isFinite(number)) return TOO_MANY_DIGITS;
  if (outOfRange(field, number)) {
    return { ok: false, error: `Saisissez un nombre ${numberRange(field)}.` };
  }
  // -0 is 0 for whoever reads the answer.
  return { ok: true, value: number === 0 ? 0 : number };
}

function checkInteger(value: string, field: FieldSpec): ParseResult {
  const written = value.replace(/\s/g, "");
  if (!/^[-+]?\d+$/.test(written)) {
    return {
      ok: false,
      error: readDecimal(value) ? "Saisissez un nombre entier, sans virgule, par exemple 3." : "Saisissez un nombre entier, par exemple 3.",
    };
  }
  const number = Number(written);
  if (written.replace(/^[-+]?0*/, "").length > NUMBER_MAX_DIGITS) return TOO_MANY_DIGITS;
  if (outOfRange(field, number)) {
    return { ok: false, error: `Saisissez un nombre entier ${numberRange(field)}.` };
  }
  return { ok: true, value: number === 0 ? 0 : number };
}

function checkAmount(value: string, field: FieldSpec): ParseResult {
  // « 12 € », « 12 euros »: the unit the page already shows is not a mistake.
  const decimal = readDecimal(value.replace(/\s*(€|euros?)$/i, ""));
  if (!decimal) {
    return { ok: false, error: "Saisissez un montant en euros, par exemple 150 ou 49,90." };
  }
  const { number, decimals, digits } = decimal;
  if (decimals > 2) {
    return { ok: false, error: "Saisissez un montant avec 2 chiffres après la virgule au plus, par exemple 49,90." };
  }
  if (digits > NUMBER_MAX_DIGITS || !Number.isFinite(number)) return TOO_MANY_DIGITS;
  if (outOfRange(field, number)) {
    return { ok: false, error: `Saisissez un montant ${numberRange(field, formatAmount)}.` };
  }
  return { ok: true, value: number === 0 ? 0 : number };
}

/**
 * A date field's bounds as days (YYYY-MM-DD), relative ones resolved against `today`. A bound the
 * base did not validate (an old definition) is ignored rather than refusing every answer.
 */
export function dateBounds(field: Pick<FieldSpec, "earliest" | "latest">, today?: string): { earliest?: string; latest?: string } {
  const [from, to] = [field.earliest && readDateBound(field.earliest), field.latest && readDateBound(field.latest)];
  if (!from && !to) return {};
  const day = today ?? parisDay();
  return { ...(from ? { earliest: resolveDateBound(from, day) } : {}), ...(to ? { latest: resolveDateBound(to, day) } : {}) };
}

/** The accepted days in words, for an error: « à partir du 30/11/2026 », « entre le … et le … ». */
function dayRange({ earliest, latest }: { earliest?: string; latest?: string }): string | undefined {
  if (earliest && latest) return `entre le ${formatDay(earliest)} et le ${formatDay(latest)}`;
  if (earliest) return `à partir du ${formatDay(earliest)}`;
  if (latest) return `au plus tard le ${formatDay(latest)}`;
  return undefined;
}

/** Accepts what a date input sends (2027-03-15) and what a person types without one (15/03/2027). */
function checkDate(value: string, field: FieldSpec, context: ParseContext): ParseResult {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : french
      ? [Number(french[3]), Number(french[2]), Number(french[1])]
      : [NaN, NaN, NaN];
  const date = new Date(Date.UTC(year, month - 1, day));
  const valid =
    Number.isFinite(year) && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!valid || year < 1900 || year > 2200) {
    return { ok: false, error: "Saisissez une date valide, par exemple 15/03/2027." };
  }
  const answer = date.toISOString().slice(0, 10);
  const bounds = dateBounds(field, context.today);
  // Days written YYYY-MM-DD compare as strings.
  if ((bounds.earliest && answer < bounds.earliest) || (bounds.latest && answer > bounds.latest)) {
    return { ok: false, error: `Saisissez une date ${dayRange(bounds)}.` };
  }
  return { ok: true, value: answer };
}

// ---------------------------------------------------------------------------------------------
// Postal code, SIRET

/** French postcodes: from 01000 (Ain) to 98899 (the overseas collectivities); 00xxx does not exist. */
function checkPostalCode(value: string): ParseResult {
  const code = value.replace(/\s/g, "");
  if (!/^\d{5}$/.test(code)) {
    return { ok: false, error: "Saisissez un code postal de 5 chiffres, par exemple 93140." };
  }
  if (code < "01000" || code > "98899") {
    return { ok: false, error: "Ce code postal n'existe pas : vérifiez les 5 chiffres." };
  }
  return { ok: true, value: code };
}

/**
 * La Poste's SIREN: its head office (35600000000048) passes the Luhn check, but its many
 * establishments cannot all have a NIC that does; for them the sum of the 14 digits is a multiple of 5.
 */
const LA_POSTE_SIREN = "356000000";

/** The Luhn checksum of a string of digits: every second digit from the right doubled. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[digits.length - 1 - i]);
    const term = i % 2 === 1 ? digit * 2 : digit;
    sum += term > 9 ? term - 9 : term;
  }
  return sum % 10 === 0;
}

/** Whether 14 digits are a SIRET whose checksum holds (INSEE's rule, La Poste's exception included). */
export function validSiret(siret: string): boolean {
  if (!/^\d{14}$/.test(siret)) return false;
  if (luhn(siret)) return true;
  return siret.startsWith(LA_POSTE_SIREN) && [...siret].reduce((sum, digit) => sum + Number(digit), 0) % 5 === 0;
}

function checkSiret(value: string): ParseResult {
  const siret = value.replace(/\s/g, "");
  if (!/^\d+$/.test(siret)) {
    return { ok: false, error: "Saisissez un numéro SIRET de 14 chiffres, par exemple 732 829 320 00074." };
  }
  if (siret.length !== 14) {
    return { ok: false, error: `Un numéro SIRET compte 14 chiffres : vous en avez saisi ${siret.length}.` };
  }
  if (!validSiret(siret)) {
    return { ok: false, error: "Ce numéro SIRET n'est pas valide : vérifiez les 14 chiffres." };
  }
  return { ok: true, value: siret };
}

// ---------------------------------------------------------------------------------------------
// Choices

/** `offered`: the answers of a type that fixes them (« Oui / non »); otherwise the question's Options. */
function choices(multiple: boolean, offered?: readonly string[]): Parse {
  return (field, raw) => {
    const options: readonly string[] = offered ?? field.options;
    const values = [...new Set((raw[field.key] ?? []).map((v) => v.trim()).filter(Boolean))];
    if (values.length === 0) {
      if (!field.required) return { ok: true, value: null };
      return {
        ok: false,
        error: multiple
          ? `Cochez au moins une réponse pour « ${field.label} ».`
          : `Choisissez une réponse pour « ${field.label} ».`,
      };
    }
    if (values.some((v) => !options.includes(v)) || (!multiple && values.length > 1)) {
      return { ok: false, error: "Choisissez parmi les réponses proposées." };
    }
    return { ok: true, value: multiple ? values : (values[0] as string) };
  };
}

const select: Parse = (field, raw) => {
  const value = first(raw, field.key);
  if (value === "") return field.required ? { ok: false, error: `Choisissez une réponse pour « ${field.label} ».` } : { ok: true, value: null };
  if (!field.options.includes(value)) return { ok: false, error: "Choisissez parmi les réponses proposées." };
  return { ok: true, value };
};

const consent: Parse = (field, raw) => {
  const checked = (raw[field.key] ?? []).some((v) => v.trim() !== "" && v !== "false");
  if (!checked && field.required) return { ok: false, error: `Cochez la case « ${field.label} » pour continuer.` };
  return { ok: true, value: checked };
};

// ---------------------------------------------------------------------------------------------
// Address: the label typed or chosen, with the BAN id when it was chosen in the list.

const ADDRESS_ID = /^[\w-]{1,64}$/;

/**
 * The error when a question asks for a house number (« Numéro obligatoire ») and the address has
 * none. Shared with the server's check of addresses typed without choosing in the list.
 */
export const HOUSE_NUMBER_REQUIRED =
  "Indiquez le numéro de l'adresse, pas seulement la rue : par exemple « 12 rue de la République ».";

/**
 * What a BAN id designates: a house number (93010_0620_00055, 93010_0620_00055_bis), a street or
 * a lieu-dit (93010_0620), a commune (93010); undefined when the id is not a BAN id.
 */
export function banIdKind(id: string): "housenumber" | "street" | "municipality" | undefined {
  if (!/^(\d{5}|2[AB]\d{3})(_[A-Za-z0-9]+)*$/i.test(id)) return undefined;
  const parts = id.split("_").length;
  return parts >= 3 ? "housenumber" : parts === 2 ? "street" : "municipality";
}

const address: Parse = (field, raw) => {
  const label = first(raw, field.key);
  if (label === "") return field.required ? { ok: false, error: requiredMessage(field) } : { ok: true, value: null };
  if (label.length > SHORT_TEXT_MAX) return maxLength(SHORT_TEXT_MAX)(label);
  const id = first(raw, addressIdName(field));
  if (!ADDRESS_ID.test(id)) return { ok: true, value: { label } };
  // Known only for an address chosen in the list: a typed one is taken as it is.
  const citycode = citycodeOfBanId(id);
  if (citycode && !inTerritory(citycode, field.territory)) return { ok: false, error: OUT_OF_TERRITORY };
  const kind = banIdKind(id);
  if (field.requireHouseNumber && kind && kind !== "housenumber") return { ok: false, error: HOUSE_NUMBER_REQUIRED };
  return { ok: true, value: { label, id } };
};

// ---------------------------------------------------------------------------------------------
// Commune: the name (or postcode) typed or chosen, with the INSEE code when it was chosen in the
// list. Only the server has the communes (lib/places): it completes a typed one with its code, or
// refuses it (lib/answers/commune-check.ts); here, a chosen one is held to the territory.

const commune: Parse = (field, raw) => {
  const label = first(raw, field.key);
  if (label === "") return field.required ? { ok: false, error: requiredMessage(field) } : { ok: true, value: null };
  if (label.length > COMMUNE_MAX) return maxLength(COMMUNE_MAX)(label);
  const code = first(raw, addressIdName(field)).toUpperCase();
  if (!CITYCODE.test(code)) return { ok: true, value: { label } };
  if (!inTerritory(code, field.territory)) return { ok: false, error: COMMUNE_OUT_OF_TERRITORY };
  return { ok: true, value: { label, id: code } };
};

/** « Département », « Région »: a list the State's data fixes, not the question's Options. */
const listed =
  (offered: readonly string[]): Parse =>
  (field, raw) =>
    select({ ...field, options: [...offered] }, raw);

// ---------------------------------------------------------------------------------------------

/** A text that explains or a section's title: it asks nothing, so whatever is sent under its name is not an answer. */
const nothingAsked: Parse = () => ({ ok: true, value: null });

export const FIELD_PARSERS = {
  "short-text": oneValue(maxLength(SHORT_TEXT_MAX)),
  "long-text": oneValue(maxLength(LONG_TEXT_MAX)),
  email: oneValue(checkEmail),
  phone: oneValue(checkPhone),
  number: oneValue(checkNumber),
  integer: oneValue(checkInteger),
  amount: oneValue(checkAmount),
  date: oneValue(checkDate),
  "postal-code": oneValue(checkPostalCode),
  siret: oneValue(checkSiret),
  "yes-no": choices(false, YES_NO),
  radio: choices(false),
  select,
  checkboxes: choices(true),
  consent,
  address,
  commune,
  department: listed(DEPARTMENT_LABELS),
  region: listed(REGION_LABELS),
  explanation: nothingAsked,
  section: nothingAsked,
} satisfies Record<FieldTypeId, Parse>;
