// Answers as a CSV that Excel and LibreOffice open correctly in French: UTF-8 with a BOM, ";"
// between cells, CRLF line ends, and no cell that a spreadsheet would run as a formula.
import { stringify } from "csv-stringify/sync";
import { ADDRESS_PART_COLUMNS, addressPartCells, addressPartName, answerCell } from "../forms/cells.ts";
import { takesAnswer } from "../forms/field-types.ts";
import { hasEligibility, type FormDefinition } from "../forms/definitions.ts";
import { originText, type Answer } from "./answer.ts";

/**
 * A cell starting with = + - @ (or tab / carriage return) is read as a formula by spreadsheets
 * (CSV injection). Prefixing a quote makes it plain text; the value stays readable.
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const dateFormat = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  dateStyle: "short",
  timeStyle: "medium",
});

export function answersToCsv(definition: FormDefinition, answers: Answer[]): string {
  // A text that explains asks nothing: no column.
  const form = { ...definition, fields: definition.fields.filter(takesAnswer) };
  const known = new Set(form.fields.map((f) => f.key));
  // Keep answers to questions removed from the base since: nothing a citizen sent is dropped.
  const removed = [...new Set(answers.flatMap((a) => Object.keys(a.values)).filter((key) => !known.has(key)))];
  // Whether the form ended as not eligible, and at which question (forms with « Non éligible si » only).
  const eligibility = hasEligibility(definition);
  const header = [
    "Identifiant",
    "Envoyée le",
    // An address is followed by its parts: its postcode, commune, INSEE code and coordinates.
    ...form.fields.flatMap((f) => [f.label, ...(f.type === "address" ? ADDRESS_PART_COLUMNS.map((column) => addressPartName(f.label, column)) : [])]),
    ...(eligibility ? ["Éligibilité"] : []),
    "Variante",
    "Provenance",
    ...removed.map((k) => `Question retirée (${k})`),
  ];
  const ineligibleAt = (answer: Answer) => {
    const key = answer.ineligible?.question;
    return key === undefined ? "Éligible" : `Non éligible (${definition.fields.find((f) => f.key === key)?.label ?? key})`;
  };
  const rows = answers.map((answer) => [
    answer.id,
    dateFormat.format(new Date(answer.submittedAt)),
    ...form.fields.flatMap((field) => {
      const value = answer.values[field.key];
      const cell = value === undefined ? "" : answerCell(field.type, value);
      return field.type === "address" ? [cell, ...addressPartCells(value)] : [cell];
    }),
    ...(eligibility ? [ineligibleAt(answer)] : []),
    // The landing page's variant (its slug; empty for the main page) and the visit's source.
    answer.variant ?? "",
    originText(answer),
    ...removed.map((key) => {
      const value = answer.values[key];
      return value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
    }),
  ]);
  return stringify([header, ...rows].map((row) => row.map(neutraliseCell)), {
    bom: true,
    delimiter: ";",
    record_delimiter: "windows",
  });
}
