// The base: its tables' schemas, the embedded copy in data/base/, and the validated model. Where
// a running kit reads it from (Airtable or data/) is decided above, in lib/app/model.ts.
export { BaseValidationError, formatProblem, validateBase } from "./model.ts";
export type { Model, Service, Question, SiteSettings, Territory, Problem, RawBase, BaseRecord, Image } from "./model.ts";
export { readEmbeddedBase } from "./embedded.ts";
