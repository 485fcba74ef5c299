// What `npm run answers:review` shows and does: per form, how many answers were received, kept in
// quarantine (with why) or discarded; each quarantined answer with enough of its values for a
// person to judge it; releasing one makes it an answer like the others (and, with Airtable,
// rewrites its row as « Reçue »), deleting one removes it for good.
import type { FormDefinition } from "../forms/definitions.ts";
import { answerCell } from "../forms/cells.ts";
import { DISCARD_REASONS, QUARANTINE_REASONS, released, type Answer, type QuarantineReason } from "./answer.ts";
import type { AnswerStore } from "./store.ts";
import { plural } from "../vocabulary/index.ts";

export interface FormReview {
  form: string;
  title: string;
  received: number;
  quarantined: Answer[];
  discarded: Partial<Record<keyof typeof DISCARD_REASONS, number>>;
}

export async function reviewForms(store: AnswerStore, definitions: FormDefinition[], only?: string): Promise<{ forms: FormReview[]; setAside: string[] }> {
  const { answers, setAside } = await store.scan(only);
  const slugs = [...new Set([...definitions.map((d) => d.slug), ...answers.map((a) => a.form)])].filter((s) => !only || s === only);
  const forms: FormReview[] = [];
  for (const slug of slugs) {
    const mine = answers.filter((a) => a.form === slug);
    forms.push({
      form: slug,
      title: definitions.find((d) => d.slug === slug)?.title ?? slug,
      received: mine.filter((a) => !a.quarantine).length,
      quarantined: mine.filter((a) => a.quarantine),
      discarded: await store.discarded(slug),
    });
  }
  return { forms, setAside };
}

const dateFormat = new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", dateStyle: "short", timeStyle: "medium" });

/** A few of the answer's values, by question label, so a person can tell a citizen from a bot. */
export function answerSummary(answer: Answer, definition: FormDefinition | undefined, max = 4): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(answer.values)) {
    const field = definition?.fields.find((f) => f.key === key);
    const text = field ? answerCell(field.type, value) : JSON.stringify(value);
    parts.push(`${field?.label ?? key} : ${text.length > 40 ? `${text.slice(0, 39)}…` : text}`);
    if (parts.length === max) break;
  }
  return parts.join(" · ");
}

export function formatReview(forms: FormReview[], definitions: FormDefinition[]): string {
  const lines: string[] = [];
  for (const review of forms) {
    const discarded = Object.entries(review.discarded)
      .map(([reason, n]) => `${plural(n ?? 0, "envoi")} écarté${(n ?? 0) > 1 ? "s" : ""} (${DISCARD_REASONS[reason as keyof typeof DISCARD_REASONS]})`)
      .join(", ");
    lines.push(`\n${review.title} (${review.form})`);
    lines.push(`  ${plural(review.received, "réponse")} reçue${review.received > 1 ? "s" : ""} · ${review.quarantined.length} en quarantaine${discarded ? ` · ${discarded}` : ""}`);
    for (const answer of review.quarantined) {
      const reason = QUARANTINE_REASONS[answer.quarantine?.reason as QuarantineReason] ?? answer.quarantine?.reason;
      lines.push(`  - ${answer.id}  ${dateFormat.format(new Date(answer.submittedAt))}  ${reason}`);
      lines.push(`      ${answerSummary(answer, definitions.find((d) => d.slug === answer.form))}`);
    }
  }
  if (forms.some((f) => f.quarantined.length > 0)) {
    lines.push("\nPour libérer une réponse : npm run answers:review -- --release <identifiant> (ou --release-all).");
    lines.push("Pour la supprimer : npm run answers:review -- --delete <identifiant>.");
  }
  return lines.join("\n");
}

export type Outcome = { id: string; done: true; form: string } | { id: string; done: false; why: string };

/**
 * Acts on quarantined answers named by id alone (ids are unique across forms), from one scan of the
 * store: an unknown id, or an answer not in quarantine, is reported and left alone.
 */
async function onQuarantined(store: AnswerStore, ids: string[], notQuarantined: string, act: (answer: Answer) => Promise<boolean>): Promise<Outcome[]> {
  const byId = new Map((await store.scan()).answers.map((answer) => [answer.id, answer]));
  const outcomes: Outcome[] = [];
  for (const id of ids) {
    const answer = byId.get(id);
    if (!answer) outcomes.push({ id, done: false, why: "aucune réponse n'a cet identifiant" });
    else if (!answer.quarantine) outcomes.push({ id, done: false, why: notQuarantined });
    else outcomes.push((await act(answer)) ? { id, done: true, form: answer.form } : { id, done: false, why: "déjà supprimée" });
  }
  return outcomes;
}

/** Told of each decision once it is stored (the statistics count it: lib/stats/submission.ts). */
export type Decided = (answer: Answer, decision: "released" | "deleted") => Promise<void>;

export function releaseAnswers(store: AnswerStore, ids: string[], decided?: Decided): Promise<Outcome[]> {
  return onQuarantined(store, ids, "cette réponse n'est pas en quarantaine", async (answer) => {
    await store.put(released(answer));
    await decided?.(answer, "released");
    return true;
  });
}

export function deleteAnswers(store: AnswerStore, ids: string[], decided?: Decided): Promise<Outcome[]> {
  return onQuarantined(store, ids, "seules les réponses en quarantaine se suppriment ici", async (answer) => {
    const deleted = await store.delete(answer.form, answer.id);
    if (deleted) await decided?.(answer, "deleted");
    return deleted;
  });
}
