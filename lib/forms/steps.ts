// How a form splits into steps, and the ids of the parts the page's script drives: shared by the
// markup (render.ts) and the browser (site/js/form.ts). Browser-safe.
import { takesAnswer } from "../vocabulary/index.ts";
import type { FieldSpec } from "./field-spec.ts";

/** A step of the form: the questions from one « Titre de section » to the next. */
export interface Step {
  /** The section that starts it: none for the questions before the first section. */
  section?: FieldSpec;
  fields: FieldSpec[];
}

/**
 * The form's steps: a section title starts one; questions before the first section make a step
 * of their own, texts alone there open the first step.
 */
export function stepsOf(fields: readonly FieldSpec[]): Step[] {
  const steps: Step[] = [];
  for (const field of fields) {
    if (field.type === "section" || steps.length === 0) steps.push(field.type === "section" ? { section: field, fields: [field] } : { fields: [field] });
    else steps.at(-1)?.fields.push(field);
  }
  // Texts before the first section (an introduction) open the first step rather than make one.
  const [lead, next] = steps;
  if (lead && next && !lead.section && !lead.fields.some(takesAnswer)) return [{ ...next, fields: [...lead.fields, ...next.fields] }, ...steps.slice(2)];
  return steps;
}

/** Ids of the parts of the form the page's script drives (site/js/form.ts). */
export const STEP_IDS = {
  stepper: "kit-stepper",
  stepTitle: "kit-stepper-title",
  stepState: "kit-stepper-state",
  stepBar: "kit-stepper-steps",
  nextTitle: "kit-stepper-next",
  previous: "kit-step-previous",
  next: "kit-step-next",
  submit: "kit-submit",
} as const;
