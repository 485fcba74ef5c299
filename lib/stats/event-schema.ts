// Checks what a page sends (lib/stats/event.ts) against the published forms: a known service and
// variant, a known page, question indexes inside the form. Anything else is refused (400), so a
// made-up event cannot create counters.
import { z } from "zod";
import type { PublishedForms } from "../forms/published.ts";
import { MAIN_VARIANT } from "../base/variants.ts";
import { label, MAX_LABEL_LENGTH, PAGE_KINDS, type PageEvent } from "./event.ts";

// A little slack over the label's length: the label is cut, a longer value is not a page's.
const sourceText = z.string().max(MAX_LABEL_LENGTH * 4).optional();

const VIEW = z.object({
  type: z.literal("view"),
  service: z.string().max(100),
  variant: z.string().max(100).default(MAIN_VARIANT),
  page: z.enum(PAGE_KINDS),
  source: sourceText,
  campaign: sourceText,
});

const PROGRESS = z.object({
  type: z.literal("progress"),
  service: z.string().max(100),
  variant: z.string().max(100).default(MAIN_VARIANT),
  from: z.number().int().min(-1),
  to: z.number().int().min(0),
});

const EVENT = z.discriminatedUnion("type", [VIEW, PROGRESS]);

/** The event, or what is wrong with it (in French, for whoever calls the API by hand). */
export function parseEvent(input: unknown, forms: PublishedForms): { ok: true; event: PageEvent } | { ok: false; message: string } {
  const parsed = EVENT.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `évènement invalide${issue?.path.length ? ` (champ « ${issue.path.join(".")} »)` : ""}` };
  }
  const event = parsed.data;
  const form = Object.hasOwn(forms.forms, event.service) ? forms.forms[event.service] : undefined;
  if (!form) return { ok: false, message: `service inconnu : « ${event.service} »` };
  const variants = (form.variants ?? []).map((v) => v.slug);
  if (event.variant !== MAIN_VARIANT && !variants.includes(event.variant)) {
    return { ok: false, message: `variante inconnue pour ce service : « ${event.variant} »` };
  }
  if (event.type === "progress") {
    const questions = form.definition.fields.length;
    if (event.to >= questions || event.from >= event.to) {
      return { ok: false, message: `progression invalide : de ${event.from} à ${event.to} dans un formulaire de ${questions} questions` };
    }
    return { ok: true, event };
  }
  const source = label(event.source);
  const campaign = label(event.campaign);
  const { source: _s, campaign: _c, ...view } = event;
  return { ok: true, event: { ...view, ...(source ? { source } : {}), ...(campaign ? { campaign } : {}) } };
}
