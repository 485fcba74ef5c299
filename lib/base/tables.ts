// The base's three tables, defined once. Each field is named, typed and validated here, in one
// place: the name the intrapreneur sees (in Airtable and in data/base/), its name in the model, its
// Airtable type (for creating a base), and the zod schema that checks a value and reads it into the
// model. A table's schema turns a record's fields into the model's shape ("Libellé" → label); the
// model's types are its output. What needs several records (links, unique slugs) or several fields
// (« ne s'applique qu'aux… ») is checked in lib/base/model.ts.
import { z } from "zod";
import {
  AUTOCOMPLETE_TOKENS,
  FIELD_TYPE_BY_LABEL,
  foldBound,
  HYPOTHESIS_METRIC_BY_LABEL,
  readDateBound,
  RESERVED_SLUGS,
  RESERVED_VARIANT_SLUGS,
  SLUG,
  type ColumnType,
  type FieldTypeId,
  type HypothesisMetricId,
} from "../vocabulary/index.ts";
import { CITYCODE, DEPARTEMENT } from "../address/departements.ts";
import { webhookUrlProblem } from "../site/webhook.ts";
import type { Territory } from "../address/territory.ts";

export interface FieldDefinition<S extends z.ZodType = z.ZodType, K extends string = string> {
  /** The field's name in the model ("label" for « Libellé »). */
  key: K;
  airtableType: ColumnType;
  /** Checks a value of the field and reads it into the model. */
  schema: S;
  /** For singleSelect fields: the choices offered. For links: the linked table. */
  choices?: readonly string[];
  linkedTable?: string;
  /** For number fields: the decimals Airtable shows and keeps (whole numbers when absent). */
  precision?: number;
  description: string;
}

// ---------------------------------------------------------------------------------------------
// The kinds of value, and what the intrapreneur reads when one is wrong

const MISSING = "champ obligatoire, il est vide";

// Airtable leaves empty cells out of a record entirely, so "missing" and "empty" read the same.
// One mistake, one message: a check that fails stops the ones after it (zod would otherwise also
// measure the length of a list given for a text); further checks on a text are piped after it.
const text = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? MISSING : "doit être du texte") })
    .trim()
    .refine((value) => value.length > 0, { message: MISSING, abort: true });

const optionalText = () =>
  z
    .string({ error: "doit être du texte" })
    .trim()
    .optional()
    .transform((value) => value || undefined);

/** A long text read as a list: one item per non-empty line. */
const lines = () => optionalText().transform((value) => (value ? splitLines(value) : []));
const requiredLines = () => text().transform(splitLines);

function splitLines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** Folds case, accents and punctuation away: « Numéro-obligatoire » and « numero obligatoire » read the same. */
export function fold(value: string): string {
  return value
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** How a value was written in data/base/, to quote it back: "oui" with its quotes, 1 without. */
const written = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value));

const CHECKED = new Set(["oui", "o", "vrai", "true", "yes", "y", "1", "x", "cochee", "coche"]);
const UNCHECKED = new Set(["non", "n", "faux", "false", "no", "0", "decochee", "non cochee"]);

/** A checkbox written as text or a number in data/base/ ("oui", 1): say which of true or false to write. */
function checkboxMessage(input: unknown): string {
  const word = typeof input === "string" || typeof input === "number" ? fold(String(input)) : undefined;
  const meant = word === undefined ? undefined : CHECKED.has(word) ? "true" : UNCHECKED.has(word) ? "false" : undefined;
  return meant
    ? `doit être une case cochée ou non : écrivez ${meant} (sans guillemets) au lieu de ${written(input)}`
    : "doit être une case cochée ou non : écrivez true (cochée) ou false (non cochée), sans guillemets";
}

// Unchecked reads false: Airtable leaves an unchecked box out of the record.
const checkbox = () => z.boolean({ error: (issue) => checkboxMessage(issue.input) }).optional().transform((v) => v ?? false);

/** A checkbox that only matters when checked: unchecked reads as absent. */
const optionalCheckbox = () => checkbox().transform((v): boolean | undefined => v || undefined);

const number = () =>
  z.number({ error: (issue) => (issue.input === undefined ? MISSING : "doit être un nombre") });

/** A day, as Airtable's date fields give it: 2026-12-31. */
const day = () =>
  text().pipe(
    z.string().superRefine((value, ctx) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) ctx.addIssue({ code: "custom", input: value, message: "doit être une date écrite AAAA-MM-JJ (ex. 2026-12-31)" });
      else if (new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) ctx.addIssue({ code: "custom", input: value, message: "n'est pas une date qui existe" });
    }),
  );

const BOUND_FORMS = "une date AAAA-MM-JJ (ex. 2026-12-31), aujourd'hui, ou un écart depuis aujourd'hui : +30 jours, +1 mois, -18 ans";

/** Why a « Date au plus tôt / au plus tard » cannot be read, and what to write instead. */
function dateBoundMessage(value: string): string {
  const folded = foldBound(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(folded)) return "n'est pas une date qui existe";
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(folded);
  if (french) return `doit être écrite AAAA-MM-JJ : ${french[3]}-${french[2]!.padStart(2, "0")}-${french[1]!.padStart(2, "0")}`;
  const unsigned = /^(\d+ ?\p{L}+)$/u.exec(folded);
  if (unsigned && readDateBound(`+${folded}`)) {
    return `dit dans quel sens compter : -${unsigned[1]} (dans le passé) ou +${unsigned[1]} (dans le futur)`;
  }
  return `« ${value} » n'est pas lisible ; écrivez ${BOUND_FORMS}`;
}

/** An optional date bound, kept as written: relative ones are resolved when the form is filled in. */
const dateBound = () =>
  optionalText().superRefine((value, ctx) => {
    if (value !== undefined && !readDateBound(value)) ctx.addIssue({ code: "custom", input: value, message: dateBoundMessage(value) });
  });

/** The origin of an optional https address (« https://stats.beta.gouv.fr/ » → https://stats.beta.gouv.fr). */
const optionalOrigin = () =>
  optionalText().transform((value, ctx) => {
    if (value === undefined) return undefined;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== "https:" || url.username || url.password) {
      ctx.addIssue({ code: "custom", input: value, message: "doit être une adresse https complète, ex. https://stats.beta.gouv.fr/" });
      return z.NEVER;
    }
    // Matomo's files live under this address (a path is kept: some instances sit under /matomo/).
    return url.origin + url.pathname.replace(/\/?$/, "/");
  });

/**
 * An optional incoming webhook (Mattermost, Tchap's bridge, Slack): an https address; http only
 * for this machine, so a local server can stand in for the chat. The address is a secret: the
 * message never quotes it back.
 */
const optionalWebhook = () =>
  optionalText().superRefine((value, ctx) => {
    const problem = value === undefined ? undefined : webhookUrlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", input: value, message: problem });
  });

const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: (issue) =>
      issue.input === undefined
        ? MISSING
        : `la valeur « ${String(issue.input)} » n'existe pas ; valeurs possibles : ${values.join(", ")}`,
  });

const RECORD_ID = /^rec\w+$/;

/**
 * A link to one record of another table: a list of record ids, as Airtable sends it. Written as
 * text in data/base/ (a record id, or the linked record's name), it says how to write it.
 */
const singleLink = (table: string, one: string) => {
  const wrong = (input: unknown): string => {
    if (input === undefined) return MISSING;
    if (typeof input === "string" && RECORD_ID.test(input.trim())) return `doit être un lien, écrit entre crochets : ["${input.trim()}"]`;
    if (typeof input === "string") {
      return `doit être un lien, écrit entre crochets avec l'identifiant de l'enregistrement de la table « ${table} » (pas son nom) : ["rec…"]`;
    }
    return `doit être un lien vers la table « ${table} », écrit ["rec…"]`;
  };
  // One check after the other, so that one mistake reads as one message.
  return z.array(z.unknown(), { error: (issue) => wrong(issue.input) }).transform((ids, ctx) => {
    const [id] = ids;
    if (ids.length === 1 && typeof id === "string") return id;
    ctx.addIssue({
      code: "custom",
      input: ids,
      message: ids.length === 1 ? `doit être un lien vers la table « ${table} », écrit ["rec…"]` : `doit désigner exactement ${one}`,
    });
    return z.NEVER;
  });
};

const attachment = z.object({
  url: z.string().min(1),
  filename: z.string().optional(),
  id: z.string().optional(),
});
type Attachment = z.output<typeof attachment>;

/** The field's first attachment. Written by hand in data/base/ (a file name as text), it says how to write it. */
const firstAttachment = () => {
  const wrong = (input: unknown) =>
    typeof input === "string"
      ? `doit être une pièce jointe (image), écrite [{ "url": ${JSON.stringify(input)} }]`
      : 'doit être une pièce jointe (image), écrite [{ "url": "…" }]';
  return z
    .array(z.unknown(), { error: (issue) => wrong(issue.input) })
    .optional()
    .transform((images, ctx) => {
      const attachments: Attachment[] = [];
      for (const image of images ?? []) {
        const parsed = attachment.safeParse(image);
        if (!parsed.success) {
          ctx.addIssue({ code: "custom", input: image, message: wrong(image) });
          return z.NEVER;
        }
        attachments.push(parsed.data);
      }
      return attachments[0];
    });
};

/** The Territoire field: codes of départements and communes, each checked. */
const territory = () =>
  optionalText().transform((value, ctx): Territory => {
    const territory: Territory = { departements: [], communes: [] };
    for (const code of (value ?? "").split(/[\s,;]+/).filter(Boolean)) {
      const upper = code.toUpperCase();
      if (CITYCODE.test(upper)) territory.communes.push(upper);
      else if (DEPARTEMENT.test(upper)) territory.departements.push(upper);
      else {
        ctx.addIssue({
          code: "custom",
          input: value,
          message: `le code « ${code} » n'est ni un département (ex. 93) ni une commune (code INSEE, ex. 93010)`,
        });
      }
    }
    return territory;
  });

// ---------------------------------------------------------------------------------------------
// Tables

const field = <K extends string, S extends z.ZodType>(
  key: K,
  airtableType: ColumnType,
  schema: S,
  description: string,
  extra: Partial<Pick<FieldDefinition, "choices" | "linkedTable" | "precision">> = {},
): FieldDefinition<S, K> => ({ key, airtableType, schema, description, ...extra });

type Fields = Record<string, FieldDefinition>;

type Flatten<T> = { [K in keyof T]: T[K] };

/** A record's fields under their names in the model; a field that may be empty is optional. */
export type ModelFields<F extends Fields> = Flatten<
  { [N in keyof F as undefined extends z.output<F[N]["schema"]> ? never : F[N]["key"]]: z.output<F[N]["schema"]> } & {
    [N in keyof F as undefined extends z.output<F[N]["schema"]> ? F[N]["key"] : never]?: z.output<F[N]["schema"]>;
  }
>;

export interface TableDefinition<F extends Fields = Fields, M = unknown> {
  name: string;
  fields: F;
  /** The field that names a record in error messages. */
  primaryField: keyof F & string;
  /** Each field's name in the base, by its name in the model: QUESTIONS.columns.label is "Libellé". */
  columns: { [N in keyof F as F[N]["key"]]: N };
  /** A record's fields to the model's shape. Fields the table does not define are ignored (Airtable sends the intrapreneur's own columns too). */
  schema: z.ZodType<M>;
  /** The same, for data/base/: a field the table does not define is a typo, reported with the nearest field's name. */
  strictSchema: z.ZodType<M>;
}

/** Edit distance, a swap of two neighbouring letters counting as one edit. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => d[i]![j]!;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i]![j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The table's field whose name is nearest to `name`, ignoring case and accents ("Libelle" →
 * "Libellé"), or undefined when none is close (at most one edit per three letters).
 */
export function nearestField(table: Pick<TableDefinition, "fields">, name: string): string | undefined {
  return nearestName(Object.keys(table.fields), name);
}

/** Of `names`, the one nearest to `name` (same rule as nearestField): a field, a question's label… */
export function nearestName(names: Iterable<string>, name: string): string | undefined {
  const folded = fold(name);
  const limit = Math.max(1, Math.floor(folded.length / 3));
  let nearest: string | undefined;
  let nearestDistance = limit + 1;
  for (const known of names) {
    const d = distance(folded, fold(known));
    if (d < nearestDistance) [nearest, nearestDistance] = [known, d];
  }
  return nearest;
}

const isFields = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function defineTable<F extends Fields, M = ModelFields<F>>(
  name: string,
  primaryField: keyof F & string,
  fields: F,
  /** Shapes the renamed fields further, when the model groups some of them. */
  finish: (fields: ModelFields<F>) => M = (fields) => fields as unknown as M,
): TableDefinition<F, M> {
  const entries = Object.entries(fields);
  const shape = z.object(Object.fromEntries(entries.map(([column, def]) => [column, def.schema])));
  const schema = shape.transform((values) =>
    finish(Object.fromEntries(entries.map(([column, def]) => [def.key, values[column]])) as ModelFields<F>),
  );
  const table = { name, fields };
  const record = z.custom<Record<string, unknown>>(isFields, 'doit être un objet { "Nom du champ": valeur }');
  const strictSchema = record.transform((record, ctx) => {
    const unknown = Object.keys(record).filter((column) => !Object.hasOwn(fields, column));
    const nearest = new Map(unknown.map((column) => [column, nearestField(table, column)]));
    for (const [column, known] of nearest) {
      ctx.addIssue({
        code: "custom",
        path: [column],
        input: record[column],
        message: known
          ? `n'existe pas dans la table « ${name} » ; vouliez-vous dire « ${known} » ?`
          : `n'existe pas dans la table « ${name} » ; champs possibles : ${Object.keys(fields).join(", ")}`,
      });
    }
    // « Libelle » for « Libellé » is one mistake: the field it stands for is not missing as well.
    const meant = new Set([...nearest.values()].filter((known) => known !== undefined && !Object.hasOwn(record, known)));
    const result = schema.safeParse(Object.fromEntries(Object.entries(record).filter(([column]) => Object.hasOwn(fields, column))));
    if (!result.success) {
      for (const issue of result.error.issues) {
        if (meant.has(String(issue.path[0]))) continue;
        ctx.addIssue({ code: "custom", path: issue.path, input: record[String(issue.path[0])], message: issue.message });
      }
    }
    return result.success && unknown.length === 0 ? result.data : z.NEVER;
  });
  const columns = Object.fromEntries(entries.map(([column, def]) => [def.key, column])) as TableDefinition<F, M>["columns"];
  return { name, fields, primaryField, columns, schema, strictSchema };
}

export const ACCESSIBILITY_STATUSES = ["non conforme", "partiellement conforme", "totalement conforme"] as const;

const FIELD_TYPE_LABELS = [...FIELD_TYPE_BY_LABEL.keys()] as [string, ...string[]];

/** How often the new answers are summed up on the webhook, by the label the intrapreneur picks. */
export const SUMMARY_FREQUENCY_BY_LABEL = new Map([
  ["Quotidien", "daily"],
  ["Horaire", "hourly"],
] as const);
const SUMMARY_FREQUENCY_LABELS = [...SUMMARY_FREQUENCY_BY_LABEL.keys()] as ["Quotidien", "Horaire"];

export const SITE = defineTable("Site", "Nom du site", {
  "Nom du site": field("name", "singleLineText", text(), "Nom affiché dans l'en-tête de toutes les pages."),
  Description: field("description", "singleLineText", optionalText(), "Phrase sous le nom du site (facultatif)."),
  Ministère: field(
    "ministry",
    "multilineText",
    requiredLines(),
    "Bloc-marque : le nom du ministère, une ligne par ligne affichée (ex. « Ministère », « de la Transition », « écologique »).",
  ),
  "E-mail de contact": field(
    "contactEmail",
    "email",
    text().pipe(z.email("doit être une adresse e-mail valide")),
    "Adresse où les citoyens peuvent écrire.",
  ),
  Éditeur: field("publisher", "singleLineText", text(), "Administration qui publie le site (mentions légales)."),
  "Adresse de l'éditeur": field("publisherAddress", "multilineText", lines(), "Adresse postale de l'éditeur (facultatif)."),
  "Directeur de la publication": field("publicationDirector", "singleLineText", text(), "Nom et fonction (mentions légales)."),
  Hébergeur: field("host", "multilineText", requiredLines(), "Nom et adresse de l'hébergeur, une ligne par ligne."),
  Territoire: field(
    "territory",
    "singleLineText",
    territory(),
    "Codes des départements (ex. 93) et/ou des communes (code INSEE, ex. 93010) couverts par l'expérimentation, séparés par des virgules (facultatif).",
  ),
  "Durée de conservation": field(
    "retention",
    "singleLineText",
    optionalText(),
    "Combien de temps les réponses sont gardées (ex. « 12 mois »).",
  ),
  "Conformité accessibilité": field(
    "accessibility",
    "singleSelect",
    choice(ACCESSIBILITY_STATUSES).optional().transform((v) => v ?? "non conforme"),
    "État de conformité au RGAA déclaré (par défaut : non conforme, tant qu'aucun audit n'a été fait).",
    { choices: ACCESSIBILITY_STATUSES },
  ),
  "Matomo (adresse)": field(
    "matomoUrl",
    "url",
    optionalOrigin(),
    "Facultatif : l'adresse de votre Matomo (ex. https://stats.beta.gouv.fr/), pour le suivre aussi là-bas, sans cookie. Vide : rien n'est chargé.",
  ),
  "Matomo (site)": field(
    "matomoSiteId",
    "singleLineText",
    optionalText().pipe(z.string().regex(/^\d+$/, "doit être le numéro du site dans Matomo (ex. 42)").optional()),
    "Le numéro du site dans votre Matomo (avec « Matomo (adresse) »).",
  ),
  // « Publier » (README, « Publier les modifications de la base »): the automation's trigger and
  // what it writes back. The site does not show them; airtable/publier.js names them too.
  Publier: field("publish", "checkbox", optionalCheckbox(), "Cochez pour mettre le site en ligne à jour (automatisation « Publier »)."),
  "Publication lancée le": field(
    "publishedAt",
    "dateTime",
    optionalText(),
    "Écrit par l'automatisation « Publier » : quand elle a lancé la dernière construction du site.",
  ),
  "État de la publication": field(
    "publishStatus",
    "singleLineText",
    optionalText(),
    "Écrit par l'automatisation « Publier » : ce qu'elle a fait de la dernière demande.",
  ),
  "Webhook des réponses": field(
    "answersWebhook",
    "url",
    optionalWebhook(),
    "Facultatif : l'adresse d'un webhook entrant Mattermost, Tchap ou Slack ; un résumé des nouvelles réponses y est posté (des nombres, jamais leur contenu). Gardez-la secrète.",
  ),
  "Fréquence du résumé": field(
    "summaryFrequency",
    "singleSelect",
    choice(SUMMARY_FREQUENCY_LABELS)
      .optional()
      .transform((label) => SUMMARY_FREQUENCY_BY_LABEL.get(label ?? "Quotidien") ?? "daily"),
    "Avec « Webhook des réponses » : Quotidien (par défaut, chaque matin à 9 h) ou Horaire (chaque heure où il y a du nouveau).",
    { choices: SUMMARY_FREQUENCY_LABELS },
  ),
});

/** An image of the base: an Airtable attachment URL, or a path under data/ in the embedded base. */
export interface Image extends Pick<Attachment, "url" | "filename"> {
  /** Empty for a decorative image. */
  alt: string;
  /** Where the build put it in the site, once copied ("/images/…"). */
  src?: string;
}

const toImage = ({ url, filename }: Attachment, alt: string | undefined): Image => ({ url, filename, alt: alt ?? "" });

export const SERVICES = defineTable(
  "Services",
  "Slug",
  {
    Slug: field(
      "slug",
      "singleLineText",
      text().pipe(
        z
          .string()
          .regex(SLUG, "doit contenir seulement des minuscules sans accent, des chiffres et des tirets (ex. aide-renovation)")
          .refine((slug) => !RESERVED_SLUGS.has(slug), {
            message: `est réservé par le site ; choisissez un autre slug (réservés : ${[...RESERVED_SLUGS].join(", ")})`,
          }),
      ),
      "Adresse de la page : /slug/. Minuscules, chiffres et tirets.",
    ),
    Titre: field("title", "singleLineText", text(), "Titre de la page d'accueil du service."),
    Accroche: field("tagline", "singleLineText", text(), "Une phrase sous le titre."),
    Problème: field("problem", "multilineText", requiredLines(), "Le problème rencontré par les usagers (un paragraphe par ligne)."),
    Promesse: field("promise", "multilineText", requiredLines(), "Ce que le service promet (un paragraphe par ligne)."),
    Bénéfices: field("benefits", "multilineText", lines(), "Les bénéfices, un par ligne (facultatif)."),
    Bouton: field("cta", "singleLineText", text(), "Texte du bouton qui mène au formulaire (ex. « Je suis intéressé »)."),
    Publié: field("published", "checkbox", checkbox(), "Cochée : la page et le formulaire sont en ligne."),
    "Message de confirmation": field(
      "confirmation",
      "multilineText",
      lines(),
      "Texte affiché après l'envoi du formulaire (facultatif).",
    ),
    Image: field(
      "image",
      "multipleAttachments",
      firstAttachment(),
      "Illustration de la page (facultatif ; la première image est utilisée). Elle est copiée dans le site à chaque construction.",
    ),
    "Texte alternatif de l'image": field(
      "imageAlt",
      "singleLineText",
      optionalText(),
      "Ce que montre l'image, pour qui ne la voit pas ; vide si elle est décorative.",
    ),
    Ordre: field("order", "number", number().optional(), "Ordre d'affichage sur la page d'accueil (facultatif)."),
    Description: field(
      "description",
      "multilineText",
      optionalText(),
      "Ce que les moteurs de recherche montrent sous le titre de la page (facultatif ; vide : l'accroche).",
    ),
    "Durée (minutes)": field(
      "minutes",
      "number",
      number().pipe(z.number().int("doit être un nombre entier de minutes").positive("doit être au moins 1")).optional(),
      "Le temps que prend le formulaire, annoncé sur la page (facultatif ; vide : estimé d'après ses questions).",
    ),
  },
  // The image and its alternative text make one Image, in the image's place (before « Ordre »).
  ({ image, imageAlt, order, ...service }) => ({ ...service, ...(image ? { image: toImage(image, imageAlt) } : {}), order }),
);

export const QUESTIONS = defineTable("Questions", "Libellé", {
  Service: field(
    "service",
    "multipleRecordLinks",
    singleLink("Services", "un service"),
    "Le service dont le formulaire pose cette question.",
    { linkedTable: "Services" },
  ),
  Ordre: field("order", "number", number(), "Position de la question dans le formulaire."),
  Libellé: field("label", "singleLineText", text(), "La question posée."),
  Aide: field(
    "hint",
    "singleLineText",
    optionalText(),
    "Texte d'aide sous le libellé (facultatif). Pour un « Texte d'explication » : le texte affiché, le libellé en tête, en gras.",
  ),
  Type: field(
    "type",
    "singleSelect",
    choice(FIELD_TYPE_LABELS).transform((label) => FIELD_TYPE_BY_LABEL.get(label) as FieldTypeId),
    "Le type de réponse attendu.",
    { choices: FIELD_TYPE_LABELS },
  ),
  Obligatoire: field("required", "checkbox", checkbox(), "Cochée : la réponse est obligatoire."),
  Options: field("options", "multilineText", lines(), "Pour les choix : les réponses proposées, une par ligne."),
  Exemple: field("placeholder", "singleLineText", optionalText(), "Exemple affiché dans le champ vide (facultatif, à éviter si possible)."),
  Autocomplétion: field(
    "autocomplete",
    "singleSelect",
    choice(AUTOCOMPLETE_TOKENS).optional(),
    "Ce que le champ demande, pour le remplissage automatique (ex. given-name pour un prénom ; facultatif).",
    { choices: AUTOCOMPLETE_TOKENS },
  ),
  // Which type these apply to is checked with the whole record (lib/base/model.ts).
  Minimum: field(
    "min",
    "number",
    number().optional(),
    "Pour les types « Nombre », « Nombre entier » et « Montant en euros » : la plus petite réponse acceptée (facultatif ; ex. 1 pour un nombre de personnes).",
    { precision: 2 },
  ),
  Maximum: field(
    "max",
    "number",
    number().optional(),
    "Pour les types « Nombre », « Nombre entier » et « Montant en euros » : la plus grande réponse acceptée (facultatif).",
    { precision: 2 },
  ),
  "Date au plus tôt": field(
    "earliest",
    "singleLineText",
    dateBound(),
    "Pour le type « Date » : la première date acceptée, AAAA-MM-JJ, ou relative au jour de la saisie : aujourd'hui, +30 jours, -120 ans (facultatif).",
  ),
  "Date au plus tard": field(
    "latest",
    "singleLineText",
    dateBound(),
    "Pour le type « Date » : la dernière date acceptée, AAAA-MM-JJ, ou relative au jour de la saisie : aujourd'hui, +1 mois, -18 ans (facultatif).",
  ),
  "Numéro obligatoire": field(
    "requireHouseNumber",
    "checkbox",
    optionalCheckbox(),
    "Pour le type « Adresse » : cochée, l'adresse doit avoir un numéro (une rue seule est refusée).",
  ),
  // Read line by line here; which questions and answers the lines name is checked with the whole service (lib/base/model.ts).
  "Afficher si": field(
    "showIf",
    "multilineText",
    lines(),
    "Facultatif : la question n'est posée que si une réponse précédente le demande. Une condition par ligne, toutes doivent être vraies : « Êtes-vous propriétaire ? = Oui », « ≠ » pour « différent de », « contient » pour un « Choix multiples ».",
  ),
  // Read against the question's own answers with the whole record (lib/base/model.ts).
  "Non éligible si": field(
    "ineligibleIf",
    "multilineText",
    lines(),
    "Facultatif : les réponses qui rendent la personne non éligible, une par ligne (« = Non », « ≠ Bondy », « contient … » pour un « Choix multiples » ; « = » peut être omis). Le formulaire s'arrête à cette question, la réponse est enregistrée comme non éligible.",
  ),
  "Message si non éligible": field(
    "ineligibleMessage",
    "multilineText",
    lines(),
    "Ce que la personne non éligible lit, à la question puis sur la page de remerciement : pourquoi, et quoi faire à la place (un paragraphe par ligne ; facultatif, un message général sinon).",
  ),
  "Paramètre d'URL": field(
    "prefill",
    "singleLineText",
    optionalText(),
    "Facultatif : un nom court (ex. commune) ; un lien vers le formulaire terminé par ?commune=Bondy pré-remplit la question.",
  ),
});

const slugField = (message: string) =>
  text().pipe(z.string().regex(SLUG, `doit contenir seulement des minuscules sans accent, des chiffres et des tirets (${message})`));

export const VARIANTS = defineTable("Variantes", "Nom", {
  Nom: field("name", "singleLineText", text(), "Le nom de la variante, affiché sur la page des statistiques (ex. « Promesse courte »)."),
  Service: field("service", "multipleRecordLinks", singleLink("Services", "un service"), "Le service dont cette variante change la page.", {
    linkedTable: "Services",
  }),
  Slug: field(
    "slug",
    "singleLineText",
    slugField("ex. courte").refine((slug) => !RESERVED_VARIANT_SLUGS.has(slug), {
      message: `est réservé par les pages du service ; choisissez un autre slug (réservés : ${[...RESERVED_VARIANT_SLUGS].join(", ")})`,
    }),
    "Adresse de la variante : /service/slug/. À donner à un canal (un courriel, une affiche) pour le mesurer à part.",
  ),
  Active: field(
    "active",
    "checkbox",
    checkbox(),
    "Cochée : l'adresse principale du service envoie une part égale des visiteurs vers cette variante.",
  ),
  Titre: field("title", "singleLineText", optionalText(), "Remplace le titre du service (facultatif)."),
  Accroche: field("tagline", "singleLineText", optionalText(), "Remplace l'accroche (facultatif)."),
  Promesse: field("promise", "multilineText", lines(), "Remplace la promesse, un paragraphe par ligne (facultatif)."),
  Bouton: field("cta", "singleLineText", optionalText(), "Remplace le texte du bouton (facultatif)."),
});

const METRIC_LABELS = [...HYPOTHESIS_METRIC_BY_LABEL.keys()] as [string, ...string[]];

export const HYPOTHESES = defineTable("Hypothèses", "Énoncé", {
  Énoncé: field("statement", "singleLineText", text(), "L'hypothèse, en une phrase (ex. « Au moins 5 % des visiteurs demandent un rendez-vous »)."),
  Service: field("service", "multipleRecordLinks", singleLink("Services", "un service"), "Le service dont les chiffres la tranchent.", {
    linkedTable: "Services",
  }),
  Métrique: field(
    "metric",
    "singleSelect",
    choice(METRIC_LABELS).transform((label) => HYPOTHESIS_METRIC_BY_LABEL.get(label) as HypothesisMetricId),
    "Ce qui est mesuré.",
    { choices: METRIC_LABELS },
  ),
  Seuil: field(
    "threshold",
    "number",
    number().pipe(z.number().nonnegative("doit être positif ou nul")),
    "Le seuil à atteindre : un pourcentage pour une part ou une conversion (5 pour 5 %), un nombre pour un nombre de réponses.",
    { precision: 2 },
  ),
  Échéance: field("deadline", "date", day().optional(), "La date à laquelle trancher (facultatif), écrite AAAA-MM-JJ."),
  Question: field(
    "question",
    "multipleRecordLinks",
    singleLink("Questions", "une question").optional(),
    "Pour « Part des réponses avec une valeur » : la question regardée.",
    { linkedTable: "Questions" },
  ),
  Valeur: field(
    "value",
    "singleLineText",
    optionalText(),
    "Pour « Part des réponses avec une valeur » : la réponse comptée (ex. « Oui ») ; vide, toute réponse compte.",
  ),
});

export const TABLES = [SITE, SERVICES, QUESTIONS, VARIANTS, HYPOTHESES] as const;

/** The Site record, in the model's shape. */
export type SiteFields = z.output<typeof SITE.schema>;
/** A Services record, in the model's shape (its questions and record id are added by the model). */
export type ServiceFields = z.output<typeof SERVICES.schema>;
/** A Questions record, in the model's shape. */
export type QuestionFields = z.output<typeof QUESTIONS.schema>;
export type VariantFields = z.output<typeof VARIANTS.schema>;
export type HypothesisFields = z.output<typeof HYPOTHESES.schema>;
