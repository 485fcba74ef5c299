// POST /api/submit/<form>: validate against the published form definition, drop bots, store
// durably, then answer: 303 to the confirmation page for a plain form POST, 201 JSON for fetch.
import type { RawFields } from "../forms/field-types.ts";
import { paths, SLUG } from "../forms/definitions.ts";
import { CONTROL_FIELDS, errorTitle, renderForm, type FormState } from "../forms/render.ts";
import type { PublishedForm, PublishedForms } from "../forms/published.ts";
import { validateSubmission } from "../forms/validate.ts";
import { escapeHtml } from "../site/html.ts";
import { answerIds, type Answer } from "./answer.ts";
import { JSON_HEADERS, SECURITY_HEADERS } from "../site/headers.ts";
import { BodyError, readSubmission, wantsJson } from "./body.ts";
import type { AnswerStore } from "./store.ts";

export interface SubmitOptions {
  forms: PublishedForms;
  store: AnswerStore;
  now?: () => number;
  /** Submissions sent faster than this after the form was shown are bots (measured by JavaScript). */
  minFillMs?: number;
}

const SUBMIT_PATH = new RegExp(`^${paths.submit("(" + SLUG.source.slice(1, -1) + ")")}/?$`);
const DEFAULT_MIN_FILL_MS = 3000;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

function page(status: number, html: string, headers: Record<string, string> = {}): Response {
  return new Response(html, {
    status,
    headers: { ...SECURITY_HEADERS, "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

function alertHtml(message: string): string {
  return `<div class="fr-alert fr-alert--error fr-mb-4w" role="alert"><h2 class="fr-alert__title">Votre réponse n'a pas été envoyée</h2><p>${escapeHtml(message)}</p></div>`;
}

/** The built form page again, with the citizen's values, the errors, and the title saying so. */
function formPage(form: PublishedForm, state: FormState, alert?: string): string {
  const count = Object.keys(state.errors ?? {}).length;
  const before = form.page.before.replace(/<title>([^<]*)<\/title>/, (_, title: string) =>
    `<title>${count > 0 ? errorTitle(count, title) : alert ? `Erreur – ${title}` : title}</title>`,
  );
  return `${before}\n${alert ? alertHtml(alert) : ""}${renderForm(form.definition, state)}\n${form.page.after}`;
}

function plainPage(title: string, message: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body></html>`;
}

function isBot(raw: RawFields, minFillMs: number): boolean {
  if ((raw[CONTROL_FIELDS.honeypot]?.[0] ?? "").trim() !== "") return true;
  // Measured by the browser, so no clock needs to agree with ours; without JavaScript there is none.
  const elapsed = raw[CONTROL_FIELDS.elapsed]?.[0];
  return elapsed !== undefined && /^\d+$/.test(elapsed) && Number(elapsed) < minFillMs;
}

/** Who sent a request, as far as it tells apart two citizens without JavaScript (only ever hashed). */
function clientOf(req: Request): string {
  const ip = req.headers.get("x-nf-client-connection-ip") ?? req.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? "";
  return `${ip}|${req.headers.get("user-agent") ?? ""}`;
}

export function createSubmitHandler(options: SubmitOptions): (req: Request) => Promise<Response> {
  const now = options.now ?? Date.now;
  const minFillMs = options.minFillMs ?? DEFAULT_MIN_FILL_MS;

  return async (req) => {
    const asJson = wantsJson(req);
    const slug = SUBMIT_PATH.exec(new URL(req.url).pathname)?.[1];
    const form = slug ? options.forms.forms[slug] : undefined;
    if (!form) {
      const message = "Ce formulaire n'existe pas ou n'est plus en ligne.";
      return asJson ? json(404, { error: message }) : page(404, plainPage("Formulaire introuvable", message));
    }
    if (req.method !== "POST") {
      const message = "Envoyez les réponses avec la méthode POST.";
      return asJson ? json(405, { error: message }, { allow: "POST" }) : page(405, plainPage("Méthode non autorisée", message), { allow: "POST" });
    }

    let raw: RawFields;
    try {
      raw = await readSubmission(req);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      return asJson ? json(error.status, { error: error.message }) : page(error.status, formPage(form, {}, error.message));
    }

    const definition = form.definition;
    const at = now();
    if (isBot(raw, minFillMs)) {
      // Answer as if accepted, so a bot learns nothing; store nothing.
      return asJson ? json(201, { id: null, confirmation: definition.confirmationPath }) : new Response(null, { status: 303, headers: { location: definition.confirmationPath } });
    }

    const result = validateSubmission(definition, raw);
    if (!result.ok) {
      return asJson
        ? json(422, { error: "Certaines réponses sont à corriger.", errors: result.errors })
        : page(422, formPage(form, { raw, errors: result.errors }));
    }

    const ids = answerIds(definition.slug, raw[CONTROL_FIELDS.instance]?.[0], result.values, clientOf(req), at);
    const answer: Answer = {
      id: ids.id,
      form: definition.slug,
      submittedAt: new Date(at).toISOString(),
      source: "web",
      values: result.values,
    };
    try {
      // A re-send that crossed into the next time window is the same answer too.
      if (!(ids.previous && (await options.store.has(answer.form, ids.previous)))) await options.store.put(answer);
    } catch (error) {
      console.error(`answer ${answer.id} for ${answer.form} could not be stored:`, error);
      const message = "Votre réponse n'a pas pu être enregistrée, à cause d'un problème de notre côté. Vos réponses sont conservées ci-dessous : réessayez dans quelques instants.";
      return asJson ? json(503, { error: message }, { "retry-after": "10" }) : page(503, formPage(form, { raw }, message), { "retry-after": "10" });
    }
    return asJson
      ? json(201, { id: answer.id, confirmation: definition.confirmationPath })
      : new Response(null, { status: 303, headers: { location: definition.confirmationPath } });
  };
}
