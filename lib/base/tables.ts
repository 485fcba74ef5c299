// The base's three tables, defined once: the field names the intrapreneur sees (in Airtable and in
// data/base/), their Airtable field types (for creating a base) and how each value is validated.
import { z } from "zod";
import { AUTOCOMPLETE_TOKENS, FIELD_TYPE_BY_LABEL, RESERVED_SLUGS, SLUG, type ColumnType } from "../vocabulary/index.ts";

export interface FieldDefinition<S extends z.ZodType = z.ZodType> {
  airtableType: ColumnType;
  schema: S;
  /** For singleSelect fields: the choices offered. For links: the linked table. */
  choices?: readonly string[];
  linkedTable?: string;
  /** For number fields: the decimals Airtable shows and keeps (whole numbers when absent). */
  precision?: number;
  description: string;
}

const MISSING = "champ obligatoire, il est vide";

// Airtable leaves empty cells out of a record entirely, so "missing" and "empty" read the same.
const text = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? MISSING : "doit être du texte") })
    .trim()
    .min(1, MISSING);

const optionalText = () =>
  z
    .string({ error: "doit être du texte" })
    .trim()
    .optional()
    .transform((value) => value || undefined);

/** A long text read as a list: one item per non-empty line. */
const lines = () => optionalText().transform((value) => (value ? splitLines(value) : []));
const requiredLines = () => text().transform(splitLines);

const checkbox = () => z.boolean({ error: "doit être une case cochée ou non" }).optional().transform((v) => v ?? false);

const number = () =>
  z.number({ error: (issue) => (issue.input === undefined ? MISSING : "doit être un nombre") });

const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: (issue) =>
      issue.input === undefined
        ? MISSING
        : `la valeur « ${String(issue.input)} » n'existe pas ; valeurs possibles : ${values.join(", ")}`,
  });

function splitLines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

const field = <S extends z.ZodType>(
  airtableType: ColumnType,
  schema: S,
  description: string,
  extra: Partial<Pick<FieldDefinition, "choices" | "linkedTable" | "precision">> = {},
): FieldDefinition<S> => ({ airtableType, schema, description, ...extra });

type Fields = Record<string, FieldDefinition>;

export interface TableDefinition<F extends Fields = Fields> {
  name: string;
  fields: F;
  /** The field that names a record in error messages. */
  primaryField: keyof F & string;
  schema: z.ZodObject<{ [K in keyof F]: F[K]["schema"] }>;
}

function defineTable<F extends Fields>(name: string, primaryField: keyof F & string, fields: F): TableDefinition<F> {
  const shape = Object.fromEntries(Object.entries(fields).map(([key, def]) => [key, def.schema])) as {
    [K in keyof F]: F[K]["schema"];
  };
  return { name, fields, primaryField, schema: z.object(shape) };
}

export const ACCESSIBILITY_STATUSES = ["non conforme", "partiellement conforme", "totalement conforme"] as const;

const FIELD_TYPE_LABELS = [...FIELD_TYPE_BY_LABEL.keys()] as [string, ...string[]];

export const SITE = defineTable("Site", "Nom du site", {
  "Nom du site": field("singleLineText", text(), "Nom affiché dans l'en-tête de toutes les pages."),
  Description: field("singleLineText", optionalText(), "Phrase sous le nom du site (facultatif)."),
  Ministère: field(
    "multilineText",
    requiredLines(),
    "Bloc-marque : le nom du ministère, une ligne par ligne affichée (ex. « Ministère », « de la Transition », « écologique »).",
  ),
  "E-mail de contact": field("email", text().pipe(z.email("doit être une adresse e-mail valide")), "Adresse où les citoyens peuvent écrire."),
  Éditeur: field("singleLineText", text(), "Administration qui publie le site (mentions légales)."),
  "Adresse de l'éditeur": field("multilineText", lines(), "Adresse postale de l'éditeur (facultatif)."),
  "Directeur de la publication": field("singleLineText", text(), "Nom et fonction (mentions légales)."),
  Hébergeur: field("multilineText", requiredLines(), "Nom et adresse de l'hébergeur, une ligne par ligne."),
  Territoire: field(
    "singleLineText",
    optionalText(),
    "Codes des départements (ex. 93) et/ou des communes (code INSEE, ex. 93010) couverts par l'expérimentation, séparés par des virgules (facultatif).",
  ),
  "Durée de conservation": field("singleLineText", optionalText(), "Combien de temps les réponses sont gardées (ex. « 12 mois »)."),
  "Conformité accessibilité": field(
    "singleSelect",
    choice(ACCESSIBILITY_STATUSES).optional().transform((v) => v ?? "non conforme"),
    "État de conformité au RGAA déclaré (par défaut : non conforme, tant qu'aucun audit n'a été fait).",
    { choices: ACCESSIBILITY_STATUSES },
  ),
});

export const SERVICES = defineTable("Services", "Slug", {
  Slug: field(
    "singleLineText",
    text()
      .regex(SLUG, "doit contenir seulement des minuscules sans accent, des chiffres et des tirets (ex. aide-renovation)")
      .refine((slug) => !RESERVED_SLUGS.has(slug), { message: `est réservé par le site ; choisissez un autre slug (réservés : ${[...RESERVED_SLUGS].join(", ")})` }),
    "Adresse de la page : /slug/. Minuscules, chiffres et tirets.",
  ),
  Titre: field("singleLineText", text(), "Titre de la page d'accueil du service."),
  Accroche: field("singleLineText", text(), "Une phrase sous le titre."),
  Problème: field("multilineText", requiredLines(), "Le problème rencontré par les usagers (un paragraphe par ligne)."),
  Promesse: field("multilineText", requiredLines(), "Ce que le service promet (un paragraphe par ligne)."),
  Bénéfices: field("multilineText", lines(), "Les bénéfices, un par ligne (facultatif)."),
  Bouton: field("singleLineText", text(), "Texte du bouton qui mène au formulaire (ex. « Je suis intéressé »)."),
  Publié: field("checkbox", checkbox(), "Cochée : la page et le formulaire sont en ligne."),
  "Message de confirmation": field("multilineText", lines(), "Texte affiché après l'envoi du formulaire (facultatif)."),
  Image: field(
    "multipleAttachments",
    z
      .array(z.object({ url: z.string().min(1), filename: z.string().optional(), id: z.string().optional() }), {
        error: "doit être une pièce jointe (image)",
      })
      .optional()
      .transform((images) => images?.[0]),
    "Illustration de la page (facultatif ; la première image est utilisée). Elle est copiée dans le site à chaque construction.",
  ),
  "Texte alternatif de l'image": field(
    "singleLineText",
    optionalText(),
    "Ce que montre l'image, pour qui ne la voit pas ; vide si elle est décorative.",
  ),
  Ordre: field("number", number().optional(), "Ordre d'affichage sur la page d'accueil (facultatif)."),
});

export const QUESTIONS = defineTable("Questions", "Libellé", {
  Service: field(
    "multipleRecordLinks",
    z
      .array(z.string(), { error: (issue) => (issue.input === undefined ? MISSING : "doit être un lien vers un service") })
      .length(1, "doit désigner exactement un service"),
    "Le service dont le formulaire pose cette question.",
    { linkedTable: "Services" },
  ),
  Ordre: field("number", number(), "Position de la question dans le formulaire."),
  Libellé: field("singleLineText", text(), "La question posée."),
  Aide: field("singleLineText", optionalText(), "Texte d'aide sous le libellé (facultatif)."),
  Type: field("singleSelect", choice(FIELD_TYPE_LABELS), "Le type de réponse attendu.", { choices: FIELD_TYPE_LABELS }),
  Obligatoire: field("checkbox", checkbox(), "Cochée : la réponse est obligatoire."),
  Options: field("multilineText", lines(), "Pour les choix : les réponses proposées, une par ligne."),
  Exemple: field("singleLineText", optionalText(), "Exemple affiché dans le champ vide (facultatif, à éviter si possible)."),
  Autocomplétion: field(
    "singleSelect",
    choice(AUTOCOMPLETE_TOKENS).optional(),
    "Ce que le champ demande, pour le remplissage automatique (ex. given-name pour un prénom ; facultatif).",
    { choices: AUTOCOMPLETE_TOKENS },
  ),
  // Which type these apply to is checked with the whole record (lib/base/model.ts).
  Minimum: field(
    "number",
    number().optional(),
    "Pour le type « Nombre » : la plus petite réponse acceptée (facultatif ; ex. 1 pour un nombre de personnes).",
    { precision: 2 },
  ),
  Maximum: field(
    "number",
    number().optional(),
    "Pour le type « Nombre » : la plus grande réponse acceptée (facultatif).",
    { precision: 2 },
  ),
  "Numéro obligatoire": field(
    "checkbox",
    checkbox(),
    "Pour le type « Adresse » : cochée, l'adresse doit avoir un numéro (une rue seule est refusée).",
  ),
});

export const TABLES = [SITE, SERVICES, QUESTIONS] as const;

export type SiteFields = z.output<typeof SITE.schema>;
export type ServiceFields = z.output<typeof SERVICES.schema>;
export type QuestionFields = z.output<typeof QUESTIONS.schema>;
