// The validated model the pages and form definitions are built from, whatever the base's source.
import { FIELD_TYPE_BY_LABEL, FIELD_TYPE_VOCABULARY, formatNumber, type FieldTypeId } from "../vocabulary/index.ts";
import { QUESTIONS, SERVICES, SITE, type TableDefinition } from "./tables.ts";
import { CITYCODE, DEPARTEMENT } from "../address/departements.ts";
import type { z } from "zod";

/** A record as Airtable's list-records API returns it, and as data/base/*.json stores it. */
export interface BaseRecord {
  id: string;
  createdTime?: string;
  fields: Record<string, unknown>;
}

export interface RawBase {
  site: BaseRecord[];
  services: BaseRecord[];
  questions: BaseRecord[];
}

export type { Territory } from "../address/territory.ts";
import type { Territory } from "../address/territory.ts";

export interface SiteSettings {
  name: string;
  description?: string;
  ministry: string[];
  contactEmail: string;
  publisher: string;
  publisherAddress: string[];
  publicationDirector: string;
  host: string[];
  territory: Territory;
  retention?: string;
  accessibility: string;
}

/** A question of the Questions table, validated. */
export interface Question {
  /** Its record id: answers are stored under it, so renaming the label keeps them. */
  id: string;
  order: number;
  label: string;
  hint?: string;
  type: FieldTypeId;
  required: boolean;
  options: string[];
  placeholder?: string;
  /** An HTML autocomplete token (WCAG 1.3.5), e.g. "given-name". */
  autocomplete?: string;
  /** For a number: the smallest value accepted (« Minimum »). */
  min?: number;
  /** For a number: the largest value accepted (« Maximum »). */
  max?: number;
  /** For an address: a street alone is refused (« Numéro obligatoire »). */
  requireHouseNumber?: boolean;
}

/** An image of the base: an Airtable attachment URL, or a path under data/ in the embedded base. */
export interface Image {
  url: string;
  filename?: string;
  /** Empty for a decorative image. */
  alt: string;
  /** Where the build put it in the site, once copied ("/images/…"). */
  src?: string;
}

export interface Service {
  id: string;
  image?: Image;
  slug: string;
  title: string;
  tagline: string;
  problem: string[];
  promise: string[];
  benefits: string[];
  cta: string;
  published: boolean;
  confirmation: string[];
  order: number;
  questions: Question[];
}

export interface Model {
  site: SiteSettings;
  /** Every service, published or not, in display order. */
  services: Service[];
}

/** One thing wrong in the base, located for the intrapreneur. */
export interface Problem {
  table: string;
  recordId?: string;
  recordName?: string;
  field?: string;
  message: string;
}

export function formatProblem(problem: Problem): string {
  const record = problem.recordId
    ? `, enregistrement ${problem.recordId}${problem.recordName ? ` (« ${problem.recordName} »)` : ""}`
    : "";
  const field = problem.field ? `, champ « ${problem.field} »` : "";
  return `Table « ${problem.table} »${record}${field} : ${problem.message}`;
}

export class BaseValidationError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      `La base contient ${problems.length} erreur${problems.length > 1 ? "s" : ""} :\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
    );
    this.name = "BaseValidationError";
  }
}

type TableLike<S extends z.ZodType> = Pick<TableDefinition, "name" | "primaryField"> & { schema: S };

function recordName(table: Pick<TableDefinition, "primaryField">, record: BaseRecord): string | undefined {
  const value = record.fields[table.primaryField];
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

/** Validates every record of a table, collecting problems instead of stopping at the first. */
function parseTable<S extends z.ZodType>(
  table: TableLike<S>,
  records: BaseRecord[],
  problems: Problem[],
): Array<{ record: BaseRecord; fields: z.output<S> }> {
  const parsed: Array<{ record: BaseRecord; fields: z.output<S> }> = [];
  for (const record of records) {
    const result = table.schema.safeParse(record.fields ?? {});
    if (result.success) {
      parsed.push({ record, fields: result.data });
      continue;
    }
    for (const issue of result.error.issues) {
      problems.push({
        table: table.name,
        recordId: record.id,
        recordName: recordName(table, record),
        field: issue.path.length ? String(issue.path[0]) : undefined,
        message: issue.message,
      });
    }
  }
  return parsed;
}


function parseTerritory(value: string | undefined, at: Omit<Problem, "message">, problems: Problem[]): Territory {
  const territory: Territory = { departements: [], communes: [] };
  for (const code of (value ?? "").split(/[\s,;]+/).filter(Boolean)) {
    const upper = code.toUpperCase();
    if (CITYCODE.test(upper)) territory.communes.push(upper);
    else if (DEPARTEMENT.test(upper)) territory.departements.push(upper);
    else problems.push({ ...at, message: `le code « ${code} » n'est ni un département (ex. 93) ni une commune (code INSEE, ex. 93010)` });
  }
  return territory;
}

/** Turns the raw tables into the model, or throws a BaseValidationError listing every problem. */
export function validateBase(raw: RawBase): Model {
  const problems: Problem[] = [];

  const sites = parseTable(SITE, raw.site, problems);
  if (raw.site.length !== 1) {
    problems.push({
      table: SITE.name,
      message: `la table doit contenir exactement un enregistrement, elle en contient ${raw.site.length}`,
    });
  }
  const site = sites[0];
  const territory = site
    ? parseTerritory(site.fields.Territoire, { table: SITE.name, recordId: site.record.id, recordName: site.fields["Nom du site"], field: "Territoire" }, problems)
    : undefined;

  const services = parseTable(SERVICES, raw.services, problems);
  const bySlug = new Map<string, string>();
  for (const { record, fields } of services) {
    const other = bySlug.get(fields.Slug);
    if (other) {
      problems.push({
        table: SERVICES.name,
        recordId: record.id,
        recordName: fields.Slug,
        field: "Slug",
        message: `le slug « ${fields.Slug} » est déjà utilisé par l'enregistrement ${other}`,
      });
    }
    bySlug.set(fields.Slug, record.id);
  }

  const serviceIds = new Set(raw.services.map((record) => record.id));
  const questionsByService = new Map<string, Question[]>();
  for (const { record, fields } of parseTable(QUESTIONS, raw.questions, problems)) {
    const at = { table: QUESTIONS.name, recordId: record.id, recordName: fields.Libellé };
    const serviceId = fields.Service[0] as string;
    if (!serviceIds.has(serviceId)) {
      problems.push({ ...at, field: "Service", message: `le service ${serviceId} n'existe pas dans la table « Services »` });
      continue;
    }
    const type = FIELD_TYPE_BY_LABEL.get(fields.Type) as FieldTypeId;
    if (FIELD_TYPE_VOCABULARY[type].needsOptions && fields.Options.length === 0) {
      problems.push({ ...at, field: "Options", message: `une question de type « ${fields.Type} » doit proposer au moins une réponse (une par ligne)` });
    }
    const duplicateOption = fields.Options.find((option, index) => fields.Options.indexOf(option) !== index);
    if (duplicateOption) {
      problems.push({ ...at, field: "Options", message: `la réponse « ${duplicateOption} » apparaît deux fois` });
    }
    const { Minimum: min, Maximum: max } = fields;
    const onlyFor = (id: FieldTypeId, what: string) =>
      `ne s'applique qu'aux questions de type « ${FIELD_TYPE_VOCABULARY[id].label} » ; ${what} ou changez le type`;
    for (const [column, value] of [["Minimum", min], ["Maximum", max]] as const) {
      if (value !== undefined && type !== "number") problems.push({ ...at, field: column, message: onlyFor("number", "videz ce champ") });
    }
    if (type === "number" && min !== undefined && max !== undefined && min > max) {
      problems.push({
        ...at,
        field: "Minimum",
        message: `le minimum (${formatNumber(min)}) doit être inférieur ou égal au maximum (${formatNumber(max)})`,
      });
    }
    if (fields["Numéro obligatoire"] && type !== "address") {
      problems.push({ ...at, field: "Numéro obligatoire", message: onlyFor("address", "décochez la case") });
    }
    const list = questionsByService.get(serviceId) ?? [];
    list.push({
      id: record.id,
      order: fields.Ordre,
      label: fields.Libellé,
      hint: fields.Aide,
      type,
      required: fields.Obligatoire,
      options: fields.Options,
      placeholder: fields.Exemple,
      autocomplete: fields.Autocomplétion,
      ...(type === "number" && min !== undefined ? { min } : {}),
      ...(type === "number" && max !== undefined ? { max } : {}),
      ...(type === "address" && fields["Numéro obligatoire"] ? { requireHouseNumber: true } : {}),
    });
    questionsByService.set(serviceId, list);
  }

  const model: Service[] = services.map(({ record, fields }, index) => ({
    id: record.id,
    slug: fields.Slug,
    title: fields.Titre,
    tagline: fields.Accroche,
    problem: fields.Problème,
    promise: fields.Promesse,
    benefits: fields.Bénéfices,
    cta: fields.Bouton,
    published: fields.Publié,
    confirmation: fields["Message de confirmation"],
    ...(fields.Image ? { image: { url: fields.Image.url, filename: fields.Image.filename, alt: fields["Texte alternatif de l'image"] ?? "" } } : {}),
    order: fields.Ordre ?? index + 1000,
    questions: (questionsByService.get(record.id) ?? []).sort((a, b) => a.order - b.order),
  }));
  for (const service of model) {
    if (service.published && service.questions.length === 0) {
      problems.push({
        table: SERVICES.name,
        recordId: service.id,
        recordName: service.slug,
        field: "Publié",
        message: "un service publié doit avoir au moins une question dans la table « Questions »",
      });
    }
  }

  if (problems.length > 0 || !site || !territory) throw new BaseValidationError(problems);

  return {
    site: {
      name: site.fields["Nom du site"],
      description: site.fields.Description,
      ministry: site.fields.Ministère,
      contactEmail: site.fields["E-mail de contact"],
      publisher: site.fields.Éditeur,
      publisherAddress: site.fields["Adresse de l'éditeur"],
      publicationDirector: site.fields["Directeur de la publication"],
      host: site.fields.Hébergeur,
      territory,
      retention: site.fields["Durée de conservation"],
      accessibility: site.fields["Conformité accessibilité"],
    },
    services: model.sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug)),
  };
}
