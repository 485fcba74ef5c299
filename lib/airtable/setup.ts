// Creating the kit's tables in an Airtable base through the Meta API (npm run airtable:setup),
// and copying the embedded sample into it (npm run airtable:seed). Setup only ever adds: a table
// or field that exists is left as it is, whatever its content.
import type { RawBase } from "../base/model.ts";
import { HYPOTHESES, QUESTIONS, SERVICES, SITE, TABLES, VARIANTS, type FieldDefinition, type TableDefinition } from "../base/tables.ts";
import { ANSWERS_TABLE, answerFields } from "./answer-sink.ts";
import { STATS_TABLE, statsFields } from "./stats-sink.ts";
import type { FormDefinition } from "../forms/definitions.ts";
import {
  AirtableRequestFailed,
  MAX_RECORDS_PER_WRITE,
  paceRequest,
  REQUEST_TIMEOUT_MS,
  withRetries,
  type AirtableConfig,
} from "./client.ts";
import { CHECKBOX_OPTIONS, choicesOptions, DATE_OPTIONS, DATE_TIME_OPTIONS, type AirtableFieldSpec } from "./types.ts";

export interface MetaField {
  id: string;
  name: string;
  type: string;
  options?: unknown;
}

export interface MetaTable {
  id: string;
  name: string;
  primaryFieldId: string;
  fields: MetaField[];
}

export class AirtableApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = "AirtableApiError";
  }
}

/** A small Airtable REST client for what airtable.js does not cover (the Meta API), paced under 5 requests/s. */
export class AirtableApi {
  constructor(private readonly config: AirtableConfig) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const attempt = async (): Promise<T> => {
      await paceRequest(this.config.baseId);
      const response = await fetch(`${this.config.endpointUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.config.token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      // A gateway's error page is HTML: only JSON is read as JSON.
      const json: unknown = (response.headers.get("content-type") ?? "").includes("json") && text ? JSON.parse(text) : {};
      if (response.ok) return json as T;
      const error = (json as { error?: { type?: string; message?: string } | string }).error;
      const type = typeof error === "string" ? error : (error?.type ?? String(response.status));
      const message = typeof error === "object" && error?.message ? error.message : type;
      // The shape airtable.js rejects with, so that one classifyFailure reads both clients' errors.
      throw Object.assign(new Error(message), { statusCode: response.status, error: type });
    };
    try {
      return await withRetries(attempt);
    } catch (error) {
      if (!(error instanceof AirtableRequestFailed)) throw error;
      const { status, type, message } = error.failure;
      throw status === undefined
        ? new AirtableApiError(0, "NETWORK", `${method} ${path} : ${message}`)
        : new AirtableApiError(status, type ?? String(status), `${method} ${path} : ${status} ${message}`);
    }
  }

  tables(): Promise<MetaTable[]> {
    return this.request<{ tables: MetaTable[] }>("GET", `/v0/meta/bases/${this.config.baseId}/tables`).then((r) => r.tables);
  }

  createTable(name: string, fields: AirtableFieldSpec[], description?: string): Promise<MetaTable> {
    return this.request<MetaTable>("POST", `/v0/meta/bases/${this.config.baseId}/tables`, { name, description, fields });
  }

  createField(tableId: string, field: AirtableFieldSpec): Promise<MetaField> {
    return this.request<MetaField>("POST", `/v0/meta/bases/${this.config.baseId}/tables/${tableId}/fields`, field);
  }

  createRecords(table: string, records: Array<Record<string, unknown>>): Promise<Array<{ id: string }>> {
    return this.request<{ records: Array<{ id: string }> }>("POST", `/v0/${this.config.baseId}/${encodeURIComponent(table)}`, {
      records: records.map((fields) => ({ fields })),
      typecast: true,
    }).then((r) => r.records);
  }

  countRecords(table: string): Promise<number> {
    return this.request<{ records: unknown[] }>("GET", `/v0/${this.config.baseId}/${encodeURIComponent(table)}?pageSize=1`).then((r) => r.records.length);
  }
}

/** The Airtable fields of one of the base's tables, primary field first; links need the linked table's id. */
function baseTableFields(
  table: Pick<TableDefinition, "name" | "primaryField"> & { fields: Record<string, FieldDefinition> },
  tableIds: Map<string, string>,
): AirtableFieldSpec[] {
  const specs = Object.entries(table.fields).map(([name, def]): AirtableFieldSpec => {
    const spec: AirtableFieldSpec = { name, type: def.airtableType, description: def.description };
    if (def.airtableType === "singleSelect") spec.options = choicesOptions(def.choices ?? []);
    if (def.airtableType === "checkbox") spec.options = CHECKBOX_OPTIONS;
    if (def.airtableType === "number") spec.options = { precision: def.precision ?? 0 };
    if (def.airtableType === "date") spec.options = DATE_OPTIONS;
    if (def.airtableType === "dateTime") spec.options = DATE_TIME_OPTIONS;
    if (def.airtableType === "multipleRecordLinks") {
      const linked = tableIds.get(def.linkedTable ?? "");
      if (!linked) throw new Error(`table ${def.linkedTable} must exist before ${table.name}`);
      spec.options = { linkedTableId: linked };
    }
    return spec;
  });
  return [...specs.filter((s) => s.name === table.primaryField), ...specs.filter((s) => s.name !== table.primaryField)];
}

export interface SetupReport {
  createdTables: string[];
  addedFields: string[];
  /** Fields that exist with another type than the kit expects: left alone, but worth a look. */
  warnings: string[];
}

/**
 * Creates what is missing: the Site, Services and Questions tables, the answers table with
 * one column per question of the given forms, and the daily statistics table.
 */
export async function setupBase(api: AirtableApi, forms: FormDefinition[]): Promise<SetupReport> {
  const report: SetupReport = { createdTables: [], addedFields: [], warnings: [] };
  const existing = new Map((await api.tables()).map((t) => [t.name, t]));
  const tableIds = new Map([...existing.values()].map((t) => [t.name, t.id]));
  const wanted: Array<{ name: string; fields: () => AirtableFieldSpec[] }> = [
    ...TABLES.map((table) => ({ name: table.name, fields: () => baseTableFields(table, tableIds) })),
    { name: ANSWERS_TABLE, fields: () => answerFields(forms) },
    { name: STATS_TABLE, fields: statsFields },
  ];
  for (const { name, fields } of wanted) {
    const specs = fields();
    const table = existing.get(name);
    if (!table) {
      const created = await api.createTable(name, specs);
      tableIds.set(name, created.id);
      report.createdTables.push(name);
      continue;
    }
    for (const spec of specs) {
      const present = table.fields.find((f) => f.name === spec.name);
      if (!present) {
        await api.createField(table.id, spec);
        report.addedFields.push(`${name} › ${spec.name}`);
      } else if (present.type !== spec.type) {
        report.warnings.push(`${name} › ${spec.name} est de type « ${present.type} » (le kit attend « ${spec.type} ») : laissé tel quel.`);
      }
    }
  }
  return report;
}

export interface SeedReport {
  created: Record<string, number>;
  skipped: string[];
}

/**
 * Copies a base (the embedded sample) into Airtable's three tables, linking questions to the new
 * service records. Refuses to touch a table that already has records: seeding twice must not
 * duplicate anything.
 */
export async function seedBase(api: AirtableApi, raw: RawBase): Promise<SeedReport> {
  const report: SeedReport = { created: {}, skipped: [] };
  for (const table of [SITE, SERVICES, QUESTIONS, VARIANTS, HYPOTHESES]) {
    if ((await api.countRecords(table.name)) > 0) {
      throw new Error(`La table « ${table.name} » contient déjà des enregistrements : rien n'a été copié, pour ne rien dupliquer.`);
    }
  }
  const writeAll = async (table: string, records: Array<Record<string, unknown>>): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < records.length; i += MAX_RECORDS_PER_WRITE) {
      ids.push(...(await api.createRecords(table, records.slice(i, i + MAX_RECORDS_PER_WRITE))).map((r) => r.id));
    }
    report.created[table] = ids.length;
    return ids;
  };
  // Attachments are uploaded by URL in Airtable: a file of data/ has none, so it is left out.
  const withoutAttachments = (fields: Record<string, unknown>, table: string, id: string) => {
    const { Image, ...rest } = fields;
    if (Image) report.skipped.push(`${table} › ${id} › Image : ajoutez l'image dans Airtable (pièce jointe).`);
    return rest;
  };
  await writeAll(SITE.name, raw.site.map((r) => r.fields));
  const serviceIds = await writeAll(SERVICES.name, raw.services.map((r) => withoutAttachments(r.fields, SERVICES.name, r.id)));
  const newId = new Map(raw.services.map((r, i) => [r.id, serviceIds[i] as string]));
  const relink = (value: unknown) => ((value as string[] | undefined) ?? []).map((id) => newId.get(id) ?? id);
  const questionIds = await writeAll(QUESTIONS.name, raw.questions.map((r) => ({ ...r.fields, Service: relink(r.fields.Service) })));
  raw.questions.forEach((r, i) => newId.set(r.id, questionIds[i] as string));
  // Variants and hypotheses are optional: an empty table is left alone.
  if ((raw.variants ?? []).length > 0) await writeAll(VARIANTS.name, (raw.variants ?? []).map((r) => ({ ...r.fields, Service: relink(r.fields.Service) })));
  if ((raw.hypotheses ?? []).length > 0) {
    await writeAll(
      HYPOTHESES.name,
      (raw.hypotheses ?? []).map((r) => ({
        ...r.fields,
        Service: relink(r.fields.Service),
        ...(r.fields.Question ? { Question: relink(r.fields.Question) } : {}),
      })),
    );
  }
  return report;
}

