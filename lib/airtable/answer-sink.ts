// Writing answers to the Airtable answers table: one row per answer, one column per question,
// upserted on the answer id so that a retry after a lost response never makes a second row.
import type Airtable from "airtable";
import { airtableBase, classifyFailure, MAX_RECORDS_PER_WRITE, REQUEST_TIMEOUT_MS, type AirtableConfig } from "./client.ts";
import { choicesOptions, DATE_TIME_OPTIONS, type AirtableFieldSpec } from "./types.ts";
import { addressPartFields, addressPartValues, airtableColumn, airtableValue } from "./columns.ts";
import type { FieldSpec } from "../forms/field-spec.ts";
import { takesAnswer } from "../vocabulary/index.ts";
import { hasEligibility, type FormDefinition } from "../forms/definitions.ts";
import { originText, QUARANTINE_REASONS, type Answer } from "../answers/answer.ts";

export const ANSWERS_TABLE = "Réponses";

export const ANSWER_COLUMNS = {
  id: "Identifiant",
  form: "Formulaire",
  submittedAt: "Envoyée le",
  source: "Source",
  status: "Statut",
  quarantineReason: "Motif de quarantaine",
  raw: "Données brutes",
} as const;

/**
 * Quarantined answers go to the same table, marked: the intrapreneur filters on this column (a
 * view "Réponses reçues", see README). One table keeps one schema and lets a release be a plain
 * upsert of the same row; Airtable's API cannot create the filtered view itself.
 */
export const ANSWER_STATUS = { received: "Reçue", quarantined: "En quarantaine" } as const;

/** The fixed columns of the answers table; the primary field (the answer id) first. */
export const FIXED_ANSWER_FIELDS: AirtableFieldSpec[] = [
  { name: ANSWER_COLUMNS.id, type: "singleLineText", description: "Identifiant unique de la réponse." },
  { name: ANSWER_COLUMNS.form, type: "singleLineText", description: "Le service (slug) dont le formulaire a été rempli." },
  { name: ANSWER_COLUMNS.submittedAt, type: "dateTime", options: DATE_TIME_OPTIONS, description: "Date et heure d'envoi." },
  { name: ANSWER_COLUMNS.source, type: "singleLineText", description: "D'où vient la réponse : web, la variante de la page et la source de la visite (ex. « web · variante courte · lettre / janvier »)." },
  {
    name: ANSWER_COLUMNS.status,
    type: "singleSelect",
    options: choicesOptions(Object.values(ANSWER_STATUS)),
    description: "« En quarantaine » : la réponse semble automatique (envoyée trop vite, sans mesure du temps) ; vérifiez-la, puis libérez-la avec npm run answers:review.",
  },
  { name: ANSWER_COLUMNS.quarantineReason, type: "singleLineText", description: "Pourquoi la réponse est en quarantaine." },
  {
    name: ANSWER_COLUMNS.raw,
    type: "multilineText",
    description: "Toutes les réponses, telles que reçues (JSON) : rien n'est perdu, même sans colonne pour une question.",
  },
];

/**
 * Whether the person was eligible, for forms with a « Non éligible si »: created by
 * airtable:setup, but written like a question's column (a base set up before it lacks it: the
 * answers still go, without it), so it is not among the fixed names.
 */
export const ELIGIBILITY_COLUMN = "Éligibilité";
export const ELIGIBILITY = { eligible: "Éligible", ineligible: "Non éligible" } as const;

const FIXED_NAMES: ReadonlySet<string> = new Set([...Object.values(ANSWER_COLUMNS), ELIGIBILITY_COLUMN]);

/**
 * The question columns: one per label, of the type of the first question with that label. Forms
 * asking the same question ("Nom") share its column; a question whose label is taken by a fixed
 * column or by a question of another type has no column, and its answers are in the raw column only.
 */
export function questionColumns(forms: FormDefinition[]): Map<string, FieldSpec> {
  const columns = new Map<string, FieldSpec>();
  for (const form of forms) {
    for (const field of form.fields) {
      // A text that explains asks nothing: no column.
      if (takesAnswer(field) && !FIXED_NAMES.has(field.label) && !columns.has(field.label)) columns.set(field.label, field);
    }
  }
  return columns;
}

/**
 * The names no address part column may take: the fixed columns' and the questions'. A part
 * column is created by airtable:setup but written like a question's column: a base set up before
 * it lacks it, and the answers still go, without it (see AirtableAnswerSink).
 */
function takenNames(columns: Map<string, FieldSpec>): ReadonlySet<string> {
  return new Set([...FIXED_NAMES, ...columns.keys()]);
}

export function answerFields(forms: FormDefinition[]): AirtableFieldSpec[] {
  const questions = questionColumns(forms);
  const taken = takenNames(questions);
  const columns = [...questions.values()].flatMap((field): AirtableFieldSpec[] => [
    { name: field.label, ...airtableColumn(field), description: field.hint },
    // An address is followed by its parts: postcode, commune, INSEE code and coordinates.
    ...(field.type === "address" ? addressPartFields(field.label, taken) : []),
  ]);
  const eligibility: AirtableFieldSpec = {
    name: ELIGIBILITY_COLUMN,
    type: "singleSelect",
    options: choicesOptions(Object.values(ELIGIBILITY)),
    description: "Pour un formulaire avec « Non éligible si » : « Non éligible » quand une réponse a arrêté le formulaire (la question est dans les données brutes).",
  };
  return [...FIXED_ANSWER_FIELDS, ...(forms.some(hasEligibility) ? [eligibility] : []), ...columns];
}

export type AnswerFields = Record<string, unknown>;

export function answerRecord(answer: Answer, form: FormDefinition | undefined, columns = questionColumns(form ? [form] : [])): AnswerFields {
  const fields: AnswerFields = {
    [ANSWER_COLUMNS.id]: answer.id,
    [ANSWER_COLUMNS.form]: answer.form,
    [ANSWER_COLUMNS.submittedAt]: answer.submittedAt,
    // With the landing page's variant and the visit's source, when known (no new column to create).
    [ANSWER_COLUMNS.source]: [answer.source, answer.variant ? `variante ${answer.variant}` : "", originText(answer)].filter(Boolean).join(" · "),
    [ANSWER_COLUMNS.status]: answer.quarantine ? ANSWER_STATUS.quarantined : ANSWER_STATUS.received,
    // Emptied on release: the upsert overwrites the cell.
    [ANSWER_COLUMNS.quarantineReason]: answer.quarantine ? QUARANTINE_REASONS[answer.quarantine.reason] : "",
  };
  if (hasEligibility(form)) fields[ELIGIBILITY_COLUMN] = answer.ineligible ? ELIGIBILITY.ineligible : ELIGIBILITY.eligible;
  const raw: Record<string, unknown> = {};
  let taken: ReadonlySet<string> | undefined;
  for (const [key, value] of Object.entries(answer.values)) {
    const field = form?.fields.find((f) => f.key === key);
    raw[field ? field.label : key] = value;
    if (field && columns.get(field.label)?.type === field.type) {
      fields[field.label] = airtableValue(field, value);
      if (field.type === "address") Object.assign(fields, addressPartValues(field.label, value, taken ??= takenNames(columns)));
    }
  }
  fields[ANSWER_COLUMNS.raw] = JSON.stringify(raw, null, 1);
  return fields;
}

/** Thrown when a write must simply be made again (the sink adapted to the table): no backoff, just the pace. */
export class WriteAgain extends Error {
  override name = "WriteAgain";
}

export interface AnswerSink {
  /** Writes up to 10 answers in one request; resolves once Airtable has them, rejects as airtable.js does. */
  write(answers: Answer[]): Promise<void>;
  /** Question columns missing from the Airtable table (their answers are kept in the raw column). */
  readonly missingColumns: ReadonlySet<string>;
}

const UNKNOWN_FIELD = /Unknown field name: "(.+)"/;

/** Only the fixed columns: what is left to write when Airtable refuses a question's value. */
function fixedOnly(record: AnswerFields): AnswerFields {
  return Object.fromEntries(Object.entries(record).filter(([name]) => FIXED_NAMES.has(name)));
}

export class AirtableAnswerSink implements AnswerSink {
  private readonly table: Airtable.Table<Airtable.FieldSet>;
  private readonly missing = new Set<string>();
  private readonly columns: Map<string, FieldSpec>;
  /** Answers whose values a column refused: written again with the fixed columns only. */
  private readonly rawOnly = new Set<string>();

  constructor(
    config: AirtableConfig,
    private readonly forms: Record<string, FormDefinition>,
    requestTimeoutMs = REQUEST_TIMEOUT_MS,
  ) {
    this.table = airtableBase(config, requestTimeoutMs)(ANSWERS_TABLE);
    this.columns = questionColumns(Object.values(forms));
  }

  get missingColumns(): ReadonlySet<string> {
    return this.missing;
  }

  async write(answers: Answer[]): Promise<void> {
    if (answers.length > MAX_RECORDS_PER_WRITE) throw new Error(`at most ${MAX_RECORDS_PER_WRITE} answers per write`);
    const records = answers.map((answer) => {
      const record = answerRecord(answer, this.forms[answer.form], this.columns);
      const kept = this.rawOnly.has(answer.id) ? fixedOnly(record) : record;
      return Object.fromEntries(Object.entries(kept).filter(([name]) => !this.missing.has(name)));
    });
    try {
      // airtable.js passes these options through to the API; its typings predate performUpsert.
      const options = { performUpsert: { fieldsToMergeOn: [ANSWER_COLUMNS.id] }, typecast: true } as unknown as { typecast: boolean };
      await this.table.update(records.map((fields) => ({ fields })) as unknown as Airtable.RecordData<Partial<Airtable.FieldSet>>[], options);
      for (const answer of answers) this.rawOnly.delete(answer.id);
    } catch (error) {
      const failure = classifyFailure(error);
      // A question added since `npm run airtable:setup` has no column yet: write without it (the
      // raw column keeps its answers) rather than block the queue.
      const name = failure.type === "UNKNOWN_FIELD_NAME" ? UNKNOWN_FIELD.exec(failure.message)?.[1] : undefined;
      if (name && (!FIXED_NAMES.has(name) || name === ELIGIBILITY_COLUMN) && !this.missing.has(name)) {
        this.missing.add(name);
        throw new WriteAgain(`column « ${name} » missing`);
      }
      // A value a column refuses (a column whose type was changed by hand, say) must not block the
      // queue either: the batch goes again with the fixed columns only, the raw column keeping every
      // answer. Anything else (bad token, missing table) is for a person to fix.
      const refusedValue = failure.status === 422 && failure.type?.startsWith("INVALID_VALUE");
      if (refusedValue && answers.some((a) => !this.rawOnly.has(a.id))) {
        for (const answer of answers) this.rawOnly.add(answer.id);
        throw new WriteAgain("a column refused a value");
      }
      throw error;
    }
  }
}
