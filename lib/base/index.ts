// The base: its tables' schemas (tables.ts: each field named, typed and validated once), the
// embedded copy in data/base/ (embedded.ts), and the validated model (model.ts: what needs several
// records or fields). Where a running kit reads it from (Airtable or data/) is decided above, in
// lib/app/model.ts.
export { BaseValidationError, formatProblem, validateBase } from "./model.ts";
export type { Model, Service, Question, SiteSettings, Territory, Problem, RawBase, BaseRecord, Image, Variant, Hypothesis } from "./model.ts";
export { readEmbeddedBase } from "./embedded.ts";
export { HYPOTHESES, QUESTIONS, SERVICES, SITE, TABLES, VARIANTS } from "./tables.ts";
export type { FieldDefinition, TableDefinition } from "./tables.ts";
export { MAIN_VARIANT, MAIN_VARIANT_NAME, splits, variantsOf, withVariant } from "./variants.ts";
export type { VariantInfo } from "./variants.ts";
