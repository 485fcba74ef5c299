// The citizen's receipt, /<form>/merci/?recu=<token>: where the submit function sends every
// accepted submission (lib/answers/submit.ts). GET (or HEAD) only. The token (receipt-token.ts)
// names the answer; the answer is read from the answer store, never from the base, and shown in
// the built confirmation page (PublishedForm.receipt): its reference, when it was sent, every
// question answered in the form's order, whether it ended as not eligible, the service's message.
// Without a valid token the same page says there is nothing to show and links the form:
//   no token                         → 200 (the page reached directly; the static page says the same)
//   not a token, or not ours         → 404
//   expired (signed, over 2 hours)   → 410, with the reference, not the answers
//   unknown form                     → 404, the site's 404 page
//   a token for no stored answer     → 200, the reference without the answers: a deleted answer, or
//                                      a bot's discarded one, which must look like a person's
//   the store fails                  → 503, the reference and a word to come back
// The page shows personal data to whoever has its address: never cached, never sent as referrer,
// never indexed, and it loads no third-party script (site/merci.njk asks the layout for none).
import type { FieldSpec } from "../forms/field-spec.ts";
import { answerCell } from "../forms/cells.ts";
import { linkify } from "../forms/markup.ts";
import type { PublishedForm, PublishedForms } from "../forms/published.ts";
import { htmlResponse, type ExtraHeaders } from "../site/headers.ts";
import { escapeHtml } from "../site/html.ts";
import { formatDay, paths, SLUG, takesAnswer } from "../vocabulary/index.ts";
import type { Answer } from "./answer.ts";
import { readReceiptToken, RECEIPT_LIFETIME_MS, RECEIPT_PARAM } from "./receipt-token.ts";
import type { AnswerStore } from "./store.ts";
import { newSigningKey } from "./timing.ts";

export interface ReceiptOptions {
  forms: PublishedForms;
  store: Pick<AnswerStore, "get">;
  now?: () => number;
}

/** On every answer of the receipt function. */
export const RECEIPT_HEADERS: ExtraHeaders = {
  "cache-control": "private, no-store",
  "referrer-policy": "no-referrer",
  "x-robots-tag": "noindex",
};

/**
 * The static confirmation page's heading and title (site/merci.njk, through the kitReceipt
 * shortcode): what the page says without a receipt. The function swaps the title's start for its own.
 */
export const NO_RECEIPT_TITLE = "Aucun récapitulatif à afficher";

const RECEIPT_PATH = new RegExp(`^${paths.confirmation(`(${SLUG.source.slice(1, -1)})`).replace(/\/$/, "")}/?$`);

/** What a citizen reads aloud on the phone: the answer id's first 8 characters, 0-9 and A-F only, in two groups. */
export function answerReference(id: string): string {
  const head = id.slice(0, 8).toUpperCase();
  return `${head.slice(0, 4)}-${head.slice(4)}`;
}

const PARIS_DAY = new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", day: "numeric", month: "long", year: "numeric" });
const PARIS_TIME = new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** « 29 novembre 2026 à 11 h 00 », in Paris time. */
export function parisDateTime(at: Date): string {
  const parts = Object.fromEntries(PARIS_TIME.formatToParts(at).map((part) => [part.type, part.value]));
  return `${PARIS_DAY.format(at)} à ${parts.hour} h ${parts.minute}`;
}

/** An answer as the citizen reads it back: the spreadsheet's cell, with a French date and the euro sign. */
function receiptValue(field: FieldSpec, value: NonNullable<Answer["values"][string]>): string {
  if (field.type === "date" && typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDay(value);
  const cell = answerCell(field.type, value);
  return field.type === "amount" && typeof value === "number" ? `${cell} €` : cell;
}

const isAnswered = (value: unknown) => value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);

/** The answered questions, in the form's order, grouped under the form's section titles. */
function summaryHtml(form: PublishedForm, answer: Answer): string {
  const groups: Array<{ title?: string; rows: string[] }> = [{ rows: [] }];
  for (const field of form.definition.fields) {
    if (field.type === "section") groups.push({ title: field.label, rows: [] });
    if (!takesAnswer(field) || !Object.hasOwn(answer.values, field.key)) continue;
    const value = answer.values[field.key];
    if (value === undefined || !isAnswered(value)) continue;
    groups.at(-1)?.rows.push(`<tr><th scope="row">${escapeHtml(field.label)}</th><td class="kit-receipt__value">${escapeHtml(receiptValue(field, value))}</td></tr>`);
  }
  const shown = groups.filter((group) => group.rows.length > 0);
  if (shown.length === 0) return "<p>Aucune question n'a reçu de réponse.</p>";
  return shown
    .map((group) => {
      const caption = group.title ?? "Vos réponses";
      return `<div class="fr-table fr-table--bordered fr-table--multiline${group.title ? "" : " fr-table--no-caption"}">
<div class="fr-table__wrapper"><div class="fr-table__container"><div class="fr-table__content">
<table>
<caption>${escapeHtml(caption)}</caption>
<thead><tr><th scope="col">Question</th><th scope="col">Votre réponse</th></tr></thead>
<tbody>
${group.rows.join("\n")}
</tbody>
</table>
</div></div></div>
</div>`;
    })
    .join("\n");
}

/** Said plainly, in a warning (not an error: the answer was sent and kept). */
function ineligibleHtml(form: PublishedForm, question: string): string {
  const field = form.definition.fields.find((f) => f.key === question);
  const why = field
    ? `D'après votre réponse à « ${escapeHtml(field.label)} », vous n'êtes pas éligible à ce service.`
    : "D'après vos réponses, vous n'êtes pas éligible à ce service.";
  const message = field?.ineligibleMessage?.length
    ? field.ineligibleMessage.map((paragraph) => `<p>${linkify(paragraph)}</p>`).join("\n")
    : "<p>Ce service ne peut donc pas vous aider pour le moment. Votre réponse est tout de même enregistrée : elle nous aide à savoir à qui ce service manque.</p>";
  return `<div class="fr-alert fr-alert--warning fr-mb-4w">
<h2 class="fr-alert__title">Vous n'êtes pas éligible à ce service</h2>
<p>${why}</p>
${message}
</div>`;
}

const backLink = (form: PublishedForm) =>
  `<p class="fr-no-print"><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="${escapeHtml(paths.landing(form.definition.slug))}">Revenir à la présentation du service</a></p>`;

const hours = Math.round(RECEIPT_LIFETIME_MS / 3600_000);

/**
 * The receipt of answer `id`: its reference always; the rest when the answer is there. Without it
 * (deleted, or a bot's, never stored), the same page, only saying the summary is not available.
 */
export function receiptHtml(form: PublishedForm, id: string, answer: Answer | undefined): string {
  const title = escapeHtml(form.definition.title);
  const sent = answer ? ` le ${escapeHtml(parisDateTime(new Date(answer.submittedAt)))} (heure de Paris)` : "";
  const parts = [
    `<h1>Merci, votre réponse a bien été envoyée</h1>`,
    `<div class="fr-alert fr-alert--success fr-mb-4w">
<h2 class="fr-alert__title">Référence de votre demande : <span class="kit-reference">${escapeHtml(answerReference(id))}</span></h2>
<p>Nous avons bien reçu votre réponse pour « ${title} »${sent}.</p>
</div>`,
  ];
  if (answer?.ineligible) parts.push(ineligibleHtml(form, answer.ineligible.question));
  parts.push(`<h2>Vos réponses</h2>`);
  parts.push(answer ? summaryHtml(form, answer) : `<p>Le récapitulatif de vos réponses n'est plus disponible.</p>`);
  // The service's promise (« un conseiller vous contactera ») is not for whom it cannot help.
  if (!answer?.ineligible) for (const paragraph of form.confirmation ?? []) parts.push(`<p>${escapeHtml(paragraph)}</p>`);
  if (answer) {
    parts.push(
      `<p class="fr-text--sm">Pour garder ce récapitulatif, imprimez cette page ou enregistrez-la en PDF (menu « Imprimer » de votre navigateur). Pour protéger vos données, il ne reste affiché à cette adresse que ${hours} heures.</p>`,
    );
  }
  parts.push(backLink(form));
  return `<div class="kit-receipt">\n${parts.join("\n")}\n</div>`;
}

export type NoReceiptReason = "missing" | "invalid" | "expired" | "unavailable";

const NO_RECEIPT: Record<NoReceiptReason, { title: string; message: string }> = {
  missing: {
    title: NO_RECEIPT_TITLE,
    message: "Cette page affiche le récapitulatif d'une réponse juste après son envoi. Aucune réponse n'est indiquée dans son adresse : il n'y a rien à afficher.",
  },
  invalid: {
    title: NO_RECEIPT_TITLE,
    message: "L'adresse de cette page est incomplète ou erronée : elle ne correspond à aucune réponse. Vérifiez-la, ou remplissez le formulaire.",
  },
  expired: {
    title: "Ce récapitulatif n'est plus disponible",
    message: `Pour protéger vos données, le récapitulatif ne reste affiché que ${hours} heures après l'envoi. Votre réponse, elle, a bien été envoyée.`,
  },
  unavailable: {
    title: "Récapitulatif momentanément indisponible",
    message: "Votre réponse a bien été envoyée, mais son récapitulatif ne peut pas être affiché pour l'instant, à cause d'un problème de notre côté. Rechargez cette page dans quelques instants.",
  },
};

/** The page without a receipt: why, the reference when the token still names one, and the way to the form. */
export function noReceiptHtml(form: Pick<PublishedForm["definition"], "slug" | "title" | "formPath">, reason: NoReceiptReason, id?: string): string {
  const { title, message } = NO_RECEIPT[reason];
  const reference = id ? `\n<p>Référence de votre demande : <span class="kit-reference">${escapeHtml(answerReference(id))}</span></p>` : "";
  const toForm = reason === "expired" || reason === "unavailable" ? "" : `\n<p><a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href="${escapeHtml(form.formPath)}">Remplir le formulaire « ${escapeHtml(form.title)} »</a></p>`;
  return `<div class="kit-receipt">
<h1>${escapeHtml(title)}</h1>
<div class="fr-alert fr-alert--info fr-mb-4w">
<p>${escapeHtml(message)}</p>
</div>${reference}${toForm}
<p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="${escapeHtml(paths.landing(form.slug))}">Revenir à la présentation du service</a></p>
</div>`;
}

/** The built confirmation page around `content`, its title starting with `title`. */
function page(form: PublishedForm, title: string, content: string): string {
  const shell = form.receipt;
  if (!shell) {
    return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main>${content}</main></body></html>`;
  }
  const prefix = `${NO_RECEIPT_TITLE} – `;
  const before = shell.before.replace(/<title>([^<]*)<\/title>/, (_, text: string) => `<title>${escapeHtml(title)} – ${text.startsWith(prefix) ? text.slice(prefix.length) : text}</title>`);
  return `${before}\n${content}\n${shell.after}`;
}

export function createReceiptHandler(options: ReceiptOptions): (req: Request) => Promise<Response> {
  const now = options.now ?? Date.now;
  // A build always writes one; without it no token is valid, and every receipt says so.
  const key = options.forms.signingKey ?? newSigningKey();
  return async (req) => {
    const head = req.method === "HEAD";
    const respond = (status: number, html: string, extra: ExtraHeaders = {}) => {
      const response = htmlResponse(status, html, { ...RECEIPT_HEADERS, ...extra });
      return head ? new Response(null, { status, headers: response.headers }) : response;
    };
    const url = new URL(req.url);
    const slug = RECEIPT_PATH.exec(url.pathname)?.[1];
    // Own properties only: "constructor" or "__proto__" is no form.
    const form = slug !== undefined && Object.hasOwn(options.forms.forms, slug) ? options.forms.forms[slug] : undefined;
    if (req.method !== "GET" && !head) {
      const body = "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Méthode non autorisée</title></head><body><main><h1>Méthode non autorisée</h1><p>Cette page s'affiche seulement (méthode GET).</p></main></body></html>";
      return respond(405, body, { allow: "GET, HEAD" });
    }
    if (!form) {
      return respond(404, options.forms.pages?.notFound ?? "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Page introuvable</title></head><body><main><h1>Page introuvable</h1></main></body></html>");
    }
    const without = (status: number, reason: NoReceiptReason, id?: string, extra: ExtraHeaders = {}) =>
      respond(status, page(form, NO_RECEIPT[reason].title, noReceiptHtml(form.definition, reason, id)), extra);

    const token = readReceiptToken(key, form.definition.slug, url.searchParams.get(RECEIPT_PARAM), now());
    if (!token.ok) {
      if (token.reason === "expired") return without(410, "expired", token.id);
      return token.reason === "missing" ? without(200, "missing") : without(404, "invalid");
    }
    let answer: Answer | undefined;
    try {
      answer = await options.store.get(form.definition.slug, token.id);
    } catch (error) {
      console.error(`the receipt of answer ${token.id} for ${form.definition.slug} could not be read:`, error);
      return without(503, "unavailable", token.id, { "retry-after": "10" });
    }
    if (answer && answer.form !== form.definition.slug) answer = undefined;
    return respond(200, page(form, "Réponse envoyée", receiptHtml(form, token.id, answer)));
  };
}
