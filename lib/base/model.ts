// The validated model the pages and form definitions are built from, whatever the base's source.
// Each record is read by its table's schema (lib/base/tables.ts), which names, types and checks
// every field; what needs several records or several fields is checked here. Every problem is
// collected, located by table, record and field, before anything is refused.
import {
  FIELD_TYPE_IDS,
  FIELD_TYPE_VOCABULARY,
  formatNumber,
  HYPOTHESIS_METRICS,
  readDateBound,
  YES_NO,
  type Condition,
  type ConditionOperator,
  type DateBound,
  type Rule,
  type FieldTypeId,
} from "../vocabulary/index.ts";
import {
  fold,
  HYPOTHESES,
  nearestField,
  nearestName,
  QUESTIONS,
  SERVICES,
  SITE,
  VARIANTS,
  type HypothesisFields,
  type QuestionFields,
  type ServiceFields,
  type SiteFields,
  type TableDefinition,
  type VariantFields,
} from "./tables.ts";

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
  /** Optional tables: a base without them has no variants and no hypotheses. */
  variants?: BaseRecord[];
  hypotheses?: BaseRecord[];
  /**
   * Whether a field the tables do not define is an error. readEmbeddedBase sets it: in data/base/
   * such a field is a typo. Airtable sends every column, the intrapreneur's own ones too: ignored.
   */
  strictFields?: boolean;
}

export type { Territory } from "../address/territory.ts";
export type { Image } from "./tables.ts";

/** The Site record: the model's shape is its schema's output (lib/base/tables.ts). */
export type SiteSettings = SiteFields;

/** A question of the Questions table, validated. The columns its type does not use (min, max, earliest, latest, requireHouseNumber) are left out. */
export interface Question extends Omit<QuestionFields, "service" | "showIf" | "ineligibleIf" | "ineligibleMessage" | "prefill"> {
  /** Its record id: answers are stored under it, so renaming the label keeps them. */
  id: string;
  /** Its « Afficher si », read: asked only when all hold (absent: always asked). */
  conditions?: Condition[];
  /** Its « Non éligible si », read: an answer meeting any of them ends the form as not eligible. */
  ineligibleIf?: Rule[];
  /** What a person not eligible reads, a paragraph per line (absent: a general message). */
  ineligibleMessage?: string[];
  /** Its « Paramètre d'URL »: the query parameter that prefills it. */
  prefill?: string;
}

/** A version of a service's landing page, with the texts it changes. */
export interface Variant extends Omit<VariantFields, "service"> {
  id: string;
}

/** A statement the service's numbers will confirm or not. */
export interface Hypothesis extends Omit<HypothesisFields, "service" | "question"> {
  id: string;
  /** For the « answer-value » metric: the question's record id (its answers' key). */
  question?: string;
}

export interface Service extends Omit<ServiceFields, "order"> {
  id: string;
  /** Its « Ordre », or after every service that has one. */
  order: number;
  questions: Question[];
  /** Its variants, in the table's order (none: the one landing page). */
  variants: Variant[];
  hypotheses: Hypothesis[];
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
        // A problem on several lines (a JSON excerpt) stays under its bullet.
        problems.map((p) => `  - ${formatProblem(p).replaceAll("\n", "\n    ")}`).join("\n"),
    );
    this.name = "BaseValidationError";
  }
}

type Table<M> = Pick<TableDefinition, "name" | "primaryField" | "fields"> & Pick<TableDefinition<never, M>, "schema" | "strictSchema">;

/** The record's primary value, or that of a misspelled primary field ("Libelle" for "Libellé"). */
function recordName(table: Pick<TableDefinition, "primaryField" | "fields">, record: BaseRecord): string | undefined {
  const fields = record.fields ?? {};
  const column = Object.hasOwn(fields, table.primaryField)
    ? table.primaryField
    : Object.keys(fields).find((name) => !Object.hasOwn(table.fields, name) && nearestField(table, name) === table.primaryField);
  const value = column === undefined ? undefined : fields[column];
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

/** Validates every record of a table, collecting problems instead of stopping at the first. */
function parseTable<M>(
  table: Table<M>,
  records: BaseRecord[],
  strict: boolean,
  problems: Problem[],
): Array<{ record: BaseRecord; fields: M }> {
  const schema = strict ? table.strictSchema : table.schema;
  const parsed: Array<{ record: BaseRecord; fields: M }> = [];
  for (const record of records) {
    const result = schema.safeParse(record.fields ?? {});
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

/** The types the Questions table's Minimum and Maximum apply to. */
const RANGE_TYPES = FIELD_TYPE_IDS.filter((id) => FIELD_TYPE_VOCABULARY[id].range);

/** « Nombre », « Nombre entier » ou « Montant en euros ». */
function typeLabels(ids: FieldTypeId[]): string {
  const labels = ids.map((id) => `« ${FIELD_TYPE_VOCABULARY[id].label} »`);
  return labels.length > 1 ? `${labels.slice(0, -1).join(", ")} ou ${labels.at(-1)}` : (labels[0] ?? "");
}

/**
 * Roughly how many days from today a relative bound is: enough to order two of them whatever the
 * day. A year counts as 12 months first, so « +12 mois » and « +1 an » are the same day.
 */
const approximateDays = (bound: DateBound & { kind: "relative" }): number =>
  bound.unit === "day" ? bound.amount : bound.amount * (bound.unit === "year" ? 12 : 1) * (365.2425 / 12);

/**
 * Whether « au plus tôt » falls after « au plus tard » whatever the day the form is filled in: two
 * days, or two offsets. A day and an offset cross as time goes by (« from today until 2026-12-31 »
 * closes after that day, as meant): not a mistake in the base.
 */
function boundsCross(earliest: DateBound, latest: DateBound): boolean {
  if (earliest.kind === "absolute" && latest.kind === "absolute") return earliest.date > latest.date;
  if (earliest.kind === "relative" && latest.kind === "relative") return approximateDays(earliest) > approximateDays(latest);
  return false;
}

const CONDITION_SYNTAX =
  "écrivez une condition par ligne : le libellé d'une question précédente, puis = (ou ≠) et une réponse, ou « contient » et une réponse cochée ; ex. « Êtes-vous propriétaire ? = Oui »";

// "!=" is not "=" preceded by "!": the lookbehind keeps « a != b » from reading as « a ! » = « b ».
const CONDITION_OPERATORS: ReadonlyArray<readonly [RegExp, ConditionOperator]> = [
  [/\s*(?:≠|!=)\s*/g, "differs"],
  [/\s*(?<!!)=\s*/g, "equals"],
  [/\s+contient\s+/giu, "contains"],
];

/** « Oui » or "Oui" read as Oui: the intrapreneur may quote a label or an answer. */
function unquote(text: string): string {
  const trimmed = text.trim();
  return /^[«"“]\s*(.*?)\s*[»"”]$/su.exec(trimmed)?.[1] ?? trimmed;
}

/** Which answers a choice question offers (none for a type that takes any text). */
const offeredAnswers = (question: Question): readonly string[] =>
  question.type === "yes-no" ? YES_NO : FIELD_TYPE_VOCABULARY[question.type].needsOptions ? question.options : [];

/**
 * One line of « Afficher si », read against the service's questions (in order), or what is wrong
 * with it. A label may itself hold "=" or « contient »: of the ways to split the line, the one
 * that names a question wins.
 */
function readCondition(line: string, question: Question, questions: Question[]): Condition | { problem: string } {
  const byLabel = (label: string) => questions.find((q) => fold(q.label) === fold(label));
  const splits = CONDITION_OPERATORS.flatMap(([pattern, operator]) =>
    [...line.matchAll(pattern)].map((m) => ({
      at: m.index,
      operator,
      label: unquote(line.slice(0, m.index)),
      value: unquote(line.slice(m.index + m[0].length)),
    })),
  )
    .filter((split) => split.label !== "" && split.value !== "")
    .sort((a, b) => a.at - b.at);
  const split = splits.find((s) => byLabel(s.label)) ?? splits[0];
  if (!split) return { problem: `la ligne « ${line} » n'est pas lisible ; ${CONDITION_SYNTAX}` };
  const { label, operator, value } = split;
  const target = byLabel(label);
  const earlier = questions.filter((q) => q.order < question.order && q.id !== question.id);
  if (!target) {
    const near = nearestName(
      questions.filter((q) => q.id !== question.id).map((q) => q.label),
      label,
    );
    return {
      problem: near
        ? `la question « ${label} » n'existe pas dans ce service ; vouliez-vous dire « ${near} » ?`
        : `la question « ${label} » n'existe pas dans ce service ; ${earlier.length ? `questions précédentes : ${earlier.map((q) => q.label).join(", ")}` : "aucune question ne précède celle-ci"}`,
    };
  }
  if (target.id === question.id) return { problem: `une question ne peut pas dépendre d'elle-même (« ${line} »)` };
  if (target.order >= question.order) {
    return {
      problem: `la question « ${target.label} » ne vient pas avant celle-ci (Ordre ${formatNumber(target.order)}, celle-ci : ${formatNumber(question.order)}) ; une condition ne porte que sur une question posée avant : changez l'Ordre de l'une des deux`,
    };
  }
  const targetType = FIELD_TYPE_VOCABULARY[target.type];
  if (!targetType.answered) return { problem: `la question « ${target.label} » est un « ${targetType.label} » : elle n'attend pas de réponse` };
  if (operator === "contains" && target.type !== "checkboxes") {
    return {
      problem: `« contient » ne s'applique qu'aux questions de type « ${FIELD_TYPE_VOCABULARY.checkboxes.label} » ; « ${target.label} » est de type « ${targetType.label} » : écrivez « ${target.label} = ${value} »`,
    };
  }
  const offered = offeredAnswers(target);
  if (offered.length === 0) return { question: target.id, operator, value };
  // « oui » for « Oui »: the answer as the question offers it, since answers are compared as stored.
  const answer = offered.includes(value) ? value : offered.find((option) => fold(option) === fold(value));
  if (answer === undefined) {
    return { problem: `« ${value} » n'est pas une réponse proposée par la question « ${target.label} » ; réponses : ${offered.join(", ")}` };
  }
  return { question: target.id, operator, value: answer };
}

const RULE_SYNTAX = "écrivez une réponse par ligne, précédée de = (ou ≠, ou « contient » pour un « Choix multiples ») ; ex. « = Non »";

/** One line of « Non éligible si »: a test on the question's own answer, « = » when no operator is written. */
function readRule(line: string, question: Question): Rule | { problem: string } {
  const written = /^\s*(≠|!=|=|contient\s)\s*(.*)$/iu.exec(line);
  const operator: ConditionOperator = !written ? "equals" : written[1] === "=" ? "equals" : /contient/i.test(written[1] as string) ? "contains" : "differs";
  const value = unquote(written ? (written[2] as string) : line);
  if (value === "") return { problem: `la ligne « ${line} » n'a pas de réponse ; ${RULE_SYNTAX}` };
  const type = FIELD_TYPE_VOCABULARY[question.type];
  if (operator === "contains" && question.type !== "checkboxes") {
    return { problem: `« contient » ne s'applique qu'aux questions de type « ${FIELD_TYPE_VOCABULARY.checkboxes.label} » ; celle-ci est de type « ${type.label} » : écrivez « = ${value} »` };
  }
  const offered = offeredAnswers(question);
  if (offered.length === 0) return { operator, value };
  const answer = offered.includes(value) ? value : offered.find((option) => fold(option) === fold(value));
  if (answer === undefined) return { problem: `« ${value} » n'est pas une réponse proposée par cette question ; réponses : ${offered.join(", ")}` };
  return { operator, value: answer };
}

/** A « Paramètre d'URL »: short, and none the pages already read for their own counts. */
const PREFILL_NAME = /^[a-z][a-z0-9_]{0,29}$/;
const isReservedParameter = (name: string) => name === "ref" || name.startsWith("utm_") || name.startsWith("_");

/** Turns the raw tables into the model, or throws a BaseValidationError listing every problem. */
export function validateBase(raw: RawBase): Model {
  const problems: Problem[] = [];
  const strict = raw.strictFields ?? false;

  const sites = parseTable(SITE, raw.site, strict, problems);
  if (raw.site.length !== 1) {
    problems.push({
      table: SITE.name,
      message: `la table doit contenir exactement un enregistrement, elle en contient ${raw.site.length}`,
    });
  }
  const site = sites[0];

  const services = parseTable(SERVICES, raw.services, strict, problems);
  const bySlug = new Map<string, string>();
  for (const { record, fields } of services) {
    const other = bySlug.get(fields.slug);
    if (other) {
      problems.push({
        table: SERVICES.name,
        recordId: record.id,
        recordName: fields.slug,
        field: SERVICES.columns.slug,
        message: `le slug « ${fields.slug} » est déjà utilisé par l'enregistrement ${other}`,
      });
    }
    bySlug.set(fields.slug, record.id);
  }

  const serviceIds = new Set(raw.services.map((record) => record.id));
  const questionsByService = new Map<string, Question[]>();
  const conditionLines = new Map<string, string[]>();
  const column = QUESTIONS.columns;
  for (const { record, fields } of parseTable(QUESTIONS, raw.questions, strict, problems)) {
    const at = { table: QUESTIONS.name, recordId: record.id, recordName: fields.label };
    const { service: serviceId, min, max, earliest, latest, requireHouseNumber, showIf, ineligibleIf, ineligibleMessage, prefill, ...question } = fields;
    const { type, options } = question;
    if (!serviceIds.has(serviceId)) {
      problems.push({ ...at, field: column.service, message: `le service ${serviceId} n'existe pas dans la table « ${SERVICES.name} »` });
      continue;
    }
    const typeLabel = FIELD_TYPE_VOCABULARY[type].label;
    if (FIELD_TYPE_VOCABULARY[type].needsOptions && options.length === 0) {
      problems.push({ ...at, field: column.options, message: `une question de type « ${typeLabel} » doit proposer au moins une réponse (une par ligne)` });
    }
    const duplicateOption = options.find((option, index) => options.indexOf(option) !== index);
    if (duplicateOption) {
      problems.push({ ...at, field: column.options, message: `la réponse « ${duplicateOption} » apparaît deux fois` });
    }
    const onlyFor = (ids: FieldTypeId[], what: string) =>
      `ne s'applique qu'aux questions de type ${typeLabels(ids)} ; ${what} ou changez le type`;
    const { range, answered } = FIELD_TYPE_VOCABULARY[type];
    for (const [name, value] of [[column.min, min], [column.max, max]] as const) {
      if (value !== undefined && !range) problems.push({ ...at, field: name, message: onlyFor(RANGE_TYPES, "videz ce champ") });
    }
    if (!answered && question.required) {
      problems.push({
        ...at,
        field: column.required,
        message: `une question de type « ${typeLabel} » n'attend pas de réponse, elle ne peut pas être obligatoire ; décochez la case ou changez le type`,
      });
    }
    if (range && min !== undefined && max !== undefined && min > max) {
      problems.push({
        ...at,
        field: column.min,
        message: `le minimum (${formatNumber(min)}) doit être inférieur ou égal au maximum (${formatNumber(max)})`,
      });
    }
    const dated = type === "date";
    for (const [name, value] of [[column.earliest, earliest], [column.latest, latest]] as const) {
      if (value !== undefined && !dated) problems.push({ ...at, field: name, message: onlyFor(["date"], "videz ce champ") });
    }
    // Both were read by the table's schema: only readable bounds get here.
    const [from, to] = [earliest && readDateBound(earliest), latest && readDateBound(latest)];
    if (dated && from && to && boundsCross(from, to)) {
      problems.push({
        ...at,
        field: column.earliest,
        message: `la date au plus tôt (${earliest}) tombe après la date au plus tard (${latest}) : aucune date ne serait acceptée ; échangez-les ou corrigez l'une des deux`,
      });
    }
    if (requireHouseNumber && type !== "address") {
      problems.push({ ...at, field: column.requireHouseNumber, message: onlyFor(["address"], "décochez la case") });
    }
    if ((ineligibleIf.length > 0 || prefill !== undefined) && !answered) {
      const name = ineligibleIf.length > 0 ? column.ineligibleIf : column.prefill;
      problems.push({ ...at, field: name, message: `une question de type « ${typeLabel} » n'attend pas de réponse ; videz ce champ ou changez le type` });
    }
    if (ineligibleMessage.length > 0 && ineligibleIf.length === 0) {
      problems.push({ ...at, field: column.ineligibleMessage, message: `ce message n'est lu que si « ${column.ineligibleIf} » est rempli ; remplissez-le ou videz ce champ` });
    }
    if (prefill !== undefined && !PREFILL_NAME.test(prefill)) {
      problems.push({ ...at, field: column.prefill, message: `« ${prefill} » ne peut pas être un paramètre d'URL : des minuscules sans accent, des chiffres et _, 30 au plus, en commençant par une lettre (ex. commune)` });
    } else if (prefill !== undefined && isReservedParameter(prefill)) {
      problems.push({ ...at, field: column.prefill, message: `« ${prefill} » est réservé à la mesure des visites (ref, utm_…) ; choisissez un autre nom` });
    }
    const rules = answered ? ineligibleIf.map((line) => readRule(line, { id: record.id, ...question })) : [];
    for (const rule of rules) if ("problem" in rule) problems.push({ ...at, field: column.ineligibleIf, message: rule.problem });
    const validRules = rules.filter((rule): rule is Rule => !("problem" in rule));
    const list = questionsByService.get(serviceId) ?? [];
    const sameParameter = prefill !== undefined ? list.find((other) => other.prefill === prefill) : undefined;
    if (sameParameter) {
      problems.push({ ...at, field: column.prefill, message: `le paramètre « ${prefill} » est déjà celui de la question « ${sameParameter.label} » du même service` });
    }
    // The columns a question's type does not use stay out of it.
    list.push({
      id: record.id,
      ...question,
      ...(range && min !== undefined ? { min } : {}),
      ...(range && max !== undefined ? { max } : {}),
      ...(dated && earliest !== undefined ? { earliest } : {}),
      ...(dated && latest !== undefined ? { latest } : {}),
      ...(type === "address" && requireHouseNumber ? { requireHouseNumber } : {}),
      ...(validRules.length > 0 ? { ineligibleIf: validRules } : {}),
      ...(validRules.length > 0 && ineligibleMessage.length > 0 ? { ineligibleMessage } : {}),
      ...(answered && prefill !== undefined && PREFILL_NAME.test(prefill) && !isReservedParameter(prefill) ? { prefill } : {}),
    });
    questionsByService.set(serviceId, list);
    if (showIf.length > 0) conditionLines.set(record.id, showIf);
  }
  // « Afficher si » names other questions of the service: read once they are all known.
  for (const list of questionsByService.values()) {
    list.sort((a, b) => a.order - b.order);
    for (const question of list) {
      const written = conditionLines.get(question.id);
      if (!written) continue;
      const at = { table: QUESTIONS.name, recordId: question.id, recordName: question.label, field: column.showIf };
      const conditions = written.map((line) => readCondition(line, question, list));
      const wrong = conditions.filter((c): c is { problem: string } => "problem" in c);
      for (const { problem } of wrong) problems.push({ ...at, message: problem });
      if (wrong.length === 0) question.conditions = conditions as Condition[];
    }
  }

  const variantsByService = new Map<string, Variant[]>();
  for (const { record, fields } of parseTable(VARIANTS, raw.variants ?? [], strict, problems)) {
    const at = { table: VARIANTS.name, recordId: record.id, recordName: fields.name };
    const { service: serviceId, ...variant } = fields;
    if (!serviceIds.has(serviceId)) {
      problems.push({ ...at, field: VARIANTS.columns.service, message: `le service ${serviceId} n'existe pas dans la table « ${SERVICES.name} »` });
      continue;
    }
    const list = variantsByService.get(serviceId) ?? [];
    const other = list.find((v) => v.slug === variant.slug);
    if (other) {
      problems.push({ ...at, field: VARIANTS.columns.slug, message: `le slug « ${variant.slug} » est déjà celui de la variante ${other.id} du même service` });
    }
    list.push({ id: record.id, ...variant });
    variantsByService.set(serviceId, list);
  }

  const questionsById = new Map([...questionsByService.entries()].flatMap(([serviceId, list]) => list.map((q) => [q.id, { serviceId, question: q }] as const)));
  const hypothesesByService = new Map<string, Hypothesis[]>();
  const hcolumn = HYPOTHESES.columns;
  for (const { record, fields } of parseTable(HYPOTHESES, raw.hypotheses ?? [], strict, problems)) {
    const at = { table: HYPOTHESES.name, recordId: record.id, recordName: fields.statement };
    const { service: serviceId, question, value, ...hypothesis } = fields;
    if (!serviceIds.has(serviceId)) {
      problems.push({ ...at, field: hcolumn.service, message: `le service ${serviceId} n'existe pas dans la table « ${SERVICES.name} »` });
      continue;
    }
    const metric = HYPOTHESIS_METRICS[hypothesis.metric];
    if (metric.unit === "share" && hypothesis.threshold > 100) {
      problems.push({ ...at, field: hcolumn.threshold, message: `« ${metric.label} » est une part : le seuil est un pourcentage, entre 0 et 100 (5 pour 5 %)` });
    }
    const valueMetric = HYPOTHESIS_METRICS["answer-value"].label;
    if (hypothesis.metric !== "answer-value") {
      if (question) problems.push({ ...at, field: hcolumn.question, message: `ne sert qu'à la métrique « ${valueMetric} » ; videz ce champ` });
      if (value) problems.push({ ...at, field: hcolumn.value, message: `ne sert qu'à la métrique « ${valueMetric} » ; videz ce champ` });
    } else if (!question) {
      problems.push({ ...at, field: hcolumn.question, message: `la métrique « ${valueMetric} » dit quelle question regarder : choisissez-la` });
      continue;
    } else {
      const linked = questionsById.get(question);
      if (!linked || linked.serviceId !== serviceId) {
        problems.push({ ...at, field: hcolumn.question, message: `la question ${question} n'est pas une question de ce service` });
        continue;
      }
      const options: readonly string[] = linked.question.type === "yes-no" ? YES_NO : linked.question.options;
      if (value !== undefined && options.length > 0 && !options.includes(value)) {
        problems.push({ ...at, field: hcolumn.value, message: `« ${value} » n'est pas une réponse proposée par la question « ${linked.question.label} » ; réponses : ${options.join(", ")}` });
      }
    }
    const list = hypothesesByService.get(serviceId) ?? [];
    list.push({ id: record.id, ...hypothesis, ...(question ? { question } : {}), ...(value !== undefined ? { value } : {}) });
    hypothesesByService.set(serviceId, list);
  }

  const model: Service[] = services.map(({ record, fields }, index) => ({
    id: record.id,
    ...fields,
    order: fields.order ?? index + 1000,
    questions: (questionsByService.get(record.id) ?? []).sort((a, b) => a.order - b.order),
    variants: variantsByService.get(record.id) ?? [],
    hypotheses: hypothesesByService.get(record.id) ?? [],
  }));
  for (const service of model) {
    if (service.published && service.questions.length === 0) {
      problems.push({
        table: SERVICES.name,
        recordId: service.id,
        recordName: service.slug,
        field: SERVICES.columns.published,
        message: `un service publié doit avoir au moins une question dans la table « ${QUESTIONS.name} »`,
      });
    }
  }

  if (problems.length > 0 || !site) throw new BaseValidationError(problems);

  return {
    site: site.fields,
    services: model.sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug)),
  };
}
