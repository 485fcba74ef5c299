// /api/submit/<form>. GET gives the form page a timing token. POST validates against the published
// form definition and stores durably, then answers: 303 to the citizen's receipt (the confirmation
// page with a short-lived signed token, lib/answers/receipt.ts) for a plain form POST, 201 JSON for
// fetch, with the same address. In order, a POST is refused cheaply before anything is read (rate
// limit, another site's page), then read within the size limit, then:
//   filled honeypot          → discarded, counted, answered as if accepted (a bot learns nothing)
//   invalid values           → 422 with the form and its error summary
//   looks automated (timing) → kept in quarantine, answered as accepted: a person may have sent it
//   otherwise                → stored as an answer
import { randomBytes } from "node:crypto";
import type { AddressProvider } from "../address/providers.ts";
import type { RawFields } from "../forms/field-spec.ts";
import { paths, SLUG } from "../forms/definitions.ts";
import { CONTROL_FIELDS, errorTitle, renderForm, type FormState } from "../forms/render.ts";
import type { PublishedForm, PublishedForms } from "../forms/published.ts";
import { validateSubmission, type FieldErrors, type Values } from "../forms/validate.ts";
import { escapeHtml } from "../site/html.ts";
import { parisDay } from "../vocabulary/index.ts";
import { analyticsHeaders, htmlResponse as basicHtmlResponse, jsonResponse, redirectResponse, type ExtraHeaders } from "../site/headers.ts";
import { clientKey, type RateLimiter } from "../site/rate-limit.ts";
import { checkAddresses } from "./address-check.ts";
import { checkCommunes } from "./commune-check.ts";
import type { CommuneIndex } from "../places/communes.ts";
import { answerIds, type Answer, type PutResult } from "./answer.ts";
import { BodyError, readSubmission, wantsJson } from "./body.ts";
import { issueReceiptToken, RECEIPT_PARAM } from "./receipt-token.ts";
import type { AnswerStore } from "./store.ts";
import { checkTimingToken, issueTimingToken, MIN_FILL_MS, newSigningKey } from "./timing.ts";
import { countsOfSubmission, type Counts, type SubmissionCount } from "../stats/counters.ts";
import { acceptedCount, measureOf, refusedCount } from "../stats/submission.ts";

export interface SubmitOptions {
  forms: PublishedForms;
  store: AnswerStore;
  now?: () => number;
  /** Submissions sent faster than this after the form was shown look automated. */
  minFillMs?: number;
  /** Per-client limit, where the platform does not enforce one (netlify dev, tests). */
  limiter?: RateLimiter;
  /** Looks up typed addresses (the address function's provider); without it they are taken as typed. */
  addresses?: AddressProvider;
  /** The communes (build/communes.json), read on first need: a commune is stored with its INSEE code, or refused. Without it, taken as typed. */
  communes?: () => Promise<CommuneIndex>;
  /** Where each submission's outcome is counted (lib/stats/ledger.ts); without it, nothing is. */
  counts?: { add(counts: Counts, at?: number): Promise<void> };
}

const SUBMIT_PATH = new RegExp(`^${paths.submit("(" + SLUG.source.slice(1, -1) + ")")}/?$`);

function alertHtml(title: string, message: string): string {
  return `<div class="fr-alert fr-alert--error fr-mb-4w" role="alert"><h2 class="fr-alert__title">${escapeHtml(title)}</h2><p>${escapeHtml(message)}</p></div>`;
}

const NOT_SENT = "Votre réponse n'a pas été envoyée";

/** The built form page again, with the citizen's values, the errors, and the title saying so. */
function formPage(form: PublishedForm, state: FormState, alert?: string): string {
  const count = Object.keys(state.errors ?? {}).length;
  // The page of the variant the form was reached from, with its texts.
  const variant = state.raw?.[CONTROL_FIELDS.variant]?.[0];
  const page = (variant && form.variantPages && Object.hasOwn(form.variantPages, variant) ? form.variantPages[variant] : undefined) ?? form.page;
  const before = page.before.replace(/<title>([^<]*)<\/title>/, (_, title: string) =>
    `<title>${count > 0 ? errorTitle(count, title) : alert ? `Erreur – ${title}` : title}</title>`,
  );
  return `${before}\n${alert ? alertHtml(NOT_SENT, alert) : ""}${renderForm(form.definition, state)}\n${page.after}`;
}

function plainPage(title: string, message: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body></html>`;
}

/** Who sent a request, as far as it tells apart two citizens without JavaScript (only ever hashed). */
function clientOf(req: Request): string {
  return `${clientKey(req)}|${req.headers.get("user-agent") ?? ""}`;
}

/**
 * A POST from another site's page (cross-site request forgery, or a spam form elsewhere pointing
 * here). Browsers send Origin on every POST; a client that sends none is not a browser on another
 * site, and the other checks apply to it.
 */
function isCrossSite(req: Request): boolean {
  const origin = req.headers.get("origin");
  if (origin !== null && origin !== new URL(req.url).origin) return true;
  return req.headers.get("sec-fetch-site") === "cross-site";
}

export function createSubmitHandler(options: SubmitOptions): (req: Request) => Promise<Response> {
  const now = options.now ?? Date.now;
  const minFillMs = options.minFillMs ?? MIN_FILL_MS;
  // A build always writes one; a key of our own only makes every token "odd" (quarantine), not lost.
  const signingKey = options.forms.signingKey ?? newSigningKey();

  // A page sent back carries the same CSP as the static pages (a Matomo's origin, when there is one).
  const pageHeaders = analyticsHeaders(options.forms.matomo?.url);
  const htmlResponse = (status: number, html: string, extra: ExtraHeaders = {}) => basicHtmlResponse(status, html, { ...pageHeaders, ...extra });

  return async (req) => {
    const asJson = wantsJson(req);
    const refuse = (status: number, title: string, message: string, headers: Record<string, string> = {}, form?: PublishedForm) =>
      asJson
        ? jsonResponse(status, { error: message }, headers)
        : htmlResponse(status, form ? formPage(form, {}, message) : plainPage(title, message), headers);

    const slug = SUBMIT_PATH.exec(new URL(req.url).pathname)?.[1];
    // Own properties only: "constructor" or "__proto__" is no form.
    const form = slug !== undefined && Object.hasOwn(options.forms.forms, slug) ? options.forms.forms[slug] : undefined;
    if (!form) return refuse(404, "Formulaire introuvable", "Ce formulaire n'existe pas ou n'est plus en ligne.");

    if (options.limiter) {
      const limit = options.limiter.check(clientKey(req));
      if (!limit.ok) {
        const message = `Trop d'envois depuis votre connexion en peu de temps. Votre réponse n'est pas enregistrée : réessayez dans ${limit.retryAfterSeconds} secondes.`;
        return refuse(429, "Trop de requêtes", message, { "retry-after": String(limit.retryAfterSeconds) }, form);
      }
    }
    if (req.method === "GET") {
      return jsonResponse(200, { token: issueTimingToken(signingKey, form.definition.slug, now()) }, { "cache-control": "no-store" });
    }
    if (req.method !== "POST") {
      return refuse(405, "Méthode non autorisée", "Envoyez les réponses avec la méthode POST.", { allow: "GET, POST" });
    }
    if (isCrossSite(req)) {
      return refuse(403, "Envoi refusé", "Ce formulaire ne peut être envoyé que depuis le site du service.");
    }

    let raw: RawFields;
    try {
      raw = await readSubmission(req);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      return refuse(error.status, "Envoi refusé", error.message, {}, form);
    }

    const definition = form.definition;
    const at = now();
    const measure = measureOf(form, raw);
    // Counting never stands in the way of an answer: a failure is logged, the answer goes on.
    const count = async (submission: SubmissionCount) => {
      try {
        await options.counts?.add(countsOfSubmission(submission), at);
      } catch (error) {
        console.error(`a submission to ${definition.slug} could not be counted:`, error);
      }
    };
    // The receipt of the answer as stored: its address names it, signed and short-lived.
    const confirmed = (id: string) => {
      const confirmation = `${paths.confirmation(definition.slug)}?${RECEIPT_PARAM}=${issueReceiptToken(signingKey, definition.slug, id, at)}`;
      return asJson ? jsonResponse(201, { id, confirmation }) : redirectResponse(confirmation);
    };

    // Every value: a bot may send the field twice, the first one empty.
    if ((raw[CONTROL_FIELDS.honeypot] ?? []).some((value) => value.trim() !== "")) {
      try {
        await options.store.discard(definition.slug, "honeypot", at);
      } catch (error) {
        console.error(`a discarded submission to ${definition.slug} could not be counted:`, error);
      }
      await count({ service: definition.slug, ...measure, outcome: "discarded" });
      // An id like any other, stored nowhere: its receipt shows a reference and no answers.
      return confirmed(randomBytes(12).toString("hex"));
    }

    // Relative date bounds (« aujourd'hui », « -18 ans ») start from the handler's clock.
    const result = validateSubmission(definition, raw, { today: parisDay(at) });
    /** Errors found by the form's checks or by the server's own: counted, and the form comes back with them. */
    const refused = async (errors: FieldErrors) => {
      await count(refusedCount(definition, errors, measure));
      return asJson
        ? jsonResponse(422, { error: "Certaines réponses sont à corriger.", errors })
        : htmlResponse(422, formPage(form, { raw, errors }));
    };
    if (!result.ok) return refused(result.errors);
    let values = result.values;
    // What only the server can check: addresses (the address index: typed ones found, every one completed with its parts) and communes (the communes index).
    const { addresses, communes } = options;
    for (const check of [
      addresses && ((v: Values) => checkAddresses(definition, v, addresses)),
      communes && ((v: Values) => checkCommunes(definition, v, communes)),
    ]) {
      if (!check) continue;
      const checked = await check(values);
      if (Object.keys(checked.errors).length > 0) return refused(checked.errors);
      values = checked.values;
    }

    const timing = checkTimingToken(signingKey, definition.slug, raw[CONTROL_FIELDS.timing]?.[0], at, minFillMs);
    const instance = timing.ok ? timing.instance : raw[CONTROL_FIELDS.instance]?.[0];
    const ids = answerIds(definition.slug, instance, values, clientOf(req), at);
    const answer: Answer = {
      id: ids.id,
      form: definition.slug,
      submittedAt: new Date(at).toISOString(),
      source: "web",
      values,
      ...(measure.variant ? { variant: measure.variant } : {}),
      ...(measure.source || measure.campaign ? { origin: { ...(measure.source ? { source: measure.source } : {}), ...(measure.campaign ? { campaign: measure.campaign } : {}) } } : {}),
      ...(result.ineligible ? { ineligible: { question: result.ineligible } } : {}),
      ...(timing.ok ? {} : { quarantine: { reason: timing.reason } }),
    };
    let stored: PutResult | "known" = "known";
    // A re-send that crossed into the next time window is the same answer too, stored under its first id.
    let storedId = answer.id;
    try {
      if (ids.previous && (await options.store.has(answer.form, ids.previous))) storedId = ids.previous;
      else stored = await options.store.put(answer);
    } catch (error) {
      console.error(`answer ${answer.id} for ${answer.form} could not be stored:`, error);
      const message = "Votre réponse n'a pas pu être enregistrée, à cause d'un problème de notre côté. Vos réponses sont conservées ci-dessous : réessayez dans quelques instants.";
      return asJson
        ? jsonResponse(503, { error: message }, { "retry-after": "10" })
        : htmlResponse(503, formPage(form, { raw }, message), { "retry-after": "10" });
    }
    if (!timing.ok) console.warn(`answer ${answer.id} for ${answer.form} kept in quarantine: ${timing.reason}`);
    // A double click or a re-send is one answer, counted once.
    if (stored === "created") await count(acceptedCount(definition, values, measure, timing.ok ? "accepted" : "quarantined"));
    return confirmed(storedId);
  };
}
