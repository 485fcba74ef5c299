// What a form field is, as the pages, the browser and the functions see it, and the ids its
// markup is built with. Every other module of a field type (parse, controls, markup, cells,
// Airtable columns) starts from these. Browser-safe: bundled into site/js/form.ts.
import type { Question } from "../base/model.ts";
import type { Territory } from "../address/territory.ts";

/**
 * A form field: a question of the base, under the key its answers are stored by (its record id),
 * with the territory for an address.
 */
export type FieldSpec = Omit<Question, "id" | "order"> & {
  /** The name under which the answer is submitted and stored: the question's record id. */
  key: string;
  /** For an address or a commune: the experiment's territory, when the Site table defines one. */
  territory?: Territory;
};

/**
 * Where an address lies, as the address provider knows it (never as the browser says): what lets
 * answers be counted by commune and placed on a map.
 */
export interface AddressParts {
  postcode: string;
  /** The commune's INSEE code. */
  citycode: string;
  /** The commune's name. */
  city: string;
  lon: number;
  lat: number;
}

/**
 * An address, or a commune (its name, and its INSEE code once known). An address the server found
 * with the provider also has its parts; an answer stored before they existed has none.
 */
export interface AddressValue extends Partial<AddressParts> {
  label: string;
  /** The BAN id of the address the citizen picked in the list, when they did; a commune's INSEE code. */
  id?: string;
}

/** An address's parts when it has them all (found by the server), else undefined. */
export function addressParts(value: AddressValue): AddressParts | undefined {
  const { postcode, citycode, city, lon, lat } = value;
  if (typeof postcode !== "string" || typeof citycode !== "string" || typeof city !== "string") return undefined;
  if (typeof lon !== "number" || typeof lat !== "number") return undefined;
  return { postcode, citycode, city, lon, lat };
}

/** An answer once parsed: what is stored, exported and written to Airtable. */
export type FieldValue = string | number | boolean | string[] | AddressValue;

/** Everything a form submitted, by field name: a name can carry several values (checkboxes). */
export type RawFields = Record<string, string[]>;

/** A RawFields with no prototype: a field named "constructor" or "__proto__" is just a field. */
export function emptyFields(): RawFields {
  return Object.create(null) as RawFields;
}

/** The id of the field's control (the fieldset for choices). */
export const fieldId = (field: FieldSpec): string => `q-${field.key}`;
/** The id of the region that shows the field's error message. */
export const messagesId = (field: FieldSpec): string => `${fieldId(field)}-messages`;
/** The id of a choice's input, counted from 0. */
export const optionId = (field: FieldSpec, index: number): string => `${fieldId(field)}-${index + 1}`;
/** Name of the hidden companion input that carries the chosen address's BAN id (a commune's INSEE code). */
export const addressIdName = (field: FieldSpec): string => `${field.key}__id`;
