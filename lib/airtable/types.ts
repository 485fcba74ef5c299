// Airtable's field types and field specifications, as its Meta API takes them.
import type { ColumnType } from "../vocabulary/index.ts";

export type AirtableFieldType = ColumnType;

export interface AirtableFieldSpec {
  name: string;
  type: AirtableFieldType;
  options?: Record<string, unknown>;
  description?: string;
}

/** The options Airtable requires when creating a field of these types. */
export const choicesOptions = (choices: readonly string[]) => ({ choices: choices.map((name) => ({ name })) });
export const CHECKBOX_OPTIONS = { icon: "check", color: "greenBright" };
export const NUMBER_OPTIONS = { precision: 2 };
export const DATE_OPTIONS = { dateFormat: { name: "european" } };
export const DATE_TIME_OPTIONS = { dateFormat: { name: "european" }, timeFormat: { name: "24hour" }, timeZone: "Europe/Paris" };
