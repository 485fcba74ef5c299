// Writing the daily statistics to the Airtable Statistiques table: one row per service and day,
// upserted on a key made of both, so that writing the same day again (its counts grow until
// midnight) updates its row instead of adding one.
import type Airtable from "airtable";
import {
  AirtableRequestFailed,
  airtableBase,
  explainFailure,
  MAX_RECORDS_PER_WRITE,
  paceRequest,
  withRetries,
  type AirtableConfig,
  type Failure,
} from "./client.ts";
import { DATE_OPTIONS, type AirtableFieldSpec } from "./types.ts";
import type { DailyServiceStats, Funnel } from "../stats/report.ts";

export const STATS_TABLE = "Statistiques";

export const STATS_COLUMNS = {
  key: "Clé",
  service: "Service",
  day: "Jour",
  landingViews: "Vues de la page",
  formViews: "Vues du formulaire",
  starts: "Formulaires commencés",
  accepted: "Réponses reçues",
  quarantined: "En quarantaine",
  refused: "Refusées (erreurs à corriger)",
  discarded: "Robots écartés",
  conversion: "Conversion (%)",
} as const satisfies Record<keyof Funnel | "key" | "service" | "day" | "conversion", string>;

/** The funnel's counts, in the order of the columns, with what each one counts. */
const COUNT_DESCRIPTIONS: Record<keyof Funnel, string> = {
  landingViews: "Affichages de la page du service ce jour-là (toutes variantes confondues).",
  formViews: "Affichages du formulaire.",
  starts: "Formulaires commencés : la personne a rempli au moins une question.",
  accepted: "Réponses reçues et enregistrées (hors quarantaine).",
  quarantined: "Réponses mises en quarantaine (semblent automatiques) : à vérifier dans la table Réponses.",
  refused: "Envois refusés parce qu'une réponse était à corriger (chaque tentative compte).",
  discarded: "Envois de robots repérés par le champ piège, écartés sans être enregistrés.",
};

const COUNT_KEYS = Object.keys(COUNT_DESCRIPTIONS) as Array<keyof Funnel>;

/** The columns of the statistics table; the primary field (the upsert key) first. */
const STATS_FIELDS: readonly AirtableFieldSpec[] = [
  {
    name: STATS_COLUMNS.key,
    type: "singleLineText",
    description: "Le service et le jour (« conseil-renovation · 2026-11-30 ») : une ligne par service et par jour, mise à jour au fil de la journée.",
  },
  { name: STATS_COLUMNS.service, type: "singleLineText", description: "Le service (slug)." },
  { name: STATS_COLUMNS.day, type: "date", options: DATE_OPTIONS, description: "Le jour compté, à l'heure de Paris." },
  ...COUNT_KEYS.map((key): AirtableFieldSpec => ({ name: STATS_COLUMNS[key], type: "number", options: { precision: 0 }, description: COUNT_DESCRIPTIONS[key] })),
  {
    name: STATS_COLUMNS.conversion,
    type: "number",
    options: { precision: 1 },
    description: "Réponses reçues pour 100 vues de la page ; vide quand la page n'a pas été vue.",
  },
];

/** The fields to create the table with, primary first (copies: a caller may adjust them). */
export function statsFields(): AirtableFieldSpec[] {
  return STATS_FIELDS.map((field) => ({ ...field }));
}

/** The upsert key: readable in Airtable's primary column, unique per service and day. */
export const statsKey = (row: Pick<DailyServiceStats, "service" | "day">): string => `${row.service} · ${row.day}`;

/** Accepted answers per 100 landing views, to one decimal; null (an empty cell) without views. */
export function conversionPercent(row: Pick<Funnel, "accepted" | "landingViews">): number | null {
  return row.landingViews > 0 ? Math.round((row.accepted / row.landingViews) * 1000) / 10 : null;
}

export function statsRecord(row: DailyServiceStats): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    [STATS_COLUMNS.key]: statsKey(row),
    [STATS_COLUMNS.service]: row.service,
    [STATS_COLUMNS.day]: row.day,
  };
  for (const key of COUNT_KEYS) fields[STATS_COLUMNS[key]] = row[key];
  // null, not left out: an upsert only changes the cells it is given.
  fields[STATS_COLUMNS.conversion] = conversionPercent(row);
  return fields;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UNKNOWN_FIELD = /Unknown field name: "(.+)"/;

/** What the intrapreneur can do about a failed write, in French. */
function explainWriteFailure(failure: Failure): string {
  const what = `écriture des statistiques dans la table « ${STATS_TABLE} »`;
  if (failure.status === 404 || failure.type === "TABLE_NOT_FOUND") {
    return `${what} : la table est introuvable dans la base Airtable. Lancez « npm run airtable:setup » pour la créer.`;
  }
  const column = failure.type === "UNKNOWN_FIELD_NAME" ? UNKNOWN_FIELD.exec(failure.message)?.[1] : undefined;
  if (column) return `${what} : la colonne « ${column} » manque. Lancez « npm run airtable:setup » pour l'ajouter.`;
  return explainFailure(failure, what);
}

/**
 * Upserts the rows, 10 per request, each request paced under Airtable's 5 per second and retried
 * (429: after its 30 s lockout; 5xx, time-outs: with backoff). Throws an Error in French when a
 * batch fails for good; the batches before it are written.
 */
export async function writeDailyStats(
  config: AirtableConfig,
  rows: DailyServiceStats[],
  options: { sleep?: (ms: number) => Promise<void> } = {},
): Promise<{ written: number }> {
  for (const row of rows) {
    if (!row.service || !DAY.test(row.day)) throw new Error(`statistiques : ligne invalide (service « ${row.service} », jour « ${row.day} »)`);
  }
  // Airtable refuses two records with the same key in one upsert: the last row of a key wins.
  const records = [...new Map(rows.map((row) => [statsKey(row), statsRecord(row)])).values()];
  const table = airtableBase(config)(STATS_TABLE);
  // airtable.js passes these options through to the API; its typings predate performUpsert.
  // typecast: a column retyped by hand (Service as a single select) still takes the value.
  const upsert = { performUpsert: { fieldsToMergeOn: [STATS_COLUMNS.key] }, typecast: true } as unknown as { typecast: boolean };
  let written = 0;
  for (let i = 0; i < records.length; i += MAX_RECORDS_PER_WRITE) {
    const batch = records.slice(i, i + MAX_RECORDS_PER_WRITE).map((fields) => ({ fields }));
    try {
      await withRetries(
        async () => {
          await paceRequest(config.baseId);
          await table.update(batch as unknown as Airtable.RecordData<Partial<Airtable.FieldSet>>[], upsert);
        },
        { sleep: options.sleep },
      );
    } catch (error) {
      if (!(error instanceof AirtableRequestFailed)) throw error;
      throw new Error(explainWriteFailure(error.failure), { cause: error });
    }
    written += batch.length;
  }
  return { written };
}
