// What a submission adds to the counts, read from the form's definition and the checked values:
// which questions were answered, the values of choice questions, the communes of addresses and of « Commune » answers. No
// free text, no address, nothing that tells who answered.
import { citycodeOfBanId, COMMUNE_OUT_OF_TERRITORY, inTerritory, OUT_OF_TERRITORY } from "../address/territory.ts";
import { MAIN_VARIANT } from "../base/variants.ts";
import type { RawFields } from "../forms/field-spec.ts";
import type { FormDefinition } from "../forms/definitions.ts";
import type { PublishedForm } from "../forms/published.ts";
import type { FieldErrors, Values } from "../forms/validate.ts";
import { addCounts, counter, countsOfSubmission, type Counts, type SubmissionCount } from "./counters.ts";
import { label } from "./event.ts";
import { CONTROL_FIELDS } from "../forms/definitions.ts";
import { YES_NO } from "../vocabulary/index.ts";
import { DEPARTMENT_LABELS, REGION_LABELS } from "../places/divisions.ts";

/** The variant and source a form carried (hidden fields), checked: an unknown variant is the main page. */
export function measureOf(form: PublishedForm, raw: RawFields): { variant: string; source?: string; campaign?: string } {
  const sent = raw[CONTROL_FIELDS.variant]?.[0] ?? MAIN_VARIANT;
  const variant = (form.variants ?? []).some((v) => v.slug === sent) ? sent : MAIN_VARIANT;
  const source = label(raw[CONTROL_FIELDS.source]?.[0]);
  const campaign = label(raw[CONTROL_FIELDS.campaign]?.[0]);
  return { variant, ...(source ? { source } : {}), ...(campaign ? { campaign } : {}) };
}

const CHOICE_TYPES: ReadonlySet<string> = new Set(["radio", "select", "checkboxes", "yes-no", "department", "region"]);

/** The answers a choice question offers: its Options, or the list its type fixes. */
const offeredBy = (field: FormDefinition["fields"][number]): readonly string[] =>
  field.type === "yes-no" ? YES_NO : field.type === "department" ? DEPARTMENT_LABELS : field.type === "region" ? REGION_LABELS : (field.options ?? []);

const given = (value: unknown) => value !== undefined && value !== null && value !== "" && value !== false && !(Array.isArray(value) && value.length === 0);

/** An accepted (or quarantined) answer's counts. */
export function acceptedCount(
  definition: FormDefinition,
  values: Values,
  measure: ReturnType<typeof measureOf>,
  outcome: "accepted" | "quarantined",
): SubmissionCount {
  const answered: string[] = [];
  const choices: Array<{ question: string; value: string }> = [];
  const places: string[] = [];
  let inside = 0;
  for (const field of definition.fields) {
    const value = values[field.key];
    if (!given(value)) continue;
    answered.push(field.key);
    if (CHOICE_TYPES.has(field.type)) {
      for (const choice of Array.isArray(value) ? value : [value]) {
        // Only the options the question offers: the count never holds what someone typed.
        if (typeof choice === "string" && offeredBy(field).includes(choice)) choices.push({ question: field.key, value: choice });
      }
    }
    // An address's commune (the server's lookup, else its BAN id's), or a « Commune » answer's own INSEE code (its id).
    if ((field.type === "address" || field.type === "commune") && typeof value === "object" && !Array.isArray(value) && (value.id || value.citycode)) {
      const citycode = field.type === "commune" ? value.id : (value.citycode ?? (value.id ? citycodeOfBanId(value.id) : undefined));
      if (citycode) {
        places.push(citycode);
        if (inTerritory(citycode, field.territory)) inside++;
      }
    }
  }
  return { service: definition.slug, ...measure, outcome, answered, choices, places, inside };
}

/** A submission sent back for corrections; an address (or a commune) outside the territory is counted as such. */
export function refusedCount(definition: FormDefinition, errors: FieldErrors, measure: ReturnType<typeof measureOf>): SubmissionCount {
  const outside = Object.values(errors).filter((message) => message === OUT_OF_TERRITORY || message === COMMUNE_OUT_OF_TERRITORY).length;
  return { service: definition.slug, ...measure, outcome: "refused", outside };
}

/** An answer as the review sees it: enough to count it again. */
export interface ReviewedAnswer {
  values: Values;
  variant?: string;
  origin?: { source?: string; campaign?: string };
}

/**
 * What a person's decision on a quarantined answer changes in the counts: released, it becomes an
 * accepted answer (with what it said); deleted, it joins the robots set aside.
 */
export function reviewedCounts(definition: FormDefinition, answer: ReviewedAnswer, decision: "released" | "deleted"): Counts {
  const measure = { variant: answer.variant ?? MAIN_VARIANT, ...answer.origin };
  const counts: Counts = { [counter.outcome(definition.slug, measure.variant, "quarantined")]: -1 };
  if (decision === "deleted") counts[counter.outcome(definition.slug, measure.variant, "discarded")] = 1;
  else addCounts(counts, countsOfSubmission(acceptedCount(definition, answer.values, measure, "accepted")));
  return counts;
}
